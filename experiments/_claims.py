"""The lectures' checkable claims, one row each, for ``docs/lectures.md``.

The rows are :data:`CLAIMS` here plus the ``CLAIMS`` list of each experiment's optional
``claims.py`` (``experiments/NAME/claims.py``, rows built with :class:`Claim` from this
module); :func:`all_claims` joins them in lecture order.

``python -m experiments render`` writes the page from this table and the committed
``results.json`` files: a row with a ``measure`` shows the value measured here and its status
is computed by ``holds`` ("reproduced", or "differs" with the row's ``why``); a row without
one has a fixed ``status`` (a unit test, a command, or "not yet").
"""

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from experiments import _system as system

LECTURES = {
    "000": "000 (CS6220 L20, cs231n)",
    "001": "001 (TACC intro)",
    "002": "002 (JHU DL 2)",
    "003": "003 (SVM to NN)",
    "004": "004 (RIT DL)",
}
PAGE = system.ROOT.parent / "docs" / "lectures.md"


@dataclass(frozen=True)
class Claim:
    id: str
    where: str  # lecture file and section
    claim: str  # the lecture's number or statement
    command: str  # what shows it here
    measure: Callable[[dict], str] | None = None  # records -> the value measured here
    holds: Callable[[dict], bool] | None = None  # records -> does the claim hold here
    why: str = ""  # shown with "differs" when ``holds`` is False
    status: str = ""  # for rows without a measurement


def _r(records: dict, name: str) -> dict:
    return records[name]["results"]


def _by(items: list[dict], key: str) -> dict:
    return {item[key]: item for item in items}


def _scheme(records, name):
    return _by(_r(records, "init_statistics")["schemes"], "initializer")[name]["layers"]


def _variant(records, label):
    return _by(_r(records, "activations")["variants"], "label")[label]


def _ratio(records, label):
    g = _variant(records, label)["grad_norms_before"]
    return g[0] / g[-1]


def _race(records, surface):
    return _by(_r(records, "optimizers")["surfaces"][surface], "name")


def _bn(records, batch_norm):
    from experiments.batch_norm.report import spread_by_rate

    return spread_by_rate(_r(records, "batch_norm")["cells"], batch_norm)


def _bn_top(records, batch_norm):
    cells = _r(records, "batch_norm")["cells"]
    top = max(records["batch_norm"]["config"]["rates"])
    return [
        c["test_accuracy"]
        for c in cells
        if c["kind"] == "mlp" and c["batch_norm"] == batch_norm and c["learning_rate"] == top
    ]


def _dropout(records):
    return _by(_r(records, "regularization")["dropout"], "label")


def _gap(m):
    return m["test_loss"] - m["train_loss"]


def _spiral(records):
    return {(c["width"], c["l2"]): c for c in _r(records, "regularization")["spiral"]}


def _ae(records):
    return _r(records, "autoencoders")["models"]


pct = system.pct
UNIT = "unit tests only: "
E = "python -m experiments."

CLAIMS: list[Claim] = [
    # --- lecture 000 ---------------------------------------------------------------------
    Claim(
        "000-perceptron-rule",
        "000 Perceptron",
        "y = f(w . x + b) with a step f; the perceptron rule converges on linearly separable data",
        E + "perceptron",
        lambda R: (
            "no mistakes from epoch "
            f"{_r(R, 'perceptron')['separable']['epochs_to_converge']} on separable blobs"
        ),
        lambda R: _r(R, "perceptron")["separable"]["converged"],
    ),
    Claim(
        "000-xor",
        "000 Some basic questions",
        "a single threshold unit cannot represent XOR",
        E + "perceptron",
        lambda R: (
            "XOR: a mistake in each of "
            f"{len(_r(R, 'perceptron')['xor']['mistakes'])} passes, weights cycle through "
            f"{_r(R, 'perceptron')['xor']['distinct_weights']} vectors"
        ),
        lambda R: not _r(R, "perceptron")["xor"]["converged"],
    ),
    Claim(
        "000-feature-map",
        "000 Some basic questions",
        "phi(x) = [x1, x2, x1 x2] makes XOR learnable; a hidden layer learns such features",
        E + "perceptron",
        lambda R: (
            "feature map: converged at epoch "
            f"{_r(R, 'perceptron')['xor_feature_map']['epochs_to_converge']}; hidden layer: "
            f"{pct(_r(R, 'perceptron')['xor_hidden_layer']['accuracy'], 0)} on XOR"
        ),
        lambda R: (
            _r(R, "perceptron")["xor_feature_map"]["converged"]
            and _r(R, "perceptron")["xor_hidden_layer"]["accuracy"] == 1.0
        ),
    ),
    Claim(
        "000-params-41",
        "000 Multi-layer perceptron",
        "4*(3+1) + 4*(4+1) + 1*(4+1) = 41 parameters",
        E + "worked_examples",
        lambda R: f"{_r(R, 'worked_examples')['mlp_3_4_4_1_params']} parameters",
        lambda R: _r(R, "worked_examples")["mlp_3_4_4_1_params"] == 41,
    ),
    Claim(
        "000-sigmoid-stack",
        "000 Multi-layer perceptron",
        "an MLP of sigmoid units is stacked logistic regression, trained by SGD on backprop",
        E + "activations",
        status="shown by the activations experiment (sigmoid row)",
    ),
    Claim(
        "000-robbins-monro",
        "000 Reminder: SGD",
        "SGD converges under sum a_t = inf, sum a_t^2 < inf, a_t = a0 / (tau + t)^kappa",
        E + "optimizers",
        lambda R: (
            "last-quarter loss std: constant "
            + ", robbins_monro ".join(
                f"{m['last_quarter_std']:.4f}" for m in _r(R, "optimizers")["robbins_monro"]
            )
        ),
        lambda R: (
            _r(R, "optimizers")["robbins_monro"][1]["last_quarter_std"]
            < _r(R, "optimizers")["robbins_monro"][0]["last_quarter_std"]
        ),
        why="over 4 epochs the decayed step is simply smaller: its loss is higher and no less "
        "noisy; the conditions are about the limit, not a short run",
    ),
    Claim(
        "000-momentum",
        "000 Improvements on SGD; 004 Simple momentum",
        "momentum / Nesterov average gradients over steps and stop the bouncing in a valley",
        E + "optimizers",
        lambda R: (
            "valley after 150 steps: sgd f = "
            f"{_race(R, 'valley')['sgd']['final_loss']:.3g}, momentum "
            f"{_race(R, 'valley')['momentum']['final_loss']:.3g}, nesterov "
            f"{_race(R, 'valley')['nesterov']['final_loss']:.3g}"
        ),
        lambda R: (
            max(_race(R, "valley")[n]["final_loss"] for n in ("momentum", "nesterov"))
            < _race(R, "valley")["sgd"]["final_loss"]
        ),
    ),
    Claim(
        "000-adagrad-form",
        "000 AdaGrad update; 004 Adaptive learning rates",
        "G_t = G_{t-1} + g^2 from 0; step g / (sqrt(G_t) + eps) (and RMSprop's cache form)",
        "`OptimizerConfig('adagrad_lecture')`, `'rmsprop_lecture'`",
        status="reproduced as an optimizer; optax's forms differ (accumulator 0.1, eps inside "
        "the root): " + UNIT + "tests/optim/test_adagrad.py",
    ),
    Claim(
        "000-adaptive-saddle",
        "000 Improvements on SGD (Adagrad/RMSprop ~ inverse Hessian)",
        "per-parameter step sizes move fast along flat directions (leave a saddle sooner)",
        E + "optimizers",
        lambda R: (
            "steps to leave the saddle (f < -0.99): "
            + ", ".join(
                f"{n} {_race(R, 'saddle')[n]['steps_to_min']}"
                for n in ("sgd", "adagrad_lecture", "rmsprop", "adam")
            )
        ),
        lambda R: all(
            _race(R, "saddle")[n]["steps_to_min"] < _race(R, "saddle")["sgd"]["steps_to_min"]
            for n in ("adagrad_lecture", "rmsprop", "adam")
        ),
    ),
    Claim(
        "000-w-zero",
        "000 Challenges in training",
        "W = 0 init: every hidden unit stays identical (symmetry is never broken)",
        E + "init_statistics",
        lambda R: (
            "distinct hidden units after training from W = 0: "
            + " / ".join(str(d) for d in _r(R, "init_statistics")["symmetry"][0]["distinct_units"])
        ),
        lambda R: set(_r(R, "init_statistics")["symmetry"][0]["distinct_units"]) == {1},
    ),
    Claim(
        "000-small-random",
        "000 Challenges in training",
        "0.01 N(0, 1) weights: activations collapse toward 0 with depth",
        E + "init_statistics",
        lambda R: (
            f"std layer 1 {_scheme(R, 'small_random')[0]['std']:.3f}, layer 10 "
            f"{_scheme(R, 'small_random')[-1]['std']:.1e}"
        ),
        lambda R: _scheme(R, "small_random")[-1]["std"] < 1e-3,
    ),
    Claim(
        "000-normal-saturates",
        "000 Challenges in training",
        "W ~ N(0, 1): std 0.98 at every layer, almost all units saturated at -1 or 1",
        E + "init_statistics",
        lambda R: (
            f"std layer 1 {_scheme(R, 'normal')[0]['std']:.3f}, layer 10 "
            f"{_scheme(R, 'normal')[-1]['std']:.3f}; {pct(_scheme(R, 'normal')[-1]['saturated'])} "
            "of layer 10 above 0.99"
        ),
        lambda R: (
            abs(_scheme(R, "normal")[-1]["std"] - 0.98) < 0.02
            and _scheme(R, "normal")[-1]["saturated"] > 0.5
        ),
    ),
    Claim(
        "000-normal-gradients-zero",
        "000 Challenges in training",
        "with W ~ N(0, 1), gradients will be all zero",
        E + "init_statistics",
        lambda R: (
            f"|dL/dW| layer 1 {_scheme(R, 'normal')[0]['grad_norm']:.3g}, layer 10 "
            f"{_scheme(R, 'normal')[-1]['grad_norm']:.3g}"
        ),
        lambda R: _scheme(R, "normal")[0]["grad_norm"] < 1e-3,
        why="tanh' is ~0 for saturated units, but the large weights multiply the backward "
        "signal by about sqrt(500) a layer: the weight gradients grow toward the input",
    ),
    Claim(
        "000-xavier-stds",
        "000 Challenges in training",
        "randn / sqrt(fan_in): std 0.628, 0.486, 0.408 at layers 1-3, shrinking",
        E + "init_statistics",
        lambda R: ", ".join(f"{x['std']:.3f}" for x in _scheme(R, "fan_in_normal")[:3]),
        lambda R: all(
            abs(x["std"] - v) < 0.01
            for x, v in zip(_scheme(R, "fan_in_normal"), (0.628, 0.486, 0.408), strict=False)
        ),
    ),
    Claim(
        "000-he-relu",
        "004 Fan-in/fan-out Gaussian (good for ReLU)",
        "He (Var 2 / fan_in) with ReLU holds the activations' scale through depth",
        E + "init_statistics",
        lambda R: (
            f"std layer 1 {_scheme(R, 'he')[0]['std']:.3f}, layer 10 "
            f"{_scheme(R, 'he')[-1]['std']:.3f}"
        ),
        lambda R: 0.5 < _scheme(R, "he")[-1]["std"] / _scheme(R, "he")[0]["std"] < 2,
    ),
    Claim(
        "000-bn-higher-rates",
        "000 Batch normalization; 004 BN",
        "batch norm allows higher learning rates",
        E + "batch_norm",
        lambda R: (
            f"MLP at the highest rate: plain best {pct(max(_bn_top(R, False)))}, "
            f"with BN worst {pct(min(_bn_top(R, True)))}"
        ),
        lambda R: min(_bn_top(R, True)) > max(_bn_top(R, False)),
    ),
    Claim(
        "000-bn-init",
        "000 Batch normalization",
        "batch norm reduces the strong dependence on initialization",
        E + "batch_norm",
        lambda R: (
            "accuracy spread over init scales, rates >= 0.1: plain "
            + ", ".join(pct(v) for lr, v in _bn(R, False).items() if lr >= 0.1)
            + "; BN "
            + ", ".join(pct(v) for lr, v in _bn(R, True).items() if lr >= 0.1)
        ),
        lambda R: (
            sum(v for lr, v in _bn(R, True).items() if lr >= 0.1)
            < 0.5 * sum(v for lr, v in _bn(R, False).items() if lr >= 0.1)
        ),
    ),
    Claim(
        "000-lenet5",
        "000 Case study: LeNet-5; 001 LeNet-5",
        "CONV-POOL-CONV-POOL-FC classifies handwritten digits",
        E + "lenet5_mnist",
        lambda R: (
            f"LeNet-5 {pct(_r(R, 'lenet5_mnist')['lenet5']['test_accuracy'], 2)} MNIST test "
            f"accuracy vs linear {pct(_r(R, 'lenet5_mnist')['linear']['test_accuracy'], 2)}"
        ),
        lambda R: _r(R, "lenet5_mnist")["lenet5"]["test_accuracy"] > 0.98,
    ),
    Claim(
        "000-dqn",
        "000 CNNs for RL (Mnih et al. 2015)",
        "84x84x4 input, three conv layers and two fully connected layers",
        "`jaxnets summary --model dqn`",
        status="architecture listed; not trained (no environment)",
    ),
    # --- lecture 001 ---------------------------------------------------------------------
    Claim(
        "001-sigmoid-kills-gradients",
        "001 Activation: sigmoid; 004 Vanishing gradient",
        "sigmoid neurons kill gradients: deep sigmoid nets barely learn",
        E + "activations",
        lambda R: (
            f"10 sigmoid layers: input-layer gradient {_ratio(R, 'sigmoid'):.1e} of the "
            f"output layer's; test accuracy {pct(_variant(R, 'sigmoid')['test_accuracy'])}"
        ),
        lambda R: _ratio(R, "sigmoid") < 1e-3 and _variant(R, "sigmoid")["test_accuracy"] < 0.5,
    ),
    Claim(
        "001-sigmoid-saturates",
        "001 Activation: sigmoid",
        "sigmoid neurons saturate (outputs near 0 and 1)",
        E + "activations",
        lambda R: (
            "saturated sigmoid units after training: "
            f"{pct(_variant(R, 'sigmoid')['units_after']['saturated'])}"
        ),
        lambda R: _variant(R, "sigmoid")["units_after"]["saturated"] > 0.5,
        why="with Glorot init the sigmoid net's pre-activations stay in the linear range; its "
        "gradient vanishes through the factors sigma' <= 1/4, not through saturation",
    ),
    Claim(
        "001-relu-faster",
        "001 Activation: ReLU; 003 Krizhevsky et al.",
        "ReLU trains much faster than sigmoid/tanh",
        E + "activations",
        lambda R: (
            "train loss after epoch 1: "
            + ", ".join(
                f"{n} {_variant(R, n)['first_epoch_loss']:.3f}" for n in ("sigmoid", "tanh", "relu")
            )
        ),
        lambda R: (
            _variant(R, "relu")["first_epoch_loss"]
            < min(_variant(R, n)["first_epoch_loss"] for n in ("sigmoid", "tanh"))
        ),
        why="ReLU is far faster than sigmoid, but tanh (Glorot init) learnt faster than ReLU "
        "(He init) in the first epoch of this 10-layer MLP",
    ),
    Claim(
        "001-relu-no-vanishing",
        "001 Activation: ReLU",
        "ReLU prevents the vanishing-gradient problem",
        E + "activations",
        lambda R: (
            f"input/output gradient ratio at step 0: relu {_ratio(R, 'relu'):.2g}, "
            f"sigmoid {_ratio(R, 'sigmoid'):.1e}"
        ),
        lambda R: _ratio(R, "relu") > 0.1,
    ),
    Claim(
        "001-tanh",
        "001 Activation: tanh",
        "tanh is a scaled sigmoid: tanh(z) = 2 sigma(2z) - 1",
        E + "worked_examples",
        lambda R: (
            "max difference on [-8, 8]: "
            f"{_r(R, 'worked_examples')['tanh_vs_scaled_sigmoid_max_diff']:.1e}"
        ),
        lambda R: _r(R, "worked_examples")["tanh_vs_scaled_sigmoid_max_diff"] < 1e-6,
    ),
    Claim(
        "001-iterations",
        "001 Hyper parameters in practice",
        "1.2M images at batch 512 need ~2,400 iterations an epoch",
        "-",
        status="arithmetic (1,200,000 / 512 = 2,344); nothing to measure",
    ),
    Claim(
        "001-weight-decay",
        "001 Regularization",
        "weight decay penalizes big weights",
        E + "regularization",
        lambda R: (
            f"test loss: none {_dropout(R)['none']['test_loss']:.4f}, weight decay "
            f"{_dropout(R)['weight decay 0.1']['test_loss']:.4f}"
        ),
        lambda R: _dropout(R)["weight decay 0.1"]["test_loss"] < _dropout(R)["none"]["test_loss"],
    ),
    Claim(
        "001-ae-50992",
        "001 Single dense layer example",
        "784-32-784 autoencoder: 50,992 parameters (about 24.5x compression)",
        E + "autoencoders",
        lambda R: f"{_ae(R)['autoencoder']['params']:,} parameters",
        lambda R: _ae(R)["autoencoder"]["params"] == 50_992,
    ),
    Claim(
        "001-ae-222384",
        "001 Deep autoencoders",
        "784-128-64-32-64-128-784: 222,384 parameters",
        E + "autoencoders",
        lambda R: f"{_ae(R)['deep_autoencoder']['params']:,} parameters",
        lambda R: _ae(R)["deep_autoencoder"]["params"] == 222_384,
    ),
    Claim(
        "001-ae-reconstructs",
        "001 Autoencoder example",
        "an autoencoder trained on MNIST reconstructs digits",
        E + "autoencoders",
        lambda R: (
            "test BCE nats/image, trained vs untrained: "
            + ", ".join(
                f"{n} {m['test_bce']:.1f} vs {m['untrained_test_bce']:.0f}"
                for n, m in _ae(R).items()
                if n in ("autoencoder", "deep_autoencoder")
            )
        ),
        lambda R: all(m["test_bce"] < 0.5 * m["untrained_test_bce"] for m in _ae(R).values()),
    ),
    Claim(
        "001-fc-params",
        "001 Number of parameters (400x400x3)",
        "fully connected on 480,000 inputs: ~230 billion weights; 1,000 units: ~480 million",
        "-",
        status="arithmetic (480,000^2 = 2.3e11); nothing to measure",
    ),
    Claim(
        "001-lenet-c3",
        "001 LeNet-5 (Table I)",
        "C3's connection table to S2's maps",
        E + "worked_examples",
        lambda R: (
            f"LeNet-5 with the table: {_r(R, 'worked_examples')['lenet5_c3_params']:,} "
            "parameters (60 5x5 kernels in C3)"
        ),
        status="shown (parameter count); trained only in unit tests",
    ),
    # --- lecture 002 ---------------------------------------------------------------------
    Claim(
        "002-overfit",
        "002 Overfitting in deep networks",
        "very large networks can easily overfit",
        E + "regularization",
        lambda R: (
            f"MLP on {_r(R, 'regularization')['train_examples']:,} images: train "
            f"{pct(_dropout(R)['none']['train_accuracy'])}, test "
            f"{pct(_dropout(R)['none']['test_accuracy'])}"
        ),
        lambda R: (
            _dropout(R)["none"]["train_accuracy"] > _dropout(R)["none"]["test_accuracy"] + 0.03
        ),
    ),
    Claim(
        "002-dropout",
        "002 Dropout (Srivastava et al. 2014); 000 Dropout",
        "dropout reduces overfitting: lower test error, narrower train/test gap",
        E + "regularization",
        lambda R: (
            "test loss gap: none "
            f"{_gap(_dropout(R)['none']):.3f}, dropout 0.5 {_gap(_dropout(R)['dropout 0.5']):.3f}; "
            f"test accuracy {pct(_dropout(R)['none']['test_accuracy'])} -> "
            f"{pct(_dropout(R)['dropout 0.5']['test_accuracy'])}"
        ),
        lambda R: _gap(_dropout(R)["dropout 0.5"]) < _gap(_dropout(R)["none"]),
    ),
    Claim(
        "004-dropconnect",
        "004 Drop-out & co-adaptation",
        "one could also drop edges (DropConnect)",
        E + "regularization",
        lambda R: (
            "test loss gap: none "
            f"{_gap(_dropout(R)['none']):.3f}, DropConnect 0.5 "
            f"{_gap(_dropout(R)['DropConnect 0.5']):.3f}"
        ),
        lambda R: _gap(_dropout(R)["DropConnect 0.5"]) < _gap(_dropout(R)["none"]),
        why="DropConnect 0.5 on both hidden layers widened the gap on this subset and budget",
    ),
    Claim(
        "002-early-stopping",
        "002 Early stopping; 001; 004",
        "stop when held-out performance no longer improves (before convergence)",
        E + "regularization",
        lambda R: (
            "stopped at epoch "
            f"{_r(R, 'regularization')['early_stopping']['early stopping']['epochs_run']}, best "
            f"epoch {_r(R, 'regularization')['early_stopping']['early stopping']['best_epoch']} "
            "kept; "
            "test loss "
            f"{_r(R, 'regularization')['early_stopping']['early stopping']['test_loss']:.3f} vs "
            f"{_r(R, 'regularization')['early_stopping']['no stopping']['test_loss']:.3f} trained "
            "to the end"
        ),
        lambda R: (
            _r(R, "regularization")["early_stopping"]["early stopping"]["test_loss"]
            < _r(R, "regularization")["early_stopping"]["no stopping"]["test_loss"]
        ),
    ),
    Claim(
        "002-l1-l2",
        "002 Regularization",
        "L1 or L2 penalties on the parameters",
        "`Objective(l1=..., l2=...)`",
        status=UNIT + "tests/test_losses.py, tests/train",
    ),
    Claim(
        "002-softmax",
        "002 Softmax",
        "softmax generalizes the sigmoid: softmax([z, 0]) = sigmoid(z)",
        E + "worked_examples",
        lambda R: (
            "max difference on [-8, 8]: "
            f"{_r(R, 'worked_examples')['softmax_vs_sigmoid_max_diff']:.1e}"
        ),
        lambda R: _r(R, "worked_examples")["softmax_vs_sigmoid_max_diff"] < 1e-6,
    ),
    Claim(
        "002-negative-sampling",
        "002 Negative sampling",
        "update only sampled wrong labels instead of all 10k",
        "`models` sampled softmax",
        status=UNIT + "tests/models/test_sampled_softmax.py",
    ),
    Claim(
        "002-highway",
        "002 Very deep networks; 004 Skip connections",
        "deep plain MLPs propagate poorly; highway / residual connections fix it",
        E + "deep_nets",
        lambda R: (
            "30 layers: "
            + ", ".join(
                f"{k['kind']} {pct(k['test_accuracy'])}" for k in _r(R, "deep_nets")["kinds"]
            )
        ),
        lambda R: (
            min(k["test_accuracy"] for k in _r(R, "deep_nets")["kinds"][1:])
            > _r(R, "deep_nets")["kinds"][0]["test_accuracy"] + 0.5
        ),
    ),
    Claim(
        "002-1b-params",
        "002 When the input data is an image",
        "1000x1000 image, 1M hidden units: 1B parameters",
        "-",
        status="differs (arithmetic): 10^6 inputs x 10^6 units are 10^12 weights, not 10^9",
    ),
    Claim(
        "002-gan",
        "002 GANs; 003 Generative models",
        "a GAN learns to generate images",
        E + "gan",
        lambda R: (
            "last epoch mean D(real) / D(fake): "
            + ", ".join(
                f"{n} {g['history'][-1]['train_d_real']:.2f} / "
                f"{g['history'][-1]['train_d_fake']:.2f}"
                for n, g in _r(R, "gan")["gans"].items()
            )
            + "; a LeNet-5 labels "
            + pct(_r(R, "dcgan_arithmetic")["gan"]["history"][-1]["confident"], 0)
            + " of a 2x wider DCGAN's samples with p > 0.9 (real digits: "
            + pct(_r(R, "dcgan_arithmetic")["classifier"]["real"]["confident"], 0)
            + ")"
        ),
        status="samples in experiments/gan; their legibility is measured by a classifier in "
        "experiments/dcgan_arithmetic (003-dcgan-arithmetic)",
    ),
    # --- lecture 003 ---------------------------------------------------------------------
    Claim(
        "003-params-26-41",
        "003 Neural network architectures",
        "3-4-2 net: 26 parameters; 3-4-4-1 net: 41",
        E + "worked_examples",
        lambda R: (
            f"{_r(R, 'worked_examples')['mlp_3_4_2_params']} and "
            f"{_r(R, 'worked_examples')['mlp_3_4_4_1_params']}"
        ),
        lambda R: (
            (
                _r(R, "worked_examples")["mlp_3_4_2_params"],
                _r(R, "worked_examples")["mlp_3_4_4_1_params"],
            )
            == (26, 41)
        ),
    ),
    Claim(
        "003-capacity",
        "003 Setting number of layers and their sizes",
        "more neurons: more capacity (and fitting the noise)",
        E + "regularization",
        lambda R: (
            "spiral train accuracy, L2 0: "
            + ", ".join(
                f"{w} units {pct(c['train_accuracy'])}"
                for (w, l2), c in _spiral(R).items()
                if l2 == 0
            )
        ),
        lambda R: (
            _spiral(R)[(20, 0.0)]["train_accuracy"] > _spiral(R)[(3, 0.0)]["train_accuracy"] + 0.1
        ),
    ),
    Claim(
        "003-l2-20-neurons",
        "003 Regularization (the 20-neuron example)",
        "with many neurons, a stronger L2 penalty gives a smoother boundary",
        E + "regularization",
        lambda R: (
            "20 units, boundary length by L2: "
            + ", ".join(
                f"{l2:g}: {c['boundary']:.4f}" for (w, l2), c in _spiral(R).items() if w == 20
            )
        ),
        lambda R: _spiral(R)[(20, 0.1)]["boundary"] < _spiral(R)[(20, 0.0)]["boundary"],
    ),
    Claim(
        "003-spiral",
        "003 Example: NN vs SVM",
        "the spiral defeats a linear classifier; a 2-layer ReLU net separates it",
        "`jaxnets demo`",
        status="shown by `jaxnets demo` (accuracies printed, not in a results file)",
    ),
    Claim(
        "003-autodiff-example",
        "003 Example: reverse sweep",
        "grad f(1, 2, pi/2) = [(4+4e^2)/pi, (2+2e^2)/pi, (-8-4e^2)/pi^2]",
        E + "worked_examples; `jaxnets autodiff` prints the sweeps",
        lambda R: ", ".join(f"{v:.6g}" for v in _r(R, "worked_examples")["autodiff_grad"]),
        lambda R: all(
            abs(a - b) < 1e-4 * abs(b)
            for a, b in zip(
                _r(R, "worked_examples")["autodiff_grad"],
                _r(R, "worked_examples")["lecture_grad"],
                strict=True,
            )
        ),
    ),
    Claim(
        "003-ad-costs",
        "003 Forward mode / backpropagation; 004 Approaches to differentiation",
        "forward mode costs a factor n; reverse mode a few function evaluations for a scalar",
        "`jaxnets autodiff`",
        status=UNIT + "tests/autodiff/test_check_and_costs.py",
    ),
    Claim(
        "003-vae",
        "003 Generative models",
        "a VAE models an approximate density",
        E + "vae",
        lambda R: (
            f"test negative ELBO {_r(R, 'vae')['test_negative_elbo']:.1f} nats/image "
            f"(untrained {_r(R, 'vae')['untrained_test_negative_elbo']:.0f})"
        ),
        lambda R: (
            _r(R, "vae")["test_negative_elbo"] < 0.5 * _r(R, "vae")["untrained_test_negative_elbo"]
        ),
    ),
    # --- lecture 004 ---------------------------------------------------------------------
    Claim(
        "004-finite-differences",
        "004 The finite difference method",
        "centered differences check backprop but suffer from floating-point precision",
        "-",
        status=UNIT + "tests/fd.py and the gradient checks that use it",
    ),
    Claim(
        "004-exploding",
        "004 The vanishing gradient problem",
        "factors above 1 make the backward signal explode",
        E + "init_statistics",
        lambda R: (
            "W ~ N(0, 1): |dL/dW| layer 1 / layer 10 = "
            f"{_scheme(R, 'normal')[0]['grad_norm'] / _scheme(R, 'normal')[-1]['grad_norm']:.2g}"
        ),
        lambda R: (
            _scheme(R, "normal")[0]["grad_norm"] > 100 * _scheme(R, "normal")[-1]["grad_norm"]
        ),
    ),
    Claim(
        "004-init-schemes",
        "004 Random parameter initializations",
        "U(-a, a), N(0, a), fan-in/fan-out, orthogonal (SVD), identity",
        "`jaxnets.initializers`",
        status=UNIT + "tests/test_initializers.py (orthogonal is built by QR, not SVD)",
    ),
    Claim(
        "004-learning-rates",
        "004 Optimization schemes (cs231n's sketch); 001",
        "low rate: slow; good: fast and far; high: stalls worse; very high: loss goes up",
        E + "learning_rates",
        lambda R: (
            ", ".join(
                f"{m['label']} {m['final_loss']:.3g}" for m in _r(R, "learning_rates")["members"]
            )
            + " (final train loss)"
        ),
        lambda R: (
            lambda m: (
                m["good"]["final_loss"]
                < min(m["too low"]["final_loss"], m["too high"]["final_loss"])
                and m["divergent"]["final_loss"] > m["divergent"]["initial_loss"]
            )
        )(_by(_r(R, "learning_rates")["members"], "label")),
    ),
    Claim(
        "004-optimizers-mlp",
        "004 Race of the optimizers",
        "adaptive optimizers empirically converge faster than plain SGD",
        E + "optimizers",
        lambda R: (
            "final train loss at each grid's best rate: "
            + ", ".join(f"{m['name']} {m['final_loss']:.3f}" for m in _r(R, "optimizers")["mlp"])
        ),
        lambda R: (
            min(m["final_loss"] for m in _r(R, "optimizers")["mlp"] if m["name"] != "sgd")
            < _by(_r(R, "optimizers")["mlp"], "name")["sgd"]["final_loss"]
        ),
    ),
    Claim(
        "004-ln-prelu",
        "004 BN / LN; Non-standard activations",
        "layer norm for RNNs; PReLU / leaky ReLU learn or fix a negative slope",
        E + "activations",
        lambda R: (
            f"PReLU test accuracy {pct(_variant(R, 'prelu')['test_accuracy'])}, leaky "
            f"{pct(_variant(R, 'leaky_relu')['test_accuracy'])}"
        ),
        status="trained in the activations experiment; LayerNorm inside recurrent cells is "
        "trained in rnn_names (gru_ln, compared with gru there)",
    ),
    Claim(
        "004-dead-relu",
        "004 Non-standard activations",
        "ReLU units can die",
        E + "activations",
        lambda R: (
            f"dead ReLU units after training: {pct(_variant(R, 'relu')['units_after']['dead'])}"
        ),
        lambda R: _variant(R, "relu")["units_after"]["dead"] > 0,
    ),
    Claim(
        "004-residual-flow",
        "004 Skip connections",
        "skip connections improve gradient flow",
        E + "activations",
        lambda R: (
            f"input/output gradient ratio: residual relu {_ratio(R, 'residual relu'):.2g}; "
            f"residual sigmoid {_ratio(R, 'residual sigmoid'):.1e} vs plain sigmoid "
            f"{_ratio(R, 'sigmoid'):.1e}"
        ),
        lambda R: _ratio(R, "residual sigmoid") > 10 * _ratio(R, "sigmoid"),
    ),
    Claim(
        "004-mnist-60k",
        "004 Deep thinking",
        "MNIST is 60K",
        "`load_dataset('mnist')`",
        status=UNIT + "tests/data/test_mnist.py",
    ),
]


def all_claims(root: Path = system.ROOT) -> list[Claim]:
    """:data:`CLAIMS` and every experiment's ``claims.py`` rows, stably sorted by lecture."""
    rows = list(CLAIMS)
    for name in system.names(root):
        if (root / name / "claims.py").exists():
            rows += importlib.import_module(f"experiments.{name}.claims").CLAIMS
    return sorted(rows, key=lambda c: c.id[:3])


def records(root: Path = system.ROOT) -> dict:
    out = {}
    for name in system.names(root):
        path = root / name / system.RESULTS
        if path.exists():
            out[name] = json.loads(path.read_text())
    return out


def row(claim: Claim, recs: dict) -> list[str]:
    measured, status = "-", claim.status or "not yet"
    if claim.measure is not None:
        try:
            measured = claim.measure(recs)
        except KeyError:  # the experiment has no committed results yet
            measured, status = "-", "not yet measured"
        else:
            if claim.holds is not None:
                status = "reproduced" if claim.holds(recs) else f"differs: {claim.why}"
    command = (
        claim.command if claim.command == "-" or "`" in claim.command else f"`{claim.command}`"
    )
    return [claim.id, claim.where, claim.claim, command, measured, status]


_CATEGORIES = (
    "reproduced",
    "differs",
    "not yet measured",
    "not yet",
    "unit tests only",
    "arithmetic",
)


def page(root: Path = system.ROOT) -> str:
    recs = records(root)
    rows = [row(c, recs) for c in all_claims()]
    counts: dict[str, int] = {}
    for r in rows:
        key = next((k for k in _CATEGORIES if r[-1].startswith(k)), "shown, not asserted")
        counts[key] = counts.get(key, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    escaped = [[cell.replace("|", "\\|") for cell in r] for r in rows]
    return (
        "# The lectures' claims and where they are shown\n\n"
        "<!-- generated by `python -m experiments render` from experiments/_claims.py, the "
        "experiments' claims.py and the committed results.json files; edit those, not this "
        "page -->\n\n"
        "One row per checkable claim of the five lecture files in `../shared/lectures/` "
        "(000-004). *Measured here* comes from the experiments' committed `results.json`; "
        "*status* is computed from it: **reproduced**, or **differs** with the reason. Rows "
        "without a measurement say which unit test or command shows them, or *not yet*.\n\n"
        f"{len(rows)} claims: {summary}.\n\n"
        + system.table(
            ["id", "lecture, section", "claim", "shown by", "measured here", "status"],
            escaped,
            align="llllll",
        )
        + "\n"
    )

import jax
import numpy as np
import pytest

from jaxnets import losses, models
from jaxnets.errors import InvalidArgumentError, InvalidTypeError
from jaxnets.models import _registry

NUM_CLASSES = 6


@pytest.mark.parametrize("name", models.model_names() + models.architecture_names())
def test_every_listed_model_builds_and_summarises(name):
    spec = models.get_architecture(name)
    model = models.create(name, num_classes=NUM_CLASSES)
    summary = models.summary(model, spec.example_input, dtype=spec.input_dtype)
    assert summary.total_params > 0
    assert sum(row.params for row in summary.rows) == summary.total_params
    assert spec.description


def _example_batch(spec, key):
    """2 real examples of the spec's input, and targets of the kind its loss is trained on."""
    x_key, y_key = jax.random.split(key)
    shape = (2, *spec.example_input)
    if spec.input_dtype == "int32":
        x = jax.random.randint(x_key, shape, 0, NUM_CLASSES)
    else:
        x = jax.random.uniform(x_key, shape)  # pixels in [0, 1]: valid logistic targets
    if spec.target == "input":
        return x, x
    label_shape = shape if spec.loss.startswith("sequence_") else (2,)
    return x, jax.random.randint(y_key, label_shape, 0, NUM_CLASSES)


@pytest.mark.parametrize("name", models.model_names())
def test_registered_loss_fits_the_model_output(name):
    spec = models.get_spec(name)
    model = models.create(name, num_classes=NUM_CLASSES)
    x, target = _example_batch(spec, jax.random.key(0))
    variables = jax.jit(model.init)(jax.random.key(1), x)
    output = jax.jit(model.apply)(variables, x)
    per_example = losses.get_per_example(spec.loss)(output, target)
    assert per_example.shape == (2,)
    assert np.isfinite(per_example).all()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("dqn", "DQN is listed for its parameter count only"),
        ("alexnet", "AlexNet is listed for its parameter count only"),
        ("gan_generator", "train GANs with the GAN experiment: python -m experiments.gan"),
        ("gan_discriminator", "train GANs with the GAN experiment: python -m experiments.gan"),
        ("dcgan_generator", "train GANs with the GAN experiment: python -m experiments.gan"),
        ("dcgan_discriminator", "train GANs with the GAN experiment: python -m experiments.gan"),
    ],
)
def test_architecture_only_names_are_refused_with_what_to_use(name, message):
    assert name in models.architecture_names() and name not in models.model_names()
    with pytest.raises(InvalidArgumentError, match=f"{name}.*architecture only") as err:
        models.get_spec(name)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


@pytest.fixture
def scratch_registry(monkeypatch):
    """Registrations made by a test are dropped afterwards."""
    monkeypatch.setattr(_registry, "_REGISTRY", dict(_registry._REGISTRY))
    monkeypatch.setattr(_registry, "_CHECKED", set(_registry._CHECKED))


@pytest.mark.usefixtures("scratch_registry")
@pytest.mark.parametrize(
    ("spec", "shapes"),
    [
        # One logit per image against the image: what gan_discriminator + logistic did.
        (
            models.ModelSpec(
                lambda num_classes: models.MLPDiscriminator(hidden=(4,)),
                "logistic",
                (8, 8, 1),
                target="input",
            ),
            ["(2,)", "(2, 8, 8, 1)"],
        ),
        # Per-step logits (B, T, V) against one label per sequence.
        (
            models.ModelSpec(
                lambda num_classes: models.CharLM(vocab_size=num_classes, hidden=4),
                "softmax_cross_entropy",
                (5,),
                input_dtype="int32",
            ),
            ["(2, 5, 10)", "(2,)"],
        ),
        # A classifier's (B, K) scores against its own image.
        (
            models.ModelSpec(
                lambda num_classes: models.MLP((4, num_classes)), "squared", (3,), target="input"
            ),
            ["(2, 10)", "(2, 3)"],
        ),
    ],
)
def test_register_refuses_a_loss_that_cannot_take_the_output(spec, shapes):
    with pytest.raises(InvalidArgumentError, match="cannot be trained with its loss") as err:
        models.register("misfit", spec)
    assert all(shape in str(err.value) for shape in shapes)
    assert "misfit" not in models.model_names()


@pytest.mark.usefixtures("scratch_registry")
def test_register_accepts_a_fitting_model_and_refuses_names_twice():
    spec = models.ModelSpec(lambda num_classes: models.MLP((4, num_classes)), "hinge", (3,))
    models.register("tiny_svm", spec)
    assert models.get_spec("tiny_svm") is spec
    with pytest.raises(InvalidArgumentError, match="already registered"):
        models.register("tiny_svm", spec)
    with pytest.raises(InvalidArgumentError, match="already registered"):
        models.register("dqn", spec)


@pytest.mark.usefixtures("scratch_registry")
def test_register_takes_trainable_specs_only():
    with pytest.raises(InvalidTypeError, match="ModelSpec"):
        models.register("gan_again", models.get_architecture("gan_generator"))


def test_summary_table_lists_layers_in_call_order():
    text = str(models.summary(models.MLP((4, 4, 1)), (3,)))
    lines = text.splitlines()
    rows = [line.split()[0] for line in lines if line.startswith("dense_")]
    assert rows == ["dense_0", "dense_1", "dense_2"]
    assert "Total params: 41" in text
    assert "(1, 4)" in text and "(1, 1)" in text


def test_summary_rows_have_per_layer_counts():
    rows = {r.path: r for r in models.summary(models.MLP((4, 4, 1)), (3,)).rows}
    assert [rows[f"dense_{i}"].params for i in range(3)] == [16, 20, 5]
    assert rows["dense_1"].output_shape == (1, 4)
    assert rows["dense_1"].kind == "Dense"


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: models.get_spec("resnet9000"), "unknown model 'resnet9000'; choose one of: mlp"),
        (lambda: models.get_architecture("resnet9000"), "architectures only.*dqn"),
        (lambda: models.create("resnet9000"), "unknown model"),
        (lambda: models.create("mlp", wings=3), "bad option for model 'mlp'"),
    ],
)
def test_unknown_model_and_bad_option(call, match):
    with pytest.raises(InvalidArgumentError, match=match):
        call()


def test_create_passes_options():
    model = models.create("mlp", num_classes=3, hidden=(7,), activation="tanh")
    assert model.features == (7, 3) and model.activation == "tanh"
    assert np.prod(models.summary(model, (2,)).rows[-1].output_shape) == 3

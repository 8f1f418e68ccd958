"""Gradient-based tuning: differentiate the validation loss through the whole training run.

The run (``epochs`` of minibatch steps of the engine's population step) is unrolled as one
``lax.scan``; the learning rate and weight decay enter it as arrays in the optimizer state,
so ``jax.grad`` of the final validation loss with respect to ``(log lr, log wd)`` is exact
(reverse mode through every step). Adam then steps the log hyperparameters. K starting
points from the space are followed at once, as one vmapped population; every outer step of
every start is recorded in the study as one trial (its validation value).
"""

import math
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
import optuna

from jaxnets import models, optim, train
from jaxnets.data import epoch_permutation, split_length
from jaxnets.tune import _encoding
from jaxnets.tune._population import Data, value_of

FIELDS = ("optimizer.learning_rate", "optimizer.weight_decay")


def _tx(config):
    """The population's ``-lr * (direction + wd * params)`` with lr and wd as state arrays.

    Adam's ``sqrt(nu)`` has an infinite derivative where ``nu`` is 0 (a parameter that has
    had no gradient yet), which turns the hypergradient into NaN; ``eps_root`` moves the
    root off 0, as optax documents for differentiating through the update. Other
    optimizers are the ones of :func:`jaxnets.optim.from_config`.
    """
    if config.name == "adam":
        direction = optax.chain(
            optax.scale_by_adam(config.b1, config.b2, config.eps, eps_root=1e-16),
            optax.scale(-1.0),
        )
    else:
        direction = optim.from_config(optim.OptimizerConfig(config.name, learning_rate=1.0))

    def make(learning_rate, weight_decay):
        return optax.chain(
            direction, optax.add_decayed_weights(-weight_decay), optax.scale(learning_rate)
        )

    return optax.inject_hyperparams(make)(learning_rate=1.0, weight_decay=0.0)


def make_run(base, data: Data, starts: int):
    """``run(log_hparams (K, 2)) -> (sum of val losses, (val_loss (K,), val_accuracy (K,)))``.

    One whole training run of a K-member population (the engine's
    :func:`jaxnets.train.population_train_step`, scanned over every step of every epoch in
    the order :func:`jaxnets.data.epoch_permutation` gives ``fit``; the last ``N % B``
    examples of each epoch are dropped). Members are independent, so the gradient of the
    sum is each member's own hypergradient.
    """
    spec = models.get_spec(base.model)
    model = models.create(base.model, num_classes=data.num_classes, **base.model_options)
    objective = train.Objective(
        loss=spec.loss, target=spec.target, input_key=data.input_key, l1=base.l1, l2=base.l2
    )
    state = train.init_state(
        model,
        _tx(base.optimizer),
        objective,
        data.input_shape,
        key=jax.random.key(base.fit.seed),
        dtype=data.dtype,
    )
    stacked = jax.tree.map(lambda x: jnp.broadcast_to(x, (starts, *jnp.shape(x))), state)
    pop0 = train.PopulationState(stacked, jnp.zeros(starts, jnp.int32), (model,))
    n = split_length(data.train)
    b = min(base.fit.batch_size, n)
    order = np.concatenate(
        [
            epoch_permutation(n, seed=base.fit.seed, epoch=e)[: n // b * b]
            for e in range(base.fit.epochs)
        ]
    ).reshape(-1, b)  # (S, B): every step's example indices
    train_split = {k: jnp.asarray(v) for k, v in data.train.items()}
    val = {k: jnp.asarray(v) for k, v in data.val.items()}

    def run(log_hparams):
        opt_state = pop0.state.opt_state
        hyper = dict(opt_state.hyperparams)
        hyper["learning_rate"] = jnp.exp(log_hparams[:, 0])
        hyper["weight_decay"] = jnp.exp(log_hparams[:, 1])
        state = pop0.state.replace(opt_state=opt_state._replace(hyperparams=hyper))
        pop = pop0.replace(state=state)

        def step(pop, idx):
            batch = {k: v[idx] for k, v in train_split.items()}
            pop, _ = train.population_train_step(pop, batch)
            return pop, None

        pop, _ = jax.lax.scan(step, pop, jnp.asarray(order))
        metrics = train.population_eval_step(pop, val)
        accuracy = metrics.get("accuracy", jnp.full(starts, jnp.nan))
        return jnp.sum(metrics["loss"]), (metrics["loss"], accuracy)

    return run


def hypergrad_search(
    base, space, data: Data, *, starts: int, steps: int, seed: int, learning_rate: float = 0.3
):
    """Follow the hypergradient from ``starts`` random points for ``steps`` Adam steps.

    Returns a list of records ``{"log_hparams": (2,), "val_loss", "val_accuracy",
    "seconds"}``, one per start and step (``starts * steps``), in step order.
    """
    rng = np.random.default_rng(seed)
    fixed = (base.optimizer.learning_rate, max(base.optimizer.weight_decay, 1e-12))
    log_h = np.zeros((starts, 2))
    for j, field in enumerate(FIELDS):
        if field in space:
            param = space[field]
            log_h[:, j] = [
                math.log(_encoding.from_unit(param, rng.uniform(size=1))) for _ in range(starts)
            ]
        else:
            log_h[:, j] = math.log(fixed[j])
    lows = np.array(
        [math.log(space[f].low) if f in space else log_h[0, j] for j, f in enumerate(FIELDS)]
    )
    highs = np.array(
        [math.log(space[f].high) if f in space else log_h[0, j] for j, f in enumerate(FIELDS)]
    )
    mask = np.array([f in space for f in FIELDS], float)  # fixed fields get no update

    value_and_grad = jax.jit(jax.value_and_grad(make_run(base, data, starts), has_aux=True))
    tx = optax.adam(learning_rate)
    params = jnp.asarray(log_h, jnp.float32)
    opt_state = tx.init(params)
    records = []
    for _ in range(steps):
        start = time.perf_counter()
        (_, (loss, accuracy)), grads = value_and_grad(params)
        if not np.all(np.isfinite(np.asarray(grads))[np.isfinite(np.asarray(loss))]):
            raise FloatingPointError("the hypergradient is not finite for a finite loss")
        # A diverged start (non-finite loss) stays where it is.
        grads = jnp.where(jnp.isfinite(grads), grads, 0.0) * mask
        jax.block_until_ready(grads)
        seconds = (time.perf_counter() - start) / starts
        for k in range(starts):
            records.append(
                {
                    "log_hparams": np.asarray(params[k]),
                    "val_loss": float(loss[k]),
                    "val_accuracy": float(accuracy[k]),
                    "seconds": seconds,
                }
            )
        updates, opt_state = tx.update(grads, opt_state)
        params = jnp.clip(optax.apply_updates(params, updates), lows, highs)
    return records


def hypergrad_study(base, space, config, workdir, data: Data) -> optuna.Study:
    """Run :func:`hypergrad_search` within ``config.trials`` and record it as a study."""
    from jaxnets.tune._study import open_study

    study = open_study(space, config, workdir)
    done = len(study.get_trials(deepcopy=False))
    steps = math.ceil(max(config.trials - done, 0) / config.population)
    records = hypergrad_search(
        base, space, data, starts=config.population, steps=steps, seed=config.seed + done
    )
    for rec in records[: max(config.trials - done, 0)]:
        lr, wd = (float(v) for v in np.exp(rec["log_hparams"]))
        params = {}
        if FIELDS[0] in space:
            params[FIELDS[0]] = min(max(lr, space[FIELDS[0]].low), space[FIELDS[0]].high)
        if FIELDS[1] in space:
            params[FIELDS[1]] = min(max(wd, space[FIELDS[1]].low), space[FIELDS[1]].high)
        row = {"val_loss": rec["val_loss"], "val_accuracy": rec["val_accuracy"]}
        diverged = not math.isfinite(rec["val_loss"])
        trial = optuna.trial.create_trial(
            params=params,
            distributions={f: space[f].distribution() for f in params},
            value=value_of(row, config.metric, diverged),
            user_attrs={"seconds": rec["seconds"], "diverged": diverged, "history": [row]},
        )
        study.add_trial(trial)
    return study

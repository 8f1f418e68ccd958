"""The optimizer race: SGD, momentum, Nesterov, AdaGrad, RMSprop and Adam on 2-D surfaces (a
long valley, a saddle) and on an MLP; Robbins-Monro step sizes against a constant one."""

from functools import partial
from pathlib import Path

import flax.linen as nn
import jax
import jax.numpy as jnp
import matplotlib
import numpy as np
import optax

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from experiments import _system as system
from experiments.optimizers.config import OptimizersConfig, get_config
from experiments.optimizers.report import report
from jaxnets import data, models, optim, plots, train


def valley(p):
    """A long narrow valley: curvatures 0.1 along x and 4 along y (condition number 40)."""
    return 0.05 * p[0] ** 2 + 2.0 * p[1] ** 2


def saddle(p):
    """A saddle at the origin (x^2 - y^2) whose descent direction ends in minima at y = +-sqrt 2."""
    return p[0] ** 2 - p[1] ** 2 + 0.25 * p[1] ** 4


SURFACES = {
    "valley": (valley, (-7.0, 1.5), 0.0),
    "saddle": (saddle, (-1.5, 1e-3), -1.0),
}


class Point(nn.Module):
    """A model whose only parameter is a point ``xy`` (2,), starting at ``start``."""

    start: tuple[float, float]

    @nn.compact
    def __call__(self, x):
        xy = self.param("xy", lambda key: jnp.asarray(self.start, jnp.float32))
        return jnp.broadcast_to(xy, (x.shape[0], 2))


def surface_step(state, batch, *, surface):
    """One optimizer step on the 2-D ``surface`` (the batch only counts the steps)."""
    del batch
    f = SURFACES[surface][0]
    loss, grads = jax.value_and_grad(lambda params: f(params["xy"]))(state.params)
    updates, opt_state = state.tx.update(grads, state.opt_state, state.params)
    params = optax.apply_updates(state.params, updates)
    new = state.replace(step=state.step + 1, params=params, opt_state=opt_state)
    x, y = params["xy"]  # scalar metrics: fit averages each over the epoch
    return new, {"loss": loss, "x": x, "y": y, "count": jnp.ones(())}


_STEPS = {name: partial(surface_step, surface=name) for name in SURFACES}


def race(config: OptimizersConfig, surface: str) -> list[dict]:
    _, start, minimum = SURFACES[surface]
    runs = []
    for name, rate in zip(config.names, config.surface_rates, strict=True):
        tx = optim.from_config(optim.OptimizerConfig(name, learning_rate=rate))
        state = train.init_state(
            Point(start), tx, train.Objective(input_key="x"), (1,), key=jax.random.key(0)
        )
        n = config.surface_steps  # the batches only count the steps
        steps = {"x": np.zeros((n, 1), np.float32), "label": np.zeros(n, np.int32)}
        fit_config = train.FitConfig(epochs=1, batch_size=1, progress=False, record_steps=True)
        result = train.fit(state, steps, config=fit_config, step=_STEPS[surface])
        losses = [float(r["loss"]) for r in result.steps]
        near = [i for i, v in enumerate(losses) if v < minimum + 0.01]
        runs.append(
            {
                "name": name,
                "learning_rate": rate,
                "path": [list(start)] + [[float(r["x"]), float(r["y"])] for r in result.steps],
                "final_loss": losses[-1],
                "steps_to_min": near[0] + 1 if near else None,
            }
        )
    return runs


def mlp_race(config: OptimizersConfig, dataset, split) -> list[dict]:
    results = []
    for name, grid in zip(config.names, config.grid, strict=True):
        population = train.init_population(
            models.MLP(config.features),
            train.Objective(),
            dataset.input_shape,
            keys=[jax.random.key(config.seed)] * len(grid),
            optimizer=name,
            learning_rate=list(grid),
        )
        fit_config = train.FitConfig(
            epochs=config.epochs,
            batch_size=config.batch_size,
            seed=config.seed,
            progress=False,
            record_steps=True,
        )
        result = train.fit(
            population,
            split,
            dataset.test,
            fit_config,
            step=train.population_train_step,
            eval_fn=train.population_eval_step,
        )
        losses = np.array([np.asarray(r["loss"]) for r in result.steps])  # (steps, K)
        final = losses[-20:].mean(0)
        best = int(np.argmin(final))
        results.append(
            {
                "name": name,
                "grid": list(grid),
                "final_losses": final.tolist(),
                "best_rate": grid[best],
                "losses": losses[:, best].tolist(),
                "final_loss": float(final[best]),
                "test_accuracy": result.history[-1]["test_accuracy"][best],
            }
        )
    return results


def robbins_monro(config: OptimizersConfig, dataset, split) -> list[dict]:
    runs = []
    schedules = {
        "constant": optim.ScheduleConfig("constant"),
        "robbins_monro": optim.ScheduleConfig(
            "robbins_monro", tau=config.rm_tau, kappa=config.rm_kappa
        ),
    }
    for label, schedule in schedules.items():
        tx = optim.from_config(optim.OptimizerConfig("sgd", config.rm_alpha0, schedule))
        state = train.init_state(
            models.MLP(config.features),
            tx,
            train.Objective(),
            dataset.input_shape,
            key=jax.random.key(config.seed),
        )
        fit_config = train.FitConfig(
            epochs=config.epochs,
            batch_size=config.batch_size,
            seed=config.seed,
            progress=False,
            record_steps=True,
        )
        result = train.fit(state, split, dataset.test, fit_config)
        losses = np.array([float(r["loss"]) for r in result.steps])
        tail = losses[-len(losses) // 4 :]
        runs.append(
            {
                "schedule": label,
                "losses": losses.tolist(),
                "last_quarter_mean": float(tail.mean()),
                "last_quarter_std": float(tail.std()),
                "test_loss": result.history[-1]["test_loss"],
                "test_accuracy": result.history[-1]["test_accuracy"],
            }
        )
    return runs


def run(config: OptimizersConfig, data_dir: str | None, out: Path) -> dict:
    del out
    dataset = data.load_dataset(config.dataset, data_dir=data_dir, seed=config.seed)
    split = {k: v[: config.train_examples] for k, v in dataset.train.items()}
    return {
        "surfaces": {name: race(config, name) for name in SURFACES},
        "mlp": mlp_race(config, dataset, split),
        "robbins_monro": robbins_monro(config, dataset, split),
        "train_examples": len(split["label"]),
    }


def _smooth(values, width=20):
    return np.convolve(values, np.ones(width) / width, mode="valid")


def plot(record: dict, out: Path) -> list[str]:
    r = record["results"]
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.5))
    for ax, (surface, runs) in zip(axes, r["surfaces"].items(), strict=True):
        f = SURFACES[surface][0]
        xs = np.linspace(-8, 2, 200) if surface == "valley" else np.linspace(-2, 1, 200)
        ys = np.linspace(-2, 2, 200)
        gx, gy = np.meshgrid(xs, ys)
        ax.contour(gx, gy, f(np.stack([gx, gy])), levels=30, cmap="Greys", linewidths=0.5)
        for run_ in runs:
            path = np.array(run_["path"])
            ax.plot(path[:, 0], path[:, 1], ".-", ms=2, lw=1, label=run_["name"])
        ax.set(
            title=f"{surface}: {len(runs[0]['path']) - 1} steps", xlim=(xs[0], xs[-1]), ylim=(-2, 2)
        )
        ax.legend(fontsize=7)
    fig.tight_layout()
    plots.save_figure(fig, out / "race.png", dpi=90)

    fig, axes = plt.subplots(1, 2, figsize=(12, 4))
    for m in r["mlp"]:
        axes[0].plot(_smooth(m["losses"]), label=f"{m['name']} (lr {m['best_rate']:g})")
    axes[0].set(
        xlabel="step",
        ylabel="training loss (20-step mean)",
        yscale="log",
        title=f"MLP on {record['config']['dataset']}: best rate of each grid",
    )
    for m in r["robbins_monro"]:
        axes[1].plot(_smooth(m["losses"]), label=m["schedule"])
    axes[1].set(
        xlabel="step",
        ylabel="training loss (20-step mean)",
        yscale="log",
        title="SGD: constant vs Robbins-Monro step sizes",
    )
    for ax in axes:
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.tight_layout()
    plots.save_figure(fig, out / "mlp_curves.png", dpi=90)
    return ["race.png", "mlp_curves.png"]


def main(argv=None) -> dict:
    return system.main(
        "optimizers",
        argv,
        get_config=get_config,
        run=run,
        plot=plot,
        report=report,
        description=__doc__,
    )


if __name__ == "__main__":
    main()

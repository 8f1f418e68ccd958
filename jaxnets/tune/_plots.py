"""Plots of a search: best value so far against trials and compute time, the sampled points
over the space, and the Gaussian process's mean and uncertainty along a slice."""

from pathlib import Path

import numpy as np

from jaxnets.tune._space import Categorical, SearchSpace


def best_so_far(values) -> np.ndarray:
    """Running minimum (N,) of ``values`` (N,); NaN (pruned/failed) entries carry the last."""
    out, best = [], np.inf
    for v in values:
        if v is not None and np.isfinite(v):
            best = min(best, v)
        out.append(best)
    return np.array(out)


def plot_budget_curves(curves: dict[str, dict], path: Path, ylabel: str) -> None:
    """``curves[name] = {"trials": (N,), "seconds": (N,), "best": (N,)}`` (a band is drawn
    when ``best`` is (S, N) over S seeds: median and quartiles)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for name, c in curves.items():
        best = np.atleast_2d(np.asarray(c["best"], float))
        med = np.median(best, axis=0)
        for ax, x in zip(axes, (c["trials"], c["seconds"]), strict=True):
            x = np.asarray(x, float)
            (line,) = ax.plot(x, med, label=name)
            if best.shape[0] > 1:
                lo, hi = np.percentile(best, [25, 75], axis=0)
                ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2)
    axes[0].set_xlabel("trials")
    axes[1].set_xlabel("compute seconds")
    for ax in axes:
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _numeric(space: SearchSpace) -> list[str]:
    return [f for f, p in space.items() if not isinstance(p, Categorical)]


def plot_points(trials: list[dict], space: SearchSpace, path: Path) -> None:
    """The finished trials over the first two numeric fields, coloured by value."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fields = _numeric(space)[:2]
    done = [t for t in trials if t["state"] == "COMPLETE"]
    if not fields or not done:
        return
    fig, ax = plt.subplots(figsize=(5, 4))
    xs = [t["params"][fields[0]] for t in done]
    ys = [t["params"][fields[1]] for t in done] if len(fields) > 1 else [0.0] * len(done)
    sc = ax.scatter(xs, ys, c=[t["value"] for t in done], cmap="viridis_r")
    fig.colorbar(sc, ax=ax, label="value")
    ax.set_xlabel(fields[0])
    if space[fields[0]].log:
        ax.set_xscale("log")
    if len(fields) > 1:
        ax.set_ylabel(fields[1])
        if space[fields[1]].log:
            ax.set_yscale("log")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_gp_slice(trials: list[dict], space: SearchSpace, raw_params: list[dict], path: Path):
    """The GP fitted to the finished trials, along the first numeric field (the others at
    the best trial's values): mean and two standard deviations, and the observations."""
    import jax
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from jaxnets.tune import _encoding, _gp

    fields = _numeric(space)
    done = [(t, p) for t, p in zip(trials, raw_params, strict=True) if t["state"] == "COMPLETE"]
    if not fields or len(done) < 3:
        return
    x = np.array([_encoding.encode(space, p) for _, p in done])
    y = np.array([t["value"] for t, _ in done], float)
    y = np.where(np.isfinite(y), y, np.nanmax(np.where(np.isfinite(y), y, np.nan)))
    best = x[int(np.argmin(y))]
    axis = list(space).index(fields[0])
    column = sum(_encoding.width(space[f]) for f in list(space)[:axis])
    grid = np.linspace(0, 1, 200)
    query = np.repeat(best[None], len(grid), axis=0)
    query[:, column] = grid
    with jax.enable_x64(True):
        post = _gp.fit(x, y)
        mean, std = (np.asarray(a) for a in _gp.predict(post, query))
    ticks = [_encoding.from_unit(space[fields[0]], np.array([g])) for g in grid]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(ticks, mean, label="GP mean")
    ax.fill_between(ticks, mean - 2 * std, mean + 2 * std, alpha=0.2, label="mean ± 2 sd")
    ax.scatter([p[fields[0]] for _, p in done], y, color="k", s=12, label="trials")
    if space[fields[0]].log:
        ax.set_xscale("log")
    ax.set_xlabel(f"{fields[0]} (other fields at the best trial)")
    ax.set_ylabel("value")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def study_plots(summary: dict, space: SearchSpace, workdir: Path) -> list[Path]:
    """best_vs_budget.png, points.png and gp_slice.png for one study's summary."""
    trials = [t for t in summary["trials"] if t["state"] in ("COMPLETE", "PRUNED")]
    values = [t["value"] if t["state"] == "COMPLETE" else None for t in trials]
    seconds = np.cumsum([t["seconds"] or 0.0 for t in trials])
    out = []
    if trials:
        path = workdir / "best_vs_budget.png"
        curve = {
            "trials": np.arange(1, len(trials) + 1),
            "seconds": seconds,
            "best": best_so_far(values),
        }
        plot_budget_curves({summary["strategy"]: curve}, path, summary["metric"])
        out.append(path)
        plot_points(trials, space, workdir / "points.png")
        out.append(workdir / "points.png")
        raw = [_stored(space, t["params"]) for t in trials]
        plot_gp_slice(trials, space, raw, workdir / "gp_slice.png")
        out.append(workdir / "gp_slice.png")
    return [p for p in out if p.exists()]


def _stored(space: SearchSpace, params: dict) -> dict:
    from jaxnets.tune._space import _encode, _freeze

    return {
        f: _encode(_freeze(v)) if isinstance(space[f], Categorical) else v
        for f, v in params.items()
    }

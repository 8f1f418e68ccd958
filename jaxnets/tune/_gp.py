"""A Gaussian-process surrogate in JAX: Matern-5/2 kernel, marginal likelihood, log-EI.

Inputs are points of the unit cube (N, D); targets are standardised inside. Data sets are
padded to a power of two with masked rows (kernel row and column of the identity, target 0),
which leaves the likelihood and the posterior of the real rows unchanged and lets one
compilation serve every N up to the pad. Run under ``jax.enable_x64(True)``: the Cholesky
factor of a kernel matrix with a small noise is not safe in float32.
"""

import math
from functools import partial
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax
from jax.scipy.special import log_ndtr

_MIN_NOISE = 1e-6  # noise variance floor, in standardised units
_PRIOR_LENGTHSCALE = math.log(0.3)  # log-normal prior centre; the cube is 1 wide


class GPParams(NamedTuple):
    """Unconstrained kernel hyperparameters: log lengthscales (D,), log amplitude, log noise."""

    log_lengthscale: jax.Array
    log_amplitude: jax.Array
    log_noise: jax.Array


class Posterior(NamedTuple):
    """What prediction needs: data (N, D), mask (N,), Cholesky factor (N, N), alpha (N,)."""

    params: GPParams
    x: jax.Array
    mask: jax.Array
    chol: jax.Array
    alpha: jax.Array
    y_mean: jax.Array
    y_std: jax.Array


def matern52(x1: jax.Array, x2: jax.Array, lengthscale: jax.Array) -> jax.Array:
    """Matern-5/2 correlation (N, M) of points (N, D), (M, D) with lengthscales (D,)."""
    diff = (x1[:, None, :] - x2[None, :, :]) / lengthscale
    # sqrt of a squared distance has an infinite gradient at 0; the epsilon keeps it finite.
    r = jnp.sqrt(jnp.sum(diff**2, axis=-1) + 1e-12)
    s5r = jnp.sqrt(5.0) * r
    return (1.0 + s5r + 5.0 / 3.0 * r**2) * jnp.exp(-s5r)


def _kernel(params: GPParams, x: jax.Array, mask: jax.Array) -> jax.Array:
    """Masked K + noise I: (N, N), identity on padded rows and columns."""
    k = jnp.exp(2 * params.log_amplitude) * matern52(x, x, jnp.exp(params.log_lengthscale))
    both = mask[:, None] & mask[None, :]
    noise = jnp.exp(params.log_noise) + _MIN_NOISE
    return jnp.where(both, k, 0.0) + jnp.diag(jnp.where(mask, noise, 1.0))


def neg_log_likelihood(params: GPParams, x, y, mask) -> jax.Array:
    """-log p(y | x, params) - log prior, for standardised y (N,) with padded rows 0."""
    chol = jnp.linalg.cholesky(_kernel(params, x, mask))
    alpha = jax.scipy.linalg.cho_solve((chol, True), y)
    nll = 0.5 * y @ alpha + jnp.sum(jnp.log(jnp.diag(chol)))
    # Weak log-normal priors keep the fit away from degenerate lengthscales on few points.
    prior = 0.5 * jnp.sum((params.log_lengthscale - _PRIOR_LENGTHSCALE) ** 2)
    prior += 0.5 * (params.log_amplitude / 2.0) ** 2 + 0.5 * ((params.log_noise + 6.0) / 3.0) ** 2
    return nll + prior


@partial(jax.jit, static_argnames="steps")
def _fit(x, y, mask, steps: int = 150):
    dim = x.shape[1]
    params = GPParams(
        jnp.full((dim,), _PRIOR_LENGTHSCALE, x.dtype),
        jnp.zeros((), x.dtype),
        jnp.full((), -6.0, x.dtype),
    )
    tx = optax.adam(0.05)
    loss_grad = jax.value_and_grad(neg_log_likelihood)

    def body(carry, _):
        params, opt_state = carry
        _, grads = loss_grad(params, x, y, mask)
        updates, opt_state = tx.update(grads, opt_state)
        return (optax.apply_updates(params, updates), opt_state), None

    (params, _), _ = jax.lax.scan(body, (params, tx.init(params)), None, length=steps)
    return params


def _pad(n: int) -> int:
    return max(32, 1 << (n - 1).bit_length())


def fit(x: np.ndarray, y: np.ndarray, steps: int = 150) -> Posterior:
    """The GP posterior given N points (N, D) in the unit cube with targets (N,).

    Hyperparameters maximise the marginal likelihood (plus weak priors) by ``steps`` of
    Adam from a fixed start, so the result depends only on the data.
    """
    x = np.asarray(x, np.float64)
    y = np.asarray(y, np.float64)
    y_mean, y_std = y.mean(), max(y.std(), 1e-9)
    params = _fit(*_padded(x, (y - y_mean) / y_std), steps=steps)
    return condition(params, x, y, y_mean, y_std)


def _padded(x: np.ndarray, y: np.ndarray):
    n, pad = len(x), _pad(len(x))
    xp = np.zeros((pad, x.shape[1]))
    xp[:n] = x
    yp = np.zeros(pad)
    yp[:n] = y
    return jnp.asarray(xp), jnp.asarray(yp), jnp.asarray(np.arange(pad) < n)


def condition(params: GPParams, x, y, y_mean, y_std) -> Posterior:
    """The posterior with fixed ``params`` on data (N, D), (N,) (a Kriging believer adds its
    fantasies here without refitting)."""
    xp, yp, mask = _padded(np.asarray(x, np.float64), (np.asarray(y) - y_mean) / y_std)
    chol, alpha = _solve(params, xp, yp, mask)
    return Posterior(params, xp, mask, chol, alpha, jnp.asarray(y_mean), jnp.asarray(y_std))


@jax.jit
def _solve(params, x, y, mask):
    chol = jnp.linalg.cholesky(_kernel(params, x, mask))
    return chol, jax.scipy.linalg.cho_solve((chol, True), y)


def predict(post: Posterior, xq) -> tuple[jax.Array, jax.Array]:
    """Posterior mean and standard deviation (M,), (M,) of f at points (M, D), in y's units.

    M is padded to a power of two, so a varying number of queries reuses one compilation.
    """
    xq = jnp.asarray(xq)
    m = xq.shape[0]
    padded = jnp.zeros((_pad(m), xq.shape[1]), xq.dtype).at[:m].set(xq)
    mean, std = _predict(post, padded)
    return mean[:m], std[:m]


@jax.jit
def _predict(post: Posterior, xq: jax.Array) -> tuple[jax.Array, jax.Array]:
    p = post.params
    amp2 = jnp.exp(2 * p.log_amplitude)
    kq = amp2 * matern52(xq, post.x, jnp.exp(p.log_lengthscale))
    kq = jnp.where(post.mask[None, :], kq, 0.0)  # (M, N)
    mean = kq @ post.alpha
    v = jax.scipy.linalg.solve_triangular(post.chol, kq.T, lower=True)  # (N, M)
    var = jnp.maximum(amp2 - jnp.sum(v**2, axis=0), 1e-18)
    return post.y_mean + post.y_std * mean, post.y_std * jnp.sqrt(var)


def log_h(z: jax.Array) -> jax.Array:
    """log(phi(z) + z Phi(z)), stable for every z (EI = sigma h(z) with z = (best - mu) / sigma).

    For z > -1 directly; below, as log phi(z) + log1p(z Phi(z) / phi(z)), where the ratio
    comes from log_ndtr; for z < -1e4 the asymptote log phi(z) - 2 log|z| (Ament et al. 2023).
    """
    log_phi = -0.5 * z**2 - 0.5 * jnp.log(2 * jnp.pi)
    zs = jnp.minimum(z, -1.0)
    direct = jnp.log(jnp.maximum(jnp.exp(log_phi) + z * jnp.exp(log_ndtr(z)), 1e-300))
    ratio = jnp.exp(log_ndtr(zs) - (-0.5 * zs**2 - 0.5 * jnp.log(2 * jnp.pi)))
    middle = log_phi + jnp.log1p(jnp.maximum(zs * ratio, -1.0 + 1e-16))
    tail = log_phi - 2 * jnp.log(jnp.abs(zs))
    return jnp.where(z > -1.0, direct, jnp.where(z > -1e4, middle, tail))


def log_expected_improvement(mean, std, best) -> jax.Array:
    """log E[max(best - f, 0)] for f ~ N(mean, std^2) (minimisation), shapes (M,)."""
    std = jnp.maximum(std, 1e-12)
    return jnp.log(std) + log_h((best - mean) / std)


@partial(jax.jit, static_argnames=("steps",))
def maximize_log_ei(
    post: Posterior, best, starts: jax.Array, cost: Posterior | None = None, steps: int = 100
):
    """Gradient ascent on log-EI from each start (S, D), vmapped; returns points (S, D) in
    the cube and their acquisition (S,).

    With ``cost`` (a GP of log seconds per trial) the acquisition is log(EI / predicted
    seconds): expected improvement per second, the lecture's criterion balancing the error
    against the compute time.
    """

    def acq(u):
        mean, std = _predict(post, u[None])
        value = log_expected_improvement(mean, std, best)[0]
        if cost is not None:
            value = value - _predict(cost, u[None])[0][0]
        return value

    tx = optax.adam(0.02)

    def ascend(u):
        def body(carry, _):
            u, state = carry
            grad = jax.grad(acq)(u)
            updates, state = tx.update(-grad, state)
            return (jnp.clip(optax.apply_updates(u, updates), 0.0, 1.0), state), None

        (u, _), _ = jax.lax.scan(body, (u, tx.init(u)), None, length=steps)
        return u, acq(u)

    return jax.vmap(ascend)(starts)

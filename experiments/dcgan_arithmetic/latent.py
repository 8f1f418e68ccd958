"""Pure functions of the experiment: the classifier's legibility score of images, paths
between codes, and the arithmetic on codes (no training here; numpy and jax.numpy only)."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np


def legibility_terms(probs: jax.Array, weights: jax.Array, confidence: float) -> dict:
    """Batch terms of :func:`legibility` from softmax outputs ``probs`` (B, K), weights (B,).

    Returns count-weighted batch means (so that batches combine by weighted averaging, as
    ``jaxnets.train.evaluate`` does): ``confident`` the fraction whose top probability
    exceeds ``confidence``, ``p_k`` the mean probability of class k, ``cond_entropy`` the
    mean entropy of p(y|x) in nats, and ``count`` (the total weight).
    """
    count = jnp.sum(weights)
    mean = lambda v: jnp.sum(v * weights) / count
    logp = jnp.log(jnp.clip(probs, 1e-12, 1.0))
    out = {
        "confident": mean((jnp.max(probs, axis=-1) > confidence).astype(probs.dtype)),
        "cond_entropy": mean(-jnp.sum(probs * logp, axis=-1)),
        "count": count,
    }
    for k in range(probs.shape[-1]):
        out[f"p_{k}"] = mean(probs[:, k])
    return out


def summarize(terms: dict, num_classes: int) -> dict:
    """Class entropy H(p(y)) of the mean softmax (nats; ln K when every class is equally
    made) and the Inception-score analogue exp(H(p(y)) - E H(p(y|x))) from
    :func:`legibility_terms`' means (up to K when every sample is certain and classes are
    balanced)."""
    marginal = np.array([terms[f"p_{k}"] for k in range(num_classes)], np.float64)
    marginal = marginal / marginal.sum()
    class_entropy = float(-(marginal * np.log(np.clip(marginal, 1e-12, 1.0))).sum())
    return {
        "class_entropy": class_entropy,
        "inception_score": float(np.exp(class_entropy - terms["cond_entropy"])),
        "marginal": marginal.tolist(),
    }


def legibility(probs: np.ndarray, confidence: float = 0.9) -> dict:
    """How legible a set of images is to a classifier, from its softmax outputs (N, K).

    ``confident``: the fraction whose top probability exceeds ``confidence``;
    ``class_entropy``, ``inception_score``: see :func:`summarize`; ``labels`` (N,) argmax.
    Real test digits score high on all three; blobs, noise or one repeated digit score low
    on at least one.
    """
    probs = jnp.asarray(probs, jnp.float32)
    terms = legibility_terms(probs, jnp.ones(len(probs)), confidence)
    terms = {k: float(v) for k, v in terms.items()}
    return {"confident": terms["confident"], **summarize(terms, probs.shape[-1])}


def interpolate(z0: np.ndarray, z1: np.ndarray, points: int, kind: str = "linear") -> np.ndarray:
    """``points`` codes (points, L) from ``z0`` (t = 0) to ``z1`` (t = 1), endpoints exact.

    ``"linear"``: (1 - t) z0 + t z1; ``"slerp"``: along the great circle, the norm
    interpolated linearly (codes of N(0, I) live near a sphere; the linear midpoint is
    shorter than either end).
    """
    z0, z1 = np.asarray(z0, np.float64), np.asarray(z1, np.float64)
    t = np.linspace(0.0, 1.0, points)[:, None]
    if kind == "linear":
        path = (1 - t) * z0 + t * z1
    elif kind == "slerp":
        n0, n1 = np.linalg.norm(z0), np.linalg.norm(z1)
        omega = np.arccos(np.clip(np.dot(z0 / n0, z1 / n1), -1.0, 1.0))
        so = np.sin(omega)
        path = (np.sin((1 - t) * omega) * z0 / n0 + np.sin(t * omega) * z1 / n1) / so
        path = path * ((1 - t) * n0 + t * n1)
        path[0], path[-1] = z0, z1  # exact ends despite rounding
    else:
        raise ValueError(f"kind must be 'linear' or 'slerp', got {kind!r}")
    return path.astype(np.float32)


def analogy(z_a: np.ndarray, z_b: np.ndarray, z_c: np.ndarray) -> np.ndarray:
    """The code of "a - b + c" (man with glasses - man + woman): ``z_a - z_b + z_c``.

    Each argument is one code (L,) or the exemplars of a concept (n, L), averaged first as
    Radford et al. averaged three exemplars per concept.
    """
    mean = lambda z: np.asarray(z, np.float32).reshape(-1, np.shape(z)[-1]).mean(0)
    return mean(z_a) - mean(z_b) + mean(z_c)


def label_changes(labels) -> int:
    """How many times consecutive labels along a path differ."""
    labels = list(labels)
    return sum(a != b for a, b in itertools.pairwise(labels))

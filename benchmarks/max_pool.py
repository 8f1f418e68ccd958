"""2x2 max pool forward + backward on (256, 28, 28, 6), LeNet-5's first pool: XLA's
``reduce_window`` (its gradient is ``select_and_scatter``) against jaxnets' ``max_pool``
(reshape + max, one-hot backward). Prints median ms of each and checks equal gradients.

python benchmarks/max_pool.py
"""

import time

import jax
import jax.numpy as jnp
import numpy as np

from jaxnets.layers import max_pool


def reduce_window_pool(x):
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")


def _median_ms(fn, *args, repeats: int = 5, steps: int = 50) -> float:
    jax.block_until_ready(fn(*args))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(steps):
            out = fn(*args)
        jax.block_until_ready(out)
        times.append((time.perf_counter() - start) / steps * 1e3)
    return float(np.median(times))


def main() -> None:
    x = jax.nn.relu(jax.random.normal(jax.random.key(0), (256, 28, 28, 6)))  # ties at 0
    ct = jax.random.normal(jax.random.key(1), (256, 14, 14, 6))
    rows = {}
    for name, pool in (("reduce_window", reduce_window_pool), ("jaxnets max_pool", max_pool)):
        fwd_bwd = jax.jit(lambda x, ct, pool=pool: jax.vjp(pool, x)[1](ct)[0])
        rows[name] = (_median_ms(fwd_bwd, x, ct), np.asarray(fwd_bwd(x, ct)))
    equal = np.array_equal(rows["reduce_window"][1], rows["jaxnets max_pool"][1])
    print(f"{'pool':<18} {'fwd+bwd ms':>10}")
    for name, (ms, _) in rows.items():
        print(f"{name:<18} {ms:>10.2f}")
    print(f"gradients equal: {equal}")


if __name__ == "__main__":
    main()

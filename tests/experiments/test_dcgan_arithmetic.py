import jax
import jax.numpy as jnp
import numpy as np
import pytest

from experiments.dcgan_arithmetic import latent
from experiments.dcgan_arithmetic.main import main
from jaxnets import models

pytestmark = pytest.mark.usefixtures("fast_compiles")


def test_quick_run_judges_trains_and_draws(tmp_path):
    record = main(["--quick", "--out", str(tmp_path)])
    assert record["quick"]
    r = record["results"]
    judge = r["classifier"]
    # The legibility score separates real digits from noise. Quick MLP judge on the 8x8
    # digits, measured: p > 0.9 for 85% of test digits and 49% of uniform noise images
    # (noise lands in few classes, confidently); inception-score analogue 8.38 vs 1.97.
    assert judge["real"]["confident"] > judge["noise"]["confident"] + 0.2
    assert judge["real"]["inception_score"] > 3 * judge["noise"]["inception_score"]
    history = r["gan"]["history"]
    assert [h["epoch"] for h in history] == list(range(record["config"]["gan"]["epochs"] + 1))
    # The discriminator tells real from generated on average after the quick run.
    assert history[-1]["d_real"] > history[-1]["d_fake"]
    for kind in ("class", "style"):
        assert r["arithmetic"][kind]["trials"] == record["config"]["arithmetic_trials"]
    for kind in ("linear", "slerp"):
        # A path's ends are the two legible samples themselves, so the judge's labels there
        # are the samples' labels.
        assert r["interpolation"][kind]["ends_kept"] == 1.0
    for name in record["figures"]:
        assert (tmp_path / name).read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("kind", ["linear", "slerp"])
def test_paths_start_and_end_at_the_codes_and_decode_to_their_samples(kind):
    z0, z1 = np.asarray(jax.random.normal(jax.random.key(0), (2, 8)))
    path = latent.interpolate(z0, z1, 7, kind)
    assert path.shape == (7, 8)
    np.testing.assert_array_equal(path[0], z0)
    np.testing.assert_array_equal(path[-1], z1)
    norms = np.linalg.norm(path, axis=1)
    if kind == "linear":
        np.testing.assert_allclose(path[3], (z0 + z1) / 2, rtol=1e-6)
    else:  # the norm moves linearly from |z0| to |z1| (the linear midpoint is shorter)
        np.testing.assert_allclose(norms, np.linspace(norms[0], norms[-1], 7), rtol=1e-5)
        assert norms[3] > np.linalg.norm((z0 + z1) / 2)
    generator = models.create("dcgan_generator", features=(8, 4), base=2)
    params = generator.init(jax.random.key(1), jnp.zeros((1, 8)))
    decoded = generator.apply(params, jnp.asarray(path))
    ends = generator.apply(params, jnp.asarray(np.stack([z0, z1])))
    np.testing.assert_allclose(decoded[jnp.array([0, -1])], ends, atol=1e-6)


def test_analogy_is_the_mean_of_a_minus_the_mean_of_b_plus_c():
    rng = np.random.default_rng(0)
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(
        latent.analogy(a, b, c), a.mean(0) - b.mean(0) + c, rtol=1e-6, atol=1e-6
    )
    np.testing.assert_allclose(latent.analogy(a[0], b[0], c), a[0] - b[0] + c, rtol=1e-6)


def test_legibility_of_certain_balanced_outputs_is_high_and_of_uniform_ones_low():
    certain = np.eye(10)[np.arange(50) % 10] * 0.99 + 0.001
    sure = latent.legibility(certain, 0.9)
    assert sure["confident"] == 1.0
    assert sure["class_entropy"] == pytest.approx(np.log(10), rel=1e-6)
    assert sure["inception_score"] > 9.0  # 10 when exactly one-hot
    unsure = latent.legibility(np.full((50, 10), 0.1), 0.9)
    assert unsure["confident"] == 0.0
    assert unsure["inception_score"] == pytest.approx(1.0, rel=1e-5)
    one_class = latent.legibility(np.eye(10)[np.zeros(50, int)] * 0.99 + 0.001, 0.9)
    assert one_class["confident"] == 1.0 and one_class["inception_score"] < 1.1
    assert latent.label_changes([3, 3, 5, 5, 3]) == 2

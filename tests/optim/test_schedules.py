import jax
import numpy as np
import optax
import pytest

from jaxnets import optim


def test_robbins_monro_closed_form():
    s = optim.robbins_monro(0.5, tau=2.0, kappa=0.75)
    for t in (0, 1, 10, 1000):
        np.testing.assert_allclose(s(t), 0.5 * 2.0**0.75 / (2.0 + t) ** 0.75, rtol=1e-6)
    assert float(s(0)) == pytest.approx(0.5)


def test_robbins_monro_is_jittable_and_rejects_bad_kappa():
    s = optim.robbins_monro(1.0, kappa=1.0)
    np.testing.assert_allclose(jax.jit(s)(3), 1.0 / 4.0, rtol=1e-6)
    with pytest.raises(ValueError, match="kappa"):
        optim.robbins_monro(1.0, kappa=0.4)


@pytest.mark.parametrize("name", optim.SCHEDULES)
def test_make_schedule_starts_at_the_learning_rate(name):
    s = optim.make_schedule(optim.ScheduleConfig(name), 0.3, total_steps=100)
    assert float(s(0)) == pytest.approx(0.3)
    assert float(s(99)) <= float(s(0))


def test_cosine_reaches_zero_and_step_decays():
    assert float(optim.cosine(1.0, total_steps=10)(10)) == pytest.approx(0.0, abs=1e-7)
    s = optim.step_decay(1.0, every=5, factor=0.5)
    assert [float(s(t)) for t in (0, 4, 5, 10)] == [1.0, 1.0, 0.5, 0.25]


def test_unknown_schedule():
    with pytest.raises(ValueError, match="robbins_monro"):
        optim.make_schedule(optim.ScheduleConfig("wobbly"), 0.1, 10)


def test_schedule_drives_the_optimizer():
    tx = optim.create(
        optim.OptimizerConfig("sgd", 1.0, optim.ScheduleConfig("robbins_monro", kappa=1.0))
    )
    params = np.zeros(1, np.float32)
    state = tx.init(params)
    steps = []
    for _ in range(3):
        updates, state = tx.update(np.ones(1, np.float32), state)
        steps.append(float(-updates[0]))
    np.testing.assert_allclose(steps, [1.0, 0.5, 1 / 3], rtol=1e-6)
    assert isinstance(tx, optax.GradientTransformation)

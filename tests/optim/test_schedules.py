import jax
import numpy as np
import optax
import pytest

from jaxnets import optim
from jaxnets.errors import InvalidArgumentError


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
    with pytest.raises(InvalidArgumentError, match="robbins_monro"):
        optim.make_schedule(optim.ScheduleConfig("wobbly"), 0.1, 10)


@pytest.mark.parametrize("warmup_steps", [0, 10])
def test_cosine_without_total_steps_raises(warmup_steps):
    # Before: total_steps defaulted to 1, so the learning rate was 0 from step 1 on, silently.
    schedule = optim.ScheduleConfig("cosine", warmup_steps=warmup_steps)
    config = optim.OptimizerConfig("sgd", schedule=schedule)
    with pytest.raises(InvalidArgumentError, match="total_steps = epochs x steps per epoch"):
        optim.from_config(config)


def _learning_rates(config, total_steps, steps):
    """The learning rate the optimizer applies at each of ``steps``, read off SGD's updates."""
    tx = optim.from_config(config, total_steps=total_steps)
    state = tx.init(np.zeros(1, np.float32))
    rates = []
    for _ in range(max(steps) + 1):
        updates, state = tx.update(np.ones(1, np.float32), state)
        rates.append(-float(updates[0]))
    return [rates[t] for t in steps]


def test_cosine_is_half_the_peak_halfway():
    config = optim.OptimizerConfig("sgd", 0.4, optim.ScheduleConfig("cosine"))
    start, second, half, end = _learning_rates(config, 100, [0, 1, 50, 100])
    assert start == pytest.approx(0.4, rel=1e-6)
    assert second == pytest.approx(0.4 * (1 + np.cos(np.pi / 100)) / 2, rel=1e-6)
    assert half == pytest.approx(0.2, rel=1e-6)
    assert end == pytest.approx(0.0, abs=1e-7)


def test_warm_up_then_cosine_is_half_the_peak_halfway_through_the_decay():
    config = optim.OptimizerConfig("sgd", 0.4, optim.ScheduleConfig("cosine", warmup_steps=20))
    quarter_warm, peak, half = _learning_rates(config, 100, [5, 20, 60])
    assert quarter_warm == pytest.approx(0.1, rel=1e-6)
    assert peak == pytest.approx(0.4, rel=1e-6)
    assert half == pytest.approx(0.2, rel=1e-6)


@pytest.mark.parametrize(
    ("fields", "total_steps", "match"),
    [
        ({"name": "cosine"}, 0, "total_steps must be an integer >= 1"),
        ({"name": "cosine"}, 2.5, "total_steps must be an integer >= 1"),
        ({"name": "cosine", "warmup_steps": 100}, 100, r"warmup_steps must be in \[0, total"),
        ({"name": "cosine", "warmup_steps": -1}, 100, "warmup_steps must be an integer >= 0"),
        ({"name": "step", "decay_every": 0}, None, "decay_every must be an integer >= 1"),
        ({"name": "step", "decay_factor": 0.0}, None, r"decay_factor must be in \(0, 1\]"),
        ({"name": "step", "decay_factor": 2.0}, None, r"decay_factor must be in \(0, 1\]"),
        ({"name": "robbins_monro", "tau": 0.0}, None, "tau must be positive"),
        ({"name": "robbins_monro", "kappa": 0.5}, None, "kappa must be in"),
        ({"name": "constant"}, 0, "total_steps must be an integer >= 1"),
    ],
)
def test_bad_schedule_fields_are_refused(fields, total_steps, match):
    with pytest.raises(InvalidArgumentError, match=match):
        optim.make_schedule(optim.ScheduleConfig(**fields), 0.1, total_steps)


def test_schedule_drives_the_optimizer():
    tx = optim.from_config(
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

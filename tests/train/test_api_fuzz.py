"""Bad calls to the public training API: a clear error naming the argument, or a correct
result; never a traceback from inside JAX, never NaN parameters."""

import jax
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jaxnets import models, optim, train
from jaxnets.errors import UserError

pytestmark = pytest.mark.usefixtures("fast_compiles")

RNG = np.random.default_rng(0)
GOOD = {
    "image": RNG.random((40, 4, 4, 1), dtype=np.float32),
    "label": RNG.integers(0, 3, 40).astype(np.int32),
}


def _state():
    return train.init_state(
        models.MLP((8, 3)),
        optim.from_config(optim.OptimizerConfig("sgd", 0.1)),
        train.Objective(),
        (4, 4, 1),
        key=jax.random.key(0),
    )


def _finite(state) -> bool:
    return all(bool(np.isfinite(np.asarray(x)).all()) for x in jax.tree.leaves(state.params))


SPLIT_DAMAGE = {
    "label -1": lambda s: {**s, "label": np.where(np.arange(40) == 5, -1, s["label"])},
    "label 11": lambda s: {**s, "label": np.where(np.arange(40) == 5, 11, s["label"])},
    "float labels": lambda s: {**s, "label": s["label"].astype(np.float32)},
    "uint8 images": lambda s: {**s, "image": (s["image"] * 255).astype(np.uint8)},
    "NaN pixel": lambda s: {
        **s,
        "image": np.where(np.arange(40)[:, None, None, None] == 3, np.nan, s["image"]).astype(
            np.float32
        ),
    },
    "inf pixel": lambda s: {**s, "image": np.full_like(s["image"], np.inf)},
    "wrong shape": lambda s: {**s, "image": s["image"].reshape(40, 16)},
    "fewer labels": lambda s: {**s, "label": s["label"][:30]},
    "no labels": lambda s: {"image": s["image"]},
    "empty": lambda s: {k: v[:0] for k, v in s.items()},
    "tuple": lambda s: (s["image"], s["label"]),
}


@pytest.mark.parametrize("damage", list(SPLIT_DAMAGE))
@pytest.mark.parametrize("where", ["fit-train", "fit-test", "evaluate", "train_step"])
def test_a_bad_split_is_one_clear_error(damage, where):
    bad = SPLIT_DAMAGE[damage](GOOD)
    config = train.FitConfig(epochs=1, batch_size=8, progress=False)
    with pytest.raises(UserError) as info:
        if where == "fit-train":
            train.fit(_state(), bad, None, config)
        elif where == "fit-test":
            train.fit(_state(), GOOD, bad, config)
        elif where == "evaluate":
            train.evaluate(_state(), bad)
        else:
            if damage in ("label -1", "label 11", "empty"):
                pytest.skip("values are checked per split by fit/evaluate, not per step")
            train.train_step(_state(), bad)
    message = str(info.value)
    assert "\n" not in message.strip()
    assert type(info.value).__module__ == "jaxnets.errors"


FIT_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "epochs": st.one_of(st.integers(-2, 2), st.sampled_from([1.5, "2", True, None])),
        "batch_size": st.one_of(st.integers(-1, 50), st.sampled_from([2.0, "8"])),
        "check_every": st.integers(-1, 5),
        "keep_checkpoints": st.integers(-1, 2),
        "validation_fraction": st.sampled_from([-0.1, 0.0, 0.25, 1.0, 2.0]),
        "early_stopping_patience": st.sampled_from([None, 0, 1, -3]),
        "seed": st.sampled_from([0, 1, -1, 2.5, "x"]),
        "divergence_factor": st.sampled_from([None, 0.5, 1.0, 100.0]),
    },
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=FIT_OPTIONS)
def test_fit_options_give_a_clear_error_or_a_finite_result(options):
    try:
        config = train.FitConfig(progress=False, **options)
        result = train.fit(_state(), GOOD, GOOD, config)
    except UserError as err:
        assert str(err).strip(), options
        return
    assert _finite(result.state), options
    assert len(result.history) == config.epochs or result.stopped_early


@settings(max_examples=25, deadline=None)
@given(
    input_shape=st.one_of(
        st.just((4, 4, 1)),
        st.lists(st.integers(-1, 3), min_size=0, max_size=3).map(tuple),
        st.just("4,4"),
    ),
    hidden=st.one_of(st.just((8,)), st.lists(st.integers(-2, 4), max_size=3).map(tuple)),
    num_classes=st.sampled_from([3, 0, -1, 2.5]),
)
def test_model_and_shape_arguments_give_a_clear_error(input_shape, hidden, num_classes):
    try:
        model = models.create("mlp", num_classes=num_classes, hidden=hidden)
        state = train.init_state(
            model,
            optim.from_config(optim.OptimizerConfig()),
            train.Objective(),
            input_shape,
            key=jax.random.key(0),
        )
    except UserError as err:
        assert str(err).strip()
        return
    assert _finite(state)

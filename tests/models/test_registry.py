import numpy as np
import pytest

from jaxnets import models


@pytest.mark.parametrize("name", models.model_names())
def test_every_registered_model_builds_and_summarises(name):
    spec = models.get_spec(name)
    model = models.create(name, num_classes=6)
    summary = models.summary(model, spec.example_input, dtype=spec.input_dtype)
    assert summary.total_params > 0
    assert sum(row.params for row in summary.rows) == summary.total_params
    assert spec.loss and spec.description


def test_summary_table_lists_layers_in_call_order():
    text = str(models.summary(models.MLP((4, 4, 1)), (3,)))
    lines = text.splitlines()
    rows = [line.split()[0] for line in lines if line.startswith("dense_")]
    assert rows == ["dense_0", "dense_1", "dense_2"]
    assert "Total params: 41" in text
    assert "(1, 4)" in text and "(1, 1)" in text


def test_summary_rows_have_per_layer_counts():
    rows = {r.path: r for r in models.summary(models.MLP((4, 4, 1)), (3,)).rows}
    assert [rows[f"dense_{i}"].params for i in range(3)] == [16, 20, 5]
    assert rows["dense_1"].output_shape == (1, 4)
    assert rows["dense_1"].kind == "Dense"


def test_unknown_model_and_bad_option():
    with pytest.raises(ValueError, match="lenet5"):
        models.get_spec("resnet9000")
    with pytest.raises(ValueError, match="bad option"):
        models.create("mlp", wings=3)


def test_create_passes_options():
    model = models.create("mlp", num_classes=3, features=(7,), activation="tanh")
    assert model.features == (7, 3) and model.activation == "tanh"
    assert np.prod(models.summary(model, (2,)).rows[-1].output_shape) == 3

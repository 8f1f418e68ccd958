"""The public surface: each subpackage exports what a user needs, each with a docstring."""

import importlib
import inspect

import pytest

import jaxnets

PACKAGES = ["data", "errors", "layers", "losses", "models", "optim", "train"]


def _public(package: str):
    module = importlib.import_module(f"jaxnets.{package}")
    names = getattr(module, "__all__", [n for n in vars(module) if not n.startswith("_")])
    return [(name, getattr(module, name)) for name in names]


@pytest.mark.parametrize("package", PACKAGES)
def test_every_public_function_and_class_has_a_docstring(package):
    missing = [
        name
        for name, obj in _public(package)
        if (inspect.isclass(obj) or callable(obj)) and not inspect.ismodule(obj)
        if getattr(obj, "__module__", "").startswith("jaxnets")  # not typing aliases
        if not (inspect.getdoc(obj) or "").strip()
    ]
    assert not missing, f"jaxnets.{package} names without a docstring: {missing}"


def test_import_jaxnets_exposes_the_subpackages():
    for package in PACKAGES:
        assert getattr(jaxnets, package).__name__ == f"jaxnets.{package}"
    with pytest.raises(AttributeError):
        jaxnets.not_a_subpackage  # noqa: B018


def test_train_and_data_surfaces_stay_small():
    # Helpers such as IDX magic numbers, step internals and env-var names stay private.
    assert len(_public("train")) <= 40
    assert len(_public("data")) <= 30
    assert "epoch_permutation" in dict(_public("data"))

"""benchmarks/tune_regret.py: the test functions have their published minima, and the
README section is built from the results alone."""

import math

import numpy as np
import pytest

from benchmarks import tune_regret


def test_branin_and_hartmann6_minima():
    fn, _, minimum = tune_regret.FUNCTIONS["branin"]
    for x in ((-math.pi, 12.275), (math.pi, 2.275), (9.42478, 2.475)):
        assert fn(x) == pytest.approx(minimum, abs=1e-5)
    fn, _, minimum = tune_regret.FUNCTIONS["hartmann6"]
    argmin = (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573)
    assert fn(argmin) == pytest.approx(minimum, abs=1e-4)
    rng = np.random.default_rng(0)
    assert min(fn(rng.uniform(size=6)) for _ in range(2000)) > minimum


def test_regret_curve_is_the_running_best_minus_the_minimum():
    run = tune_regret.regret_curve("random", "branin", seed=0, trials=20)
    curve = np.array(run["regret"])
    assert np.all(curve >= 0) and np.all(np.diff(curve) <= 0)


def test_markdown_comes_from_the_results(tmp_path):
    results = {
        "trials": 3,
        "seeds": 2,
        "samplers": ["random"],
        "functions": {
            "branin": {"random": {"regret": [[3, 2, 1.5], [4, 1, 0.5]], "seconds": [0.5, 0.7]}}
        },
        "batch": {"cold_s": 9.0, "warm_s": 0.25, "batch": 8, "observations": 50},
        "population": {
            "k": 8,
            "epochs": 5,
            "population_s": 2.0,
            "sequential_s": 10.0,
            "speedup": 5.0,
            "max_value_gap": 0.0,
        },
    }
    text = tune_regret.markdown(results)
    assert "| branin | random | 1 | " in text  # median of 1.5 and 0.5
    assert "**0.25 s** warm" in text and "**5.0x**" in text
    readme = tmp_path / "README.md"
    readme.write_text("# benchmarks\n")
    tune_regret.render(results, readme)
    tune_regret.render(results, readme)  # idempotent: one section
    assert readme.read_text().count(tune_regret.BEGIN) == 1

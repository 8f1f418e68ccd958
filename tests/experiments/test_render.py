"""Every experiment README's measured numbers come from its committed results.json.

``python -m experiments render --check`` runs the same check from the command line.
"""

import json
import shutil

import pytest

from experiments import _system as system


@pytest.mark.parametrize("name", system.names())
def test_readme_agrees_with_committed_results(name):
    assert system.problems(name) == []


@pytest.fixture
def copy(tmp_path):
    """A copy of the deep_nets folder to tamper with."""
    shutil.copytree(system.ROOT / "deep_nets", tmp_path / "deep_nets")
    return tmp_path


def test_check_finds_a_number_that_differs_from_results(copy):
    readme = copy / "deep_nets" / "README.md"
    record = json.loads((copy / "deep_nets" / "results.json").read_text())
    accuracy = system.pct(record["results"]["kinds"][1]["test_accuracy"], 2)
    text = readme.read_text()
    assert accuracy in text
    readme.write_text(text.replace(accuracy, "99.99%"))
    assert any("differs" in p for p in system.problems("deep_nets", copy))
    system.render("deep_nets", copy)  # rendering restores the block from results.json
    assert readme.read_text() == text


def test_check_finds_measured_numbers_typed_into_the_prose(copy):
    readme = copy / "deep_nets" / "README.md"
    readme.write_text("It took 56 s and reached 0.847.\n" + readme.read_text())
    found = system.problems("deep_nets", copy)
    assert sum("measured-looking" in p for p in found) == 2, found


def test_check_finds_missing_results_figures_and_quick_runs(copy):
    folder = copy / "deep_nets"
    (folder / "loss_curves.png").unlink()
    assert any("loss_curves.png is missing" in p for p in system.problems("deep_nets", copy))
    record = json.loads((folder / "results.json").read_text())
    (folder / "results.json").write_text(json.dumps({**record, "quick": True}))
    assert any("--quick" in p for p in system.problems("deep_nets", copy))
    (folder / "results.json").unlink()
    assert system.problems("deep_nets", copy) == ["deep_nets: no results.json committed"]


def test_render_check_command_exit_status(capsys):
    status = system.cli(["render", "--check"])
    out = capsys.readouterr().out
    assert ("0 problems" in out) == (status == 0), out


def test_lectures_page_agrees_with_committed_results():
    from experiments import _claims

    assert _claims.PAGE.read_text() == _claims.page(), "run: python -m experiments render"


def test_lectures_status_follows_the_results(tmp_path):
    from experiments import _claims

    shutil.copytree(system.ROOT / "init_statistics", tmp_path / "init_statistics")
    claim = next(c for c in _claims.CLAIMS if c.id == "000-xavier-stds")
    assert _claims.row(claim, _claims.records(tmp_path))[-1] == "reproduced"
    path = tmp_path / "init_statistics" / "results.json"
    record = json.loads(path.read_text())
    scheme = next(s for s in record["results"]["schemes"] if s["initializer"] == "fan_in_normal")
    scheme["layers"][1]["std"] = 0.3  # not the lecture's 0.486
    path.write_text(json.dumps(record))
    assert _claims.row(claim, _claims.records(tmp_path))[-1].startswith("differs")
    assert _claims.row(claim, {})[-2:] == ["-", "not yet measured"]


def test_every_claim_id_is_unique_and_names_a_lecture():
    from experiments import _claims

    claims = _claims.all_claims()
    ids = [c.id for c in claims]
    assert len(ids) == len(set(ids))
    assert all(
        i[:3] in _claims.LECTURES and c.where[:3] in _claims.LECTURES
        for i, c in zip(ids, claims, strict=True)
    )

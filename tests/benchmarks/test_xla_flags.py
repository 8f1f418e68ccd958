"""Smoke test of benchmarks/xla_flags.py: a --quick run (two flag sets) and its README block."""

import json

import pytest

from benchmarks.xla_flags import BEGIN, END, main, markdown, render


@pytest.mark.slow
def test_quick_run_times_each_flag_set_in_its_own_process(tmp_path):
    out = tmp_path / "flags.json"
    record = main(["--quick", "--json", str(out)])
    assert json.loads(out.read_text()) == record
    names = [s["name"] for s in record["sets"]]
    assert names == ["default", "onednn"] and record["rounds"] == 1
    for s in record["sets"]:
        assert "rows" in s, s.get("error")
        assert set(s["rows"]) == {"mlp b16", "lenet5 b8", "autoencoder b8", "lstm b4"}
        assert all(v > 0 for v in s["rows"].values())
    readme = tmp_path / "README.md"
    readme.write_text(f"# b\n\n{BEGIN}\nold\n{END}\n")
    render(record, readme)
    render(record, readme)  # idempotent
    text = readme.read_text()
    assert text.count(BEGIN) == 1 and markdown(record) in text and "old" not in text
    assert "| onednn: `--xla_cpu_use_onednn=true` |" in text


def test_cells_are_medians_over_rounds_and_a_failed_set_is_a_row():
    def run(name, round_, value=None):
        flags = "--nope" if name == "bad" else ""
        if value is None:
            return {"name": name, "flags": flags, "round": round_, "error": "Illegal value"}
        return {"name": name, "flags": flags, "round": round_, "rows": {"mlp b32": value}}

    record = {
        "date_utc": "2026-12-01T00:00:00+00:00",
        "cpu_count": 2,
        "jax": "x",
        "rounds": 3,
        "load_avg_start": [1.0, 0, 0],
        "load_avg_end": [1.0, 0, 0],
        "sets": [
            run("default", 0, 100.0),
            run("bad", 0),
            run("default", 1, 110.0),
            run("bad", 1),
            run("default", 2, 90.0),
            run("bad", 2),
        ],
    }
    text = markdown(record)
    assert "| bad: `--nope` | failed: Illegal value |" in text
    assert "| default: (none) | 100 (1.00) |" in text  # the median of 100, 110, 90
    assert "differ by up to 22% on a row" in text  # 110 / 90

from experiments.lenet5_mnist.main import main


def test_quick_run_trains_and_plots(tmp_path):
    summary = main(["--quick", "--out", str(tmp_path)])
    assert summary["epochs"] == 1
    assert 0.5 < summary["test_accuracy"] <= 1.0
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"
    assert (tmp_path / "workdir" / "metrics.jsonl").exists()

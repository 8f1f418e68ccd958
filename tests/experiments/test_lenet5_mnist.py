"""LeNet-5's quick run on 3,000 real MNIST images: the CNN beats a linear classifier trained
the same way (lecture: convolution and pooling layers learn features a linear model lacks)."""

from experiments.lenet5_mnist.main import main


def test_quick_run_lenet5_beats_a_linear_classifier(tmp_path, mnist_dir):
    record = main(["--quick", "--out", str(tmp_path), "--data-dir", str(mnist_dir)])
    lenet, linear = record["results"]["lenet5"], record["results"]["linear"]
    assert len(lenet["history"]) == 2 and lenet["params"] == 61_706
    assert lenet["test_accuracy"] > linear["test_accuracy"] + 0.03, (lenet, linear)
    assert (tmp_path / "curves.png").read_bytes()[:4] == b"\x89PNG"

import numpy as np
import pytest

from jaxnets import data
from jaxnets.data._names import read_names, resolve_names_file

NAMES = ["emma", "olivia", "ava", "bo", "isabella", "sophia", "mia", "zoe", "lu", "amelia"]


def _write(path, names=NAMES):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(names) + "\n")
    return path


def test_vocabulary_is_the_end_token_then_the_letters():
    assert data.NAMES_VOCAB[data.END_TOKEN] == "."
    assert len(data.NAMES_VOCAB) == 27 and data.NAMES_VOCAB[1:] == "abcdefghijklmnopqrstuvwxyz"


def test_encode_shifts_labels_and_pads_with_the_end_token():
    split = data.encode_names(["ava", "bo"], length=5)
    # a=1, v=22, b=2, o=15; x starts with '.', label ends each name with '.'
    np.testing.assert_array_equal(split["x"], [[0, 1, 22, 1, 0], [0, 2, 15, 0, 0]])
    np.testing.assert_array_equal(split["label"], [[1, 22, 1, 0, 0], [2, 15, 0, 0, 0]])
    np.testing.assert_array_equal(split["length"], [4, 3])
    assert split["x"].dtype == split["label"].dtype == np.int32


def test_default_length_fits_the_longest_name_and_round_trips():
    split = data.encode_names(NAMES)
    assert split["x"].shape == (len(NAMES), len("isabella") + 1)
    np.testing.assert_array_equal(split["x"][:, 1:], split["label"][:, :-1])
    assert [data.decode_name(row) for row in split["label"]] == NAMES


def test_too_short_length_is_an_error():
    with pytest.raises(ValueError, match="cannot hold a name of 8 letters"):
        data.encode_names(NAMES, length=8)


@pytest.mark.parametrize("layout", ["file", "folder", "parent"])
def test_resolve_file_folder_or_parent(tmp_path, layout):
    target = {
        "file": tmp_path / "my.txt",
        "folder": tmp_path / "names.txt",
        "parent": tmp_path / "names" / "names.txt",
    }[layout]
    _write(target)
    given = target if layout == "file" else tmp_path
    assert resolve_names_file(given) == target


def test_missing_file_and_unset_directory_are_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(data.NamesFileMissingError, match=r"names/names\.txt"):
        data.load_dataset("names", data_dir=tmp_path)
    monkeypatch.delenv("JAXNETS_DATA_DIR", raising=False)
    with pytest.raises(data.NamesFileMissingError, match="JAXNETS_DATA_DIR"):
        data.load_dataset("names")


def test_environment_variable_is_the_default(tmp_path, monkeypatch):
    _write(tmp_path / "names" / "names.txt")
    monkeypatch.setenv("JAXNETS_DATA_DIR", str(tmp_path))
    assert data.load_dataset("names").num_classes == 27


def test_read_names_rejects_other_characters(tmp_path):
    path = _write(tmp_path / "names.txt", ["anna", "jean-luc"])
    with pytest.raises(ValueError, match=r"names.txt:2: name 'jean-luc'"):
        read_names(path)


def test_dataset_split_is_seeded_90_10_and_disjoint(tmp_path):
    names = [f"{a}{b}{c}" for a in "abc" for b in "def" for c in "ghij"]  # 36 distinct names
    path = _write(tmp_path / "names.txt", names)
    ds = data.load_dataset("names", data_dir=path, seed=3)
    again = data.load_dataset("names", data_dir=path, seed=3)
    other = data.load_dataset("names", data_dir=path, seed=4)
    assert (len(ds.train["x"]), len(ds.test["x"])) == (32, 4)  # round(0.1 * 36) = 4 held out
    assert ds.input_key == "x" and ds.input_shape == (4,) and ds.num_classes == 27
    train = {data.decode_name(r) for r in ds.train["label"]}
    test = {data.decode_name(r) for r in ds.test["label"]}
    assert not train & test and train | test == set(names)
    np.testing.assert_array_equal(ds.test["x"], again.test["x"])
    assert {data.decode_name(r) for r in other.test["label"]} != test


def test_real_names_file(data_dir):
    ds = data.load_dataset("names", data_dir=data_dir)
    n = len(read_names(resolve_names_file(data_dir)))
    assert len(ds.train["x"]) + len(ds.test["x"]) == n
    assert len(ds.test["x"]) == round(0.1 * n)
    assert ds.input_shape == (16,)  # the longest name has 15 letters

"""The release: `python -m build` makes an sdist and a wheel, and the wheel, installed (not
editable) into a fresh virtualenv, works from outside the source tree: `jaxnets --version`,
`jaxnets summary`, and the README's ten lines, importing the installed copy.

The fresh venv reuses the project venv's third-party packages (jax, flax, ...) through a
.pth line, so nothing is downloaded: the wheel goes in with `--no-deps --no-index`. That
line adds the directory only; its .pth files (among them the editable install's finder,
which would import the source tree) are not run.
"""

import email
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.docs_runner import python_blocks

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]

pytestmark = pytest.mark.slow


def _run(cmd, cwd, env=None, timeout=300):
    done = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, f"{cmd} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dists(tmp_path_factory):
    """The sdist and the wheel, built by `python -m build` (the sdist first, the wheel from it)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT], cwd=out)
    (sdist,) = out.glob("jaxnets-*.tar.gz")
    (wheel,) = out.glob("jaxnets-*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(dists, tmp_path_factory):
    """(python, jaxnets script, env, cwd) of a fresh venv holding the wheel."""
    _, wheel = dists
    base = tmp_path_factory.mktemp("venv")
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=base)
    python = venv / "bin" / "python"
    where = _run([python, "-c", "import site; print(site.getsitepackages()[0])"], cwd=base)
    site = Path(where.strip())
    project_site = [p for p in sys.path if p.endswith("site-packages")]
    (site / "project_venv.pth").write_text("\n".join(project_site) + "\n")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        cwd=base,
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["JAX_PLATFORMS"] = "cpu"
    cwd = base / "elsewhere"
    cwd.mkdir()
    return python, venv / "bin" / "jaxnets", env, cwd


def test_sdist_and_wheel_carry_the_metadata_and_the_license(dists):
    sdist, wheel = dists
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        meta = email.message_from_bytes(zf.read(f"jaxnets-{PROJECT['version']}.dist-info/METADATA"))
        license_text = zf.read(f"jaxnets-{PROJECT['version']}.dist-info/licenses/LICENSE")
    assert meta["Version"] == PROJECT["version"]
    assert meta["License-Expression"] == "Apache-2.0"
    assert "Programming Language :: Python :: 3.11" in meta.get_all("Classifier")
    assert license_text == (ROOT / "LICENSE").read_bytes()
    assert b"Apache License" in license_text and b"Version 2.0, January 2004" in license_text
    assert "jaxnets/cli/__init__.py" in names and "jaxnets/autodiff/_extend.py" in names
    assert not any(n.startswith(("tests/", "docs/", "experiments/")) for n in names)
    with tarfile.open(sdist) as tf:
        members = {Path(m).relative_to(Path(m).parts[0]).as_posix() for m in tf.getnames()}
    assert {"pyproject.toml", "README.md", "LICENSE", "jaxnets/__init__.py"} <= members


def test_installed_wheel_is_imported_and_reports_its_version(installed):
    python, _, env, cwd = installed
    where = _run([python, "-c", "import jaxnets; print(jaxnets.__file__)"], cwd, env).strip()
    assert Path(where).is_relative_to(python.parents[1]), where  # the venv's copy
    assert not Path(where).is_relative_to(ROOT)
    version = _run([python, "-m", "jaxnets.cli", "--version"], cwd, env).strip()
    assert version == f"jaxnets {PROJECT['version']}"


def test_installed_command_and_ten_lines_run(installed):
    python, script, env, cwd = installed
    summary = _run([script, "summary", "--model", "mlp"], cwd, env)
    assert "Total" in summary or "total" in summary, summary
    ten_lines = python_blocks(ROOT / "README.md")[0]
    check = (
        "\nimport jaxnets, pathlib\n"
        f"assert not pathlib.Path(jaxnets.__file__).is_relative_to({str(ROOT)!r})\n"
        "assert train.evaluate(result.state, data.test)['accuracy'] > 0.9\n"
        "print('ten lines ok')\n"
    )
    out = _run([python, "-c", ten_lines + check], cwd, env)
    assert "ten lines ok" in out

#!/usr/bin/env bash
# The GPU numbers in one command: install the CUDA jaxlib (and PyTorch's CUDA wheel) from the
# package registry, run the throughput benchmark with PyTorch on the same GPU, measure MNIST
# time to 99% test accuracy (benchmarks/mnist_speedrun.py), and write both into the "GPU"
# section of benchmarks/README.md.
#
#   benchmarks/gpu.sh                              # on a CUDA machine (make bench-gpu)
#   benchmarks/gpu.sh --platform cpu --quick       # the same code path, a CPU smoke run
#
# Options: --platform gpu|cpu, --quick (small sizes; writes no README section),
# --models LIST (throughput models, default all), --out DIR (default benchmarks/results).
# PYTHON names the interpreter (default .venv/bin/python, built by `make venv` if absent);
# MNIST comes from $JAXNETS_DATA_DIR.
set -euo pipefail

platform=gpu
quick=""
models=""
out=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --platform) platform=${2:?--platform needs gpu or cpu}; shift 2 ;;
    --quick) quick=--quick; shift ;;
    --models) models=${2:?--models needs a list}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown argument '$1' (see benchmarks/gpu.sh --help)" >&2; exit 2 ;;
  esac
done
case $platform in
  gpu | cuda) jax_platform=cuda ;;
  cpu) jax_platform=cpu ;;
  *) echo "error: --platform must be gpu or cpu, got '$platform'" >&2; exit 2 ;;
esac

cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
[[ -x $python ]] || make venv
out=${out:-benchmarks/results}
mkdir -p "$out"

if [[ $jax_platform == cuda ]]; then
  version=$("$python" -c 'import jax; print(jax.__version__)')
  # PyPI's Linux torch wheel is the CUDA build; the pinned version is the bench extra's.
  "$python" -m pip install -q "jax[cuda12]==$version" "torch==2.13.0"
  "$python" -c 'import jax; assert jax.default_backend() == "gpu", jax.devices()'
fi

suffix=$platform${quick:+_quick}
throughput=$out/gpu_throughput_$suffix.json
speedrun=$out/gpu_speedrun_$suffix.json
export JAX_PLATFORMS=$jax_platform
"$python" benchmarks/train_throughput.py $quick --paths jit,scan,torch \
  ${models:+--models "$models"} --json "$throughput"
"$python" benchmarks/mnist_speedrun.py $quick --json "$speedrun"
if [[ -z $quick ]]; then
  "$python" benchmarks/gpu_report.py "$throughput" "$speedrun" --readme benchmarks/README.md
else
  "$python" benchmarks/gpu_report.py "$throughput" "$speedrun"
fi

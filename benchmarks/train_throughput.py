"""Training throughput: jaxnets (jit, scan, pmap, sharded) vs PyTorch (eager, compile).

python benchmarks/train_throughput.py [--quick] [--json PATH]

Measures training samples/s (median of repeats after a warm-up; compile time apart) for the
MLP 784-512-512-10 (batch 32, 128, 1024), LeNet-5 (256), the LSTM char model (64) and the
dense autoencoder 784-128-64-32-64-128-784 (256), each through jaxnets' stepped ``jit``
loop, its ``scan`` epoch, and ``pmap``/``sharded`` on fake CPU devices, beside the same model
in PyTorch eager and ``torch.compile``; with the fp32 matmul peak (through XLA), each row's
FLOP utilisation and its ratio to PyTorch eager. Prints a table; ``--json`` writes
``{"machine": {...}, "rows": [...], "targets": [...], "diagnostics": {...}}``.

Fake devices must be configured before jax starts and would change the single-device rows,
so the pmap/sharded rows run in a subprocess of this script (``--devices``) and are merged.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import jax
from _cases import FULL_CASES, MODELS, QUICK, QUICK_CASES, Case, Sizes, train_flops_per_sample
from _jax_paths import conv_weight_grad_in_scan, dispatch_floor_us, matmul_peak, mlp_matmul_chain
from _jax_paths import run_path as run_jax

try:
    import _torch_models
except ImportError as error:  # torch is a benchmark-only extra: pip install -e .[bench]
    _torch_models = None
    TORCH_MISSING = f"torch is not importable ({error}); pip install -e .[bench]"
else:
    TORCH_MISSING = None

SINGLE_PATHS = ("jit", "scan")
PARALLEL_PATHS = ("pmap", "sharded")
TORCH_PATHS = ("torch", "torch_compile")
ALL_PATHS = (*SINGLE_PATHS, *PARALLEL_PATHS, *TORCH_PATHS)
DEVICE_FLAG = "--xla_force_host_platform_device_count"

# (model, batch, what is compared, threshold) from the issue, for this 2-core CPU.
TARGETS = (
    ("mlp", 32, "ratio", 2.5),
    ("mlp", 128, "ratio", 1.5),
    ("lenet5", 256, "ratio", 1.5),
    ("lstm", 64, "ratio", 2.0),
    ("autoencoder", 256, "ratio", 1.5),
    ("mlp", 1024, "mfu", 0.8),
)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny models, 3 steps: a smoke run")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--paths", default=",".join(ALL_PATHS), help="comma-separated paths")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated models")
    parser.add_argument("--devices", type=int, default=2, help="fake CPU devices for pmap/sharded")
    parser.add_argument("--repeats", type=int, help="timed repeats (default 5, quick 2)")
    parser.add_argument(
        "--torch-compile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include torch.compile rows (default: on, off with --quick)",
    )
    parser.add_argument("--in-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.paths = [p for p in args.paths.split(",") if p]
    args.models = [m for m in args.models.split(",") if m]
    for name, given, known in (("path", args.paths, ALL_PATHS), ("model", args.models, MODELS)):
        unknown = sorted(set(given) - set(known))
        if unknown:
            parser.error(f"unknown {name}(s) {unknown}; choose from {', '.join(known)}")
    if args.torch_compile is None:
        args.torch_compile = not args.quick
    if not args.torch_compile and "torch_compile" in args.paths:
        args.paths.remove("torch_compile")
    if args.repeats is None:
        args.repeats = 2 if args.quick else 5
    return args


def setup(args) -> tuple[Sizes, list[Case], int]:
    """(sizes, cases, warm-up repeats) for a full or a quick run."""
    sizes, cases = (QUICK, QUICK_CASES) if args.quick else (Sizes(), FULL_CASES)
    return sizes, [c for c in cases if c.model in args.models], 1


def raw_row(case: Case, path: str, timing) -> dict:
    return {
        "model": case.model,
        "batch": case.batch,
        "path": path,
        "samples_per_s": timing.samples_per_s,
        "compile_s": timing.compile_s,
    }


def run_rows(args, paths, runner) -> list[dict]:
    sizes, cases, warmup = setup(args)
    rows = []
    for case in cases:
        for path in paths:
            if path not in args.paths:
                continue
            try:
                timing = runner(path, case, sizes, repeats=args.repeats, warmup=warmup)
            except Exception as error:  # torch.compile "where it works": report, go on
                if path != "torch_compile":
                    raise
                print(f"  {case.model} {case.batch} torch_compile failed, row left out: {error!r}")
                continue
            rows.append(raw_row(case, path, timing))
            rate = f"{timing.samples_per_s:>10.0f} samples/s"
            print(f"  {case.model:<11} {case.batch:>5} {path:<13} {rate}", flush=True)
    return rows


def child_main(args) -> dict:
    """In the subprocess: the pmap/sharded rows on ``--devices`` fake devices."""
    if jax.device_count() < args.devices:
        raise RuntimeError(f"{DEVICE_FLAG}={args.devices} did not give {args.devices} devices")
    out = {"jax_device_count": jax.device_count(), "rows": run_rows(args, PARALLEL_PATHS, run_jax)}
    args.json.write_text(json.dumps(out))
    return out


def run_child(args) -> dict:
    """Run this script on fake devices for the pmap/sharded rows; returns the child's JSON."""
    env = dict(os.environ)
    flags = [f for f in env.get("XLA_FLAGS", "").split() if not f.startswith(DEVICE_FLAG)]
    env["XLA_FLAGS"] = " ".join([*flags, f"{DEVICE_FLAG}={args.devices}"])
    env["JAX_PLATFORMS"] = "cpu"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "child.json"
        paths = [p for p in args.paths if p in PARALLEL_PATHS]
        cmd = [sys.executable, str(Path(__file__).resolve()), "--in-child", "--json", str(path)]
        cmd += ["--paths", ",".join(paths), "--models", ",".join(args.models)]
        cmd += ["--devices", str(args.devices), "--repeats", str(args.repeats)]
        cmd += ["--quick"] if args.quick else []
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        print(done.stdout, end="", flush=True)
        if done.returncode != 0:
            raise RuntimeError(f"pmap/sharded subprocess failed:\n{done.stderr[-4000:]}")
        return json.loads(path.read_text())


def machine_info(args) -> dict:
    cpu = platform.processor()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "date_utc": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "jax": jax.__version__,
        "jax_backend": jax.default_backend(),
        "jax_device_count": jax.device_count(),
        "fake_devices_for_pmap_sharded": args.devices,
        "xla_flags": os.environ.get("XLA_FLAGS", ""),
        "load_avg_start": list(os.getloadavg()),
        "quick": args.quick,
        "repeats": args.repeats,
        "gpu": "none: no GPU machine in this task (CPU-only run)",
    }
    if _torch_models is None:
        info.update(torch=None, torch_threads=None, torch_missing=TORCH_MISSING)
    else:
        threads = _torch_models.set_threads()
        info.update(torch=_torch_models.torch.__version__, torch_threads=threads)
        info["torch_device"] = str(_torch_models.DEVICE)
        info["torch_flush_denormal"] = True  # as XLA:CPU; see _torch_models.set_threads
    return info


def finalize(rows: list[dict], sizes: Sizes, peak_gflops: float) -> list[dict]:
    """Add torch_samples_per_s (same model and batch, eager), ratio and mfu to each row."""
    eager = {(r["model"], r["batch"]): r["samples_per_s"] for r in rows if r["path"] == "torch"}
    out = []
    for r in rows:
        torch_rate = eager.get((r["model"], r["batch"]))
        flops = train_flops_per_sample(r["model"], sizes) * r["samples_per_s"]
        out.append(
            {
                "model": r["model"],
                "batch": r["batch"],
                "path": r["path"],
                "samples_per_s": r["samples_per_s"],
                "torch_samples_per_s": torch_rate,
                "ratio": r["samples_per_s"] / torch_rate if torch_rate else None,
                "mfu": flops / (peak_gflops * 1e9) if peak_gflops > 0 else None,
                "compile_s": r["compile_s"],
            }
        )
    return out


def check_targets(rows: list[dict]) -> list[dict]:
    """Each target met or missed, by the best single-device jaxnets path (jit or scan)."""
    results = []
    for model, batch, key, threshold in TARGETS:
        candidates = [
            r
            for r in rows
            if (r["model"], r["batch"]) == (model, batch)
            and r["path"] in SINGLE_PATHS
            and r[key] is not None
        ]
        if not candidates:
            continue
        best = max(candidates, key=lambda r: r[key])
        results.append(
            {
                "model": model,
                "batch": batch,
                "metric": key,
                "target": threshold,
                "value": best[key],
                "path": best["path"],
                "met": best[key] >= threshold,
            }
        )
    return results


def diagnostics(args, sizes: Sizes) -> dict:
    """Bounds for the misses: dispatch floors and the MLP's bare matmul chain."""
    batch = 16 if args.quick else 1024
    out = {
        "jax_noop_dispatch_us": dispatch_floor_us(),
        f"mlp_b{batch}_matmul_chain": mlp_matmul_chain(sizes.mlp, batch, args.repeats),
    }
    if "lenet5" in args.models:
        out["lenet5_c3_weight_grad_in_scan"] = conv_weight_grad_in_scan(
            batch=16 if args.quick else 256
        )
    if _torch_models is not None:
        out["torch_noop_op_us"] = _torch_models.op_floor_us()
        out["torch_matmul_gflops"] = {
            str(n): _torch_models.matmul_gflops(n) for n in ((256,) if args.quick else (1024, 2048))
        }
    return out


def print_table(result: dict) -> None:
    m = result["machine"]
    print(
        f"\n{m['cpu']} ({m['cpu_count']} cores), jax {m['jax']}, torch {m['torch']} "
        f"({m['torch_threads']} threads); load {m['load_avg_start'][0]:.2f} -> "
        f"{m['load_avg_end'][0]:.2f}; fp32 matmul peak {m['matmul_peak_gflops']:.1f} GFLOP/s"
    )
    head = f"{'model':<12}{'batch':>6}  {'path':<14}{'samples/s':>11}{'torch eager':>13}"
    print(head + f"{'ratio':>8}{'MFU':>8}{'compile s':>11}")
    for r in result["rows"]:
        ratio = "-" if r["ratio"] is None else f"{r['ratio']:.2f}x"
        torch_rate = "-" if r["torch_samples_per_s"] is None else f"{r['torch_samples_per_s']:.0f}"
        mfu = "-" if r["mfu"] is None else f"{100 * r['mfu']:.1f}%"
        print(
            f"{r['model']:<12}{r['batch']:>6}  {r['path']:<14}{r['samples_per_s']:>11.0f}"
            f"{torch_rate:>13}{ratio:>8}{mfu:>8}{r['compile_s']:>11.2f}"
        )
    for t in result["targets"]:
        shown = f"{100 * t['value']:.1f}% MFU" if t["metric"] == "mfu" else f"{t['value']:.2f}x"
        goal = f"{100 * t['target']:.0f}%" if t["metric"] == "mfu" else f"{t['target']}x"
        verdict = "met" if t["met"] else "MISSED"
        print(f"target {t['model']} b{t['batch']}: {shown} ({t['path']}) vs >= {goal}: {verdict}")


def main(argv: list[str] | None = None) -> dict:
    args = parse_args(argv)
    # A smoke run is all compilation: XLA's optimizations would cost more than they save.
    previous = jax.config.read("jax_disable_most_optimizations")
    jax.config.update("jax_disable_most_optimizations", args.quick or previous)
    try:
        return child_main(args) if args.in_child else run(args)
    finally:
        jax.config.update("jax_disable_most_optimizations", previous)


def run(args) -> dict:
    """The parent process: every row, the peak, the diagnostics; print and write JSON."""
    sizes, _, _ = setup(args)
    machine = machine_info(args)
    peak_sizes = (128, 256) if args.quick else (512, 1024, 2048)
    peaks = [matmul_peak(peak_sizes, args.repeats)]
    print(f"fp32 matmul peak: {peaks[0]} GFLOP/s", flush=True)
    rows = run_rows(args, SINGLE_PATHS, run_jax)
    if _torch_models is not None:
        rows += run_rows(args, TORCH_PATHS, _torch_models.run_path)
    else:
        print(f"skipping the PyTorch rows: {TORCH_MISSING}")
    if any(p in args.paths for p in PARALLEL_PATHS):
        child = run_child(args)
        machine["jax_device_count_pmap_sharded"] = child["jax_device_count"]
        rows += child["rows"]
    peaks.append(matmul_peak(peak_sizes, args.repeats))  # again, after: the best is the peak
    machine["matmul_gflops_before_after"] = peaks
    machine["matmul_peak_gflops"] = max(v for p in peaks for v in p.values())
    diag = diagnostics(args, sizes)
    machine["load_avg_end"] = list(os.getloadavg())
    order = {(c.model, c.batch): i for i, c in enumerate(setup(args)[1])}
    rows.sort(key=lambda r: (order[(r["model"], r["batch"])], ALL_PATHS.index(r["path"])))
    rows = finalize(rows, sizes, machine["matmul_peak_gflops"])
    result = {
        "machine": machine,
        "sizes": asdict(sizes),
        "rows": rows,
        "targets": check_targets(rows),
        "diagnostics": diag,
    }
    print_table(result)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()

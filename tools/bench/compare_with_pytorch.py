#!/usr/bin/env python3
"""Side-by-side throughput of the NT encoder: TorchSharp (our engine) against PyTorch, in one run.

Both run the same architecture and shapes (tools/bench/pytorch_encoder_bench.py and the `side-by-side` mode of
tests/Connectomics.Benchmarks): random weights, 1 kb reads (168 tokens), float32, inference mode, forward + mean
pooling, the same thread count and the same allocator settings (mallopt: no mmap, no trim, 64 MiB top pad). The two frameworks
alternate A B A B for --rounds rounds so that machine noise hits both; the ratio of the per-framework medians of
sequences/s is printed per configuration (> 1 means TorchSharp is faster).

Run from the repository root (needs the .NET SDK, Debian's python3-torch and libopenblas0-openmp):

    python3 tools/bench/compare_with_pytorch.py --config tiny v2-50m --batch 8 32 --rounds 3

``--workers 1 2`` also measures both sides with two batches at once, each on its own thread with half the threads
(the engine's CPU workers); ``--mkl-dispatch cpu-features`` lets MKL pick its AVX2/AVX-512 kernels on AMD processors
on the TorchSharp side (CONNECTOMICS_MKL_VENDOR_DISPATCH).

PyTorch runs under /usr/bin/python3 with LD_LIBRARY_PATH pointing at the OpenMP build of OpenBLAS and
OPENBLAS_CORETYPE removed, its fastest configuration on these machines (shared performance notes).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_PROJECT = ROOT / "tests" / "Connectomics.Benchmarks"
BENCH_BINARY = ROOT / "artifacts" / "bin" / "Connectomics.Benchmarks" / "release" / "Connectomics.Benchmarks"
OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def run_json(command: list[str], env: dict[str, str]) -> dict:
    out = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if len(lines) != 1:
        raise RuntimeError(f"expected one JSON line from {command}, got:\n{out}")
    return json.loads(lines[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", nargs="+", default=["tiny", "v2-50m"])
    parser.add_argument("--batch", nargs="+", type=int, default=[8, 32])
    parser.add_argument("--rounds", type=int, default=3, help="A B alternations per measurement (default 3)")
    parser.add_argument("--iters", type=int, default=5, help="timed iterations inside each run (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed iterations inside each run (default 2)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", nargs="+", type=int, default=[1],
                        help="batches computed at once on both sides, each on its own thread with threads/workers "
                             "intra-op threads (default 1)")
    parser.add_argument("--mkl-dispatch", choices=["keep", "cpu-features"], default=None,
                        help="CONNECTOMICS_MKL_VENDOR_DISPATCH for the TorchSharp side (default: inherited)")
    parser.add_argument("--no-build", action="store_true", help="use the existing Release build")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="interpreter whose torch runs the PyTorch side (default: Debian's /usr/bin/python3)")
    parser.add_argument("--bench-binary", type=Path, default=BENCH_BINARY,
                        help="the built Connectomics.Benchmarks program (default: the Release build; implies --no-build "
                             "when given)")
    args = parser.parse_args()

    if subprocess.run([args.python, "-c", "import torch"], capture_output=True).returncode != 0:
        sys.exit(f"PyTorch is missing for {args.python}: apt-get install python3-torch libopenblas0-openmp")
    if not args.no_build and args.bench_binary == BENCH_BINARY:
        subprocess.run(["dotnet", "build", "-c", "Release", str(BENCH_PROJECT), "--nologo", "-v", "q"], cwd=ROOT, check=True)

    common = ["--iters", str(args.iters), "--warmup", str(args.warmup), "--threads", str(args.threads), "--json", "--mallopt"]
    py_env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    if Path(OPENBLAS_OPENMP).exists():
        py_env["LD_LIBRARY_PATH"] = OPENBLAS_OPENMP
    cs_env = dict(os.environ)
    if args.mkl_dispatch is not None:
        cs_env["CONNECTOMICS_MKL_VENDOR_DISPATCH"] = args.mkl_dispatch

    print(f"{'config':8s} {'batch':>5s} {'workers':>7s} {'pytorch seq/s':>14s} {'torchsharp seq/s':>17s} {'ratio':>6s}"
          "   (rounds: pytorch | torchsharp)")
    mkl = None
    for config in args.config:
        for batch in args.batch:
            for workers in args.workers:
                py, cs = [], []
                shape = ["--config", config, "--batch", str(batch), "--workers", str(workers)]
                for _ in range(args.rounds):
                    py.append(run_json([args.python, "tools/bench/pytorch_encoder_bench.py", *shape, *common], py_env)["seq_per_s"])
                    result = run_json([str(args.bench_binary), "side-by-side", *shape, *common], cs_env)
                    cs.append(result["seq_per_s"])
                    mkl = result.get("mkl_dispatch", mkl)
                p, c = statistics.median(py), statistics.median(cs)
                rounds = " ".join(f"{v:.1f}" for v in py) + " | " + " ".join(f"{v:.1f}" for v in cs)
                print(f"{config:8s} {batch:5d} {workers:7d} {p:14.1f} {c:17.1f} {c / p:6.2f}   ({rounds})", flush=True)
    print(f"TorchSharp side: MKL {mkl}")


if __name__ == "__main__":
    main()

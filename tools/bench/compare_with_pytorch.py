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

PyTorch runs under /usr/bin/python3 with LD_LIBRARY_PATH pointing at the OpenMP build of OpenBLAS. Before measuring,
the script checks that this is the BLAS PyTorch really loads (Debian's python3-torch alone falls back to the netlib
reference BLAS, about 20x slower) and refuses to go on otherwise, unless --allow-slow-blas is given, which it then
prints beside the results. OpenBLAS 0.3.21 does not recognise every current processor: with OPENBLAS_CORETYPE unset it
takes generic kernels on Intel Sapphire Rapids (fp32 GEMM 2048^3 on 2 threads: 57 GFLOP/s unset, 259 with SkylakeX,
150 with Haswell), while on the AMD EPYC machines measured here unset was the fastest. So
the script times an fp32 GEMM (2048^3, --threads threads) under each core type the processor can run (unset,
SkylakeX and Cooperlake with AVX-512, Haswell and Zen with AVX2, and any value inherited from the environment), prints
the table, and runs PyTorch under the fastest; --openblas-coretype NAME (or auto for unset) skips the measurement.
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


# Prints what the PyTorch side really runs on: the BLAS libraries loaded, OpenBLAS's kernel family, and the fp32 GEMM
# rate on the given thread count (best of several timed products after a warm-up).
GEMM_PROBE = r"""
import ctypes, json, os, sys, time
import torch
threads, size = int(sys.argv[1]), int(sys.argv[2])
torch.set_num_threads(threads)
a, b = torch.randn(size, size), torch.randn(size, size)
for _ in range(2):
    torch.mm(a, b)
best = float("inf")
for _ in range(5):
    start = time.perf_counter()
    torch.mm(a, b)
    best = min(best, time.perf_counter() - start)
blas, corename, torch_cpu = [], None, None
with open("/proc/self/maps", encoding="utf-8") as maps:
    for line in maps:
        path = line.split()[-1] if line.strip() else ""
        base = os.path.basename(path)
        if path.startswith("/") and any(k in base for k in ("blas", "lapack", "mkl")):
            path = os.path.realpath(path)
            if path not in blas:
                blas.append(path)
        elif path.startswith("/") and base.startswith("libtorch_cpu"):
            torch_cpu = path
# The library whose sgemm_ libtorch binds: several BLAS libraries can be loaded at once (LAPACK pulls OpenBLAS in
# while the netlib libblas serves the products), so ask the loader, in libtorch's own lookup order.
sgemm = None
if torch_cpu is not None:
    class DlInfo(ctypes.Structure):
        _fields_ = [("fname", ctypes.c_char_p), ("fbase", ctypes.c_void_p), ("sname", ctypes.c_char_p), ("saddr", ctypes.c_void_p)]
    try:
        symbol = ctypes.cast(ctypes.CDLL(torch_cpu, mode=os.RTLD_NOLOAD | os.RTLD_LAZY).sgemm_, ctypes.c_void_p)
        info = DlInfo()
        if ctypes.CDLL(None).dladdr(symbol, ctypes.byref(info)) and info.fname:
            sgemm = os.path.realpath(info.fname.decode())
    except AttributeError:
        pass  # a libtorch with its BLAS linked in statically (MKL builds) exports no sgemm_ to bind
for path in blas:
    if "openblas" in os.path.basename(path):
        name = getattr(ctypes.CDLL(path), "openblas_get_corename", None)
        if name is not None:
            name.restype = ctypes.c_char_p
            corename = name().decode()
build = torch.__config__.show()
blas_info = build.split("BLAS_INFO=", 1)[1].split(",", 1)[0].strip() if "BLAS_INFO=" in build else None
print(json.dumps({"gflops": 2 * size ** 3 / best / 1e9, "blas": blas, "sgemm": sgemm, "blas_info": blas_info,
                  "corename": corename}))
"""


def cpu_flags() -> tuple[str, set[str]]:
    """The processor's vendor and feature flags from /proc/cpuinfo (first processor)."""
    vendor, flags = "", set()
    with open("/proc/cpuinfo", encoding="utf-8") as info:
        for line in info:
            key, _, value = line.partition(":")
            if key.strip() == "vendor_id" and not vendor:
                vendor = value.strip()
            elif key.strip() == "flags":
                flags = set(value.split())
                break
    return vendor, flags


def coretype_candidates(inherited: str | None) -> list[str | None]:
    """OpenBLAS core types worth timing on this processor; None stands for OPENBLAS_CORETYPE unset (auto-detection)."""
    vendor, flags = cpu_flags()
    candidates: list[str | None] = [None]
    if "avx512f" in flags:
        candidates.append("SkylakeX")
        if "avx512_bf16" in flags:
            candidates.append("Cooperlake")
    if "avx2" in flags:
        candidates.append("Haswell")
        if vendor == "AuthenticAMD":
            candidates.append("Zen")
    if inherited and inherited not in candidates:
        candidates.append(inherited)
    return candidates


def with_coretype(env: dict[str, str], coretype: str | None) -> dict[str, str]:
    changed = {k: v for k, v in env.items() if k != "OPENBLAS_CORETYPE"}
    if coretype is not None:
        changed["OPENBLAS_CORETYPE"] = coretype
    return changed


def probe_blas(python: str, env: dict[str, str], threads: int, size: int = 2048) -> dict:
    return run_json([python, "-c", GEMM_PROBE, str(threads), str(size)], env)


def is_slow_blas(probe: dict) -> bool:
    """True when PyTorch's matrix products are not served by OpenBLAS or MKL (netlib's reference BLAS, say)."""
    def fast(path: str) -> bool:
        # OpenBLAS also ships its libblas.so.3 under an openblas-* folder (Debian's alternatives)
        return "openblas" in path or "mkl" in os.path.basename(path)

    if probe["sgemm"] is not None:
        return not fast(probe["sgemm"])
    # No sgemm_ to bind: the BLAS is linked into libtorch, as MKL is in the official wheels (BLAS_INFO=mkl).
    return probe["blas_info"] != "mkl" and not any(fast(path) for path in probe["blas"])


def choose_pytorch_env(args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """The environment of the PyTorch side, checked and with the fastest OpenBLAS core type; and a line saying so."""
    env = dict(os.environ)
    openmp_build = Path(OPENBLAS_OPENMP)
    if any(openmp_build.glob("libopenblas*.so*")):
        env["LD_LIBRARY_PATH"] = OPENBLAS_OPENMP
    elif not args.allow_slow_blas:
        sys.exit(f"The OpenMP build of OpenBLAS is missing ({OPENBLAS_OPENMP}); without it PyTorch runs on a slow BLAS. "
                 "Install it (apt-get install libopenblas0-openmp), or pass --allow-slow-blas to measure anyway.")

    inherited = os.environ.get("OPENBLAS_CORETYPE")
    if args.openblas_coretype is not None:
        chosen = None if args.openblas_coretype == "auto" else args.openblas_coretype
        probe = probe_blas(args.python, with_coretype(env, chosen), args.threads)
        timings = [(chosen, probe)]
    else:
        print(f"OpenBLAS core types, fp32 GEMM 2048^3 on {args.threads} thread(s) "
              f"(OPENBLAS_CORETYPE inherited: {inherited or 'unset'}):")
        timings = []
        for coretype in coretype_candidates(inherited):
            probe = probe_blas(args.python, with_coretype(env, coretype), args.threads)
            timings.append((coretype, probe))
            print(f"  {coretype or 'unset (auto)':14s} kernels {probe['corename'] or '-':12s} {probe['gflops']:8.1f} GFLOP/s",
                  flush=True)
        chosen, probe = max(timings, key=lambda t: t[1]["gflops"])

    blas = probe["sgemm"] or ", ".join(probe["blas"]) or f"built in (BLAS_INFO={probe['blas_info']})"
    slow = is_slow_blas(probe)
    if slow and not args.allow_slow_blas:
        sys.exit(f"PyTorch under {args.python} computes its products with {blas}, not OpenBLAS or MKL: its results would "
                 "not be a fair baseline. Install libopenblas0-openmp, or pass --allow-slow-blas to measure anyway.")
    summary = (f"PyTorch side: BLAS {blas}; OPENBLAS_CORETYPE {chosen or 'unset'} "
               f"(kernels {probe['corename'] or '-'}, {probe['gflops']:.1f} GFLOP/s fp32 GEMM)")
    if slow:
        summary += "; WARNING: a slow BLAS (--allow-slow-blas): PyTorch's figures understate it"
    print(summary, flush=True)
    return with_coretype(env, chosen), summary


def add_side_by_side_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every side-by-side comparison takes: how each side is built, run and tuned."""
    parser.add_argument("--mkl-dispatch", choices=["keep", "cpu-features"], default=None,
                        help="CONNECTOMICS_MKL_VENDOR_DISPATCH for the TorchSharp side (default: inherited)")
    parser.add_argument("--no-build", action="store_true", help="use the existing Release build")
    parser.add_argument("--python", default="/usr/bin/python3",
                        help="interpreter whose torch runs the PyTorch side (default: Debian's /usr/bin/python3)")
    parser.add_argument("--bench-binary", type=Path, default=BENCH_BINARY,
                        help="the built Connectomics.Benchmarks program (default: the Release build; implies --no-build "
                             "when given)")
    parser.add_argument("--openblas-coretype", default=None,
                        help="OPENBLAS_CORETYPE for the PyTorch side, or auto for unset (default: time the candidates "
                             "and take the fastest)")
    parser.add_argument("--allow-slow-blas", action="store_true",
                        help="measure even when PyTorch would run on a slow BLAS (said beside the results)")


def prepare_sides(args: argparse.Namespace):
    """Checks PyTorch, builds the C# side unless told not to, and returns the arguments both sides share, PyTorch's
    environment with a summary of its BLAS, and the C# side's environment."""
    if subprocess.run([args.python, "-c", "import torch"], capture_output=True).returncode != 0:
        sys.exit(f"PyTorch is missing for {args.python}: apt-get install python3-torch libopenblas0-openmp")
    if not args.no_build and args.bench_binary == BENCH_BINARY:
        subprocess.run(["dotnet", "build", "-c", "Release", str(BENCH_PROJECT), "--nologo", "-v", "q"], cwd=ROOT, check=True)

    common = ["--iters", str(args.iters), "--warmup", str(args.warmup), "--threads", str(args.threads), "--json", "--mallopt"]
    py_env, blas_summary = choose_pytorch_env(args)
    cs_env = dict(os.environ)
    if args.mkl_dispatch is not None:
        cs_env["CONNECTOMICS_MKL_VENDOR_DISPATCH"] = args.mkl_dispatch
    return common, py_env, blas_summary, cs_env


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
    add_side_by_side_arguments(parser)
    args = parser.parse_args()
    common, py_env, blas_summary, cs_env = prepare_sides(args)

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
    print(blas_summary)
    print(f"TorchSharp side: MKL {mkl}")


if __name__ == "__main__":
    main()

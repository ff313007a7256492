#!/usr/bin/env python3
"""Decode speed of the volume codecs, ours against numcodecs (C-Blosc 1.21, zstd, zlib, lz4), on the same buffers.

How to run (from the repository root; Debian 12 with python3-numcodecs and python3-numpy, .NET 10 SDK):

    dotnet build tests/Connectomics.Benchmarks -c Release -v q -nologo
    /usr/bin/python3 tools/bench/compare_codecs_with_numcodecs.py [--edge 256] [--chunk 64] [--seconds 3] [--codecs lz4,zstd]

Builds a CT-like uint16 volume (a smooth field of a few hundred grey levels plus ±8 of noise) of edge³ voxels, cuts it
into chunk³ chunks, encodes every chunk with numcodecs for each codec, writes them to a temporary folder, times
numcodecs' decode of all chunks (best of three rounds of seconds/3 each), then runs
``Connectomics.Benchmarks codec-side-by-side`` on the same files (it checks every chunk against the raw bytes first)
and prints decoded MiB/s side by side with the ratio ours / numcodecs. C-Blosc uses its default threads (numcodecs
decides: all cores, up to 8, from the main thread); our Blosc decodes the blocks of a chunk in parallel the same way.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numcodecs
import numpy as np
from numcodecs import blosc

ROOT = Path(__file__).resolve().parents[2]

CODECS = {
    "blosc-lz4-shuffle": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "blosc-lz4-noshuffle": numcodecs.Blosc(cname="lz4", clevel=5, shuffle=numcodecs.Blosc.NOSHUFFLE),
    "blosc-zstd-bitshuffle": numcodecs.Blosc(cname="zstd", clevel=5, shuffle=numcodecs.Blosc.BITSHUFFLE),
    "blosc-zlib-shuffle": numcodecs.Blosc(cname="zlib", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "blosc-lz4hc-shuffle": numcodecs.Blosc(cname="lz4hc", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "blosc-blosclz-shuffle": numcodecs.Blosc(cname="blosclz", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "blosc-snappy-shuffle": numcodecs.Blosc(cname="snappy", clevel=5, shuffle=numcodecs.Blosc.SHUFFLE),
    "zstd": numcodecs.Zstd(level=1),
    "gzip": numcodecs.GZip(level=5),
    "zlib": numcodecs.Zlib(level=5),
    "lz4": numcodecs.LZ4(),
}


def ct_like_volume(edge: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    z, y, x = np.meshgrid(np.arange(edge), np.arange(edge), np.arange(edge), indexing="ij")
    field = 1000 + 300 * np.sin(z / 9.0) * np.cos(y / 7.0) + 200 * np.sin(x / 11.0)
    return (field + rng.integers(-8, 9, field.shape)).astype("<u2")


def best_mib_per_s(codec, encoded: list[bytes], seconds: float) -> float:
    best = 0.0
    for _ in range(3):
        decoded = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for chunk in encoded:
                decoded += len(memoryview(codec.decode(chunk)).cast("B"))
        best = max(best, decoded / (1 << 20) / (time.perf_counter() - start))
    return best


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edge", type=int, default=256)
    parser.add_argument("--chunk", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--codecs", default=",".join(CODECS), help="comma-separated subset of the codecs")
    parser.add_argument("--benchmarks", default=str(ROOT / "artifacts" / "bin" / "Connectomics.Benchmarks" / "release" / "Connectomics.Benchmarks.dll"))
    options = parser.parse_args()
    if not Path(options.benchmarks).exists():
        print(f"{options.benchmarks} is missing: dotnet build tests/Connectomics.Benchmarks -c Release", file=sys.stderr)
        return 2

    volume = ct_like_volume(options.edge)
    c = options.chunk
    chunks = [np.ascontiguousarray(volume[z:z + c, y:y + c, x:x + c]).tobytes()
              for z in range(0, options.edge, c) for y in range(0, options.edge, c) for x in range(0, options.edge, c)]
    work = Path(tempfile.mkdtemp(prefix="codec-bench-"))
    try:
        (work / "raw").mkdir()
        for i, chunk in enumerate(chunks):
            (work / "raw" / f"{i}.bin").write_bytes(chunk)
        theirs = {}
        ours = {}
        ratios = {}
        selected = {name: CODECS[name] for name in options.codecs.split(",")}
        for name, codec in selected.items():
            encoded = [bytes(codec.encode(np.frombuffer(chunk, dtype="<u2"))) for chunk in chunks]
            ratios[name] = sum(map(len, chunks)) / sum(map(len, encoded))
            (work / name).mkdir()
            for i, buffer in enumerate(encoded):
                (work / name / f"{i}.bin").write_bytes(buffer)
            (work / "manifest.json").write_text(json.dumps({"chunk_bytes": len(chunks[0]), "chunks": len(chunks), "codecs": [name]}))
            # Alternate numcodecs and ours (A B A B) so that both see the same machine load; keep the best of each.
            for _ in range(2):
                theirs[name] = max(theirs.get(name, 0.0), best_mib_per_s(codec, encoded, options.seconds / 2))
                run = subprocess.run(["dotnet", options.benchmarks, "codec-side-by-side", str(work), "--seconds", str(options.seconds / 2)],
                                     capture_output=True, text=True, check=False)
                if run.returncode != 0:
                    print(run.stdout, run.stderr, file=sys.stderr)
                    return 1
                ours[name] = max(ours.get(name, 0.0), json.loads(run.stdout.strip().splitlines()[-1])[name])
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    print(f"{options.edge}^3 uint16 CT-like volume in {c}^3 chunks ({len(chunks[0]) >> 10} KiB); {os.cpu_count()} cores, {cpu}; "
          f"numcodecs {numcodecs.__version__}, C-Blosc {blosc.VERSION_STRING}, C-Blosc threads {blosc.get_nthreads()}")
    print(f"{'codec':24} {'ratio':>6} {'numcodecs MiB/s':>16} {'ours MiB/s':>11} {'ours/theirs':>12}")
    for name in selected:
        print(f"{name:24} {ratios[name]:6.2f} {theirs[name]:16.1f} {ours[name]:11.1f} {ours[name] / theirs[name]:12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

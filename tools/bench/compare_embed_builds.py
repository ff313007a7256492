#!/usr/bin/env python3
"""Side-by-side throughput of two builds of the Embed sample (samples/Connectomics.Embed) on the same reads.

Used to show that a change to the engine costs no speed: build the sample at the old and the new commit (e.g. in a
git worktree), then

    python3 tools/bench/compare_embed_builds.py \\
        --before /tmp/old/artifacts/bin/Connectomics.Embed/release/Connectomics.Embed.dll \\
        --after artifacts/bin/Connectomics.Embed/release/Connectomics.Embed.dll \\
        --preset tiny --reads 4096 --rounds 3 -- --cpu-workers 2

Both builds embed the same seeded random reads (--length bases each, upper-case A/C/G/T, written once to a temporary
FASTA) on the CPU; arguments after ``--`` go to both. The builds alternate A B A B for --rounds rounds so that
machine noise hits both; the script prints every round's records/s and peak resident memory, the medians and the
ratio after/before (> 1 means the new build is faster).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RATE = re.compile(r"embedded (\d+) records .*?: ([0-9.]+) records/s")


def write_reads(path: Path, count: int, length: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="ascii") as fasta:
        for i in range(count):
            fasta.write(f">r{i}\n{''.join(rng.choice('ACGT') for _ in range(length))}\n")


def run_once(dll: str, args: list[str]) -> tuple[float, float]:
    """Runs one build; returns records/s and the peak resident set in GiB."""
    process = subprocess.Popen(["dotnet", dll, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    stderr = process.stderr.read()
    # wait4 reaps the child itself and returns its own resource usage (ru_maxrss in KiB).
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(f"{dll} exited with {process.returncode}:\n{stderr}")
    match = RATE.search(stderr)
    if match is None:
        sys.exit(f"{dll} printed no rate:\n{stderr}")
    return float(match.group(2)), usage.ru_maxrss / (1 << 20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="Connectomics.Embed.dll of the old build")
    parser.add_argument("--after", required=True, help="Connectomics.Embed.dll of the new build")
    parser.add_argument("--preset", default="tiny")
    parser.add_argument("--reads", type=int, default=4096)
    parser.add_argument("--length", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("rest", nargs=argparse.REMAINDER, help="-- then arguments for both builds")
    args = parser.parse_args()
    extra = args.rest[1:] if args.rest[:1] == ["--"] else args.rest

    with tempfile.TemporaryDirectory(prefix="embed-builds-") as folder:
        fasta = Path(folder) / "reads.fa"
        write_reads(fasta, args.reads, args.length, args.seed)
        common = ["--preset", args.preset, "--fasta", str(fasta), "--device", "cpu", *extra]
        results: dict[str, list[tuple[float, float]]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for side, dll in (("before", args.before), ("after", args.after)):
                results[side].append(run_once(dll, common))

    print(f"{args.preset}, {args.reads} reads of {args.length} bases, arguments: {' '.join(extra) or '(none)'}")
    for side in ("before", "after"):
        rounds = ", ".join(f"{rate:.1f} reads/s ({peak:.1f} GiB)" for rate, peak in results[side])
        print(f"  {side:6s} median {statistics.median(r for r, _ in results[side]):8.1f} reads/s   rounds: {rounds}")
    before = statistics.median(r for r, _ in results["before"])
    after = statistics.median(r for r, _ in results["after"])
    print(f"  ratio after/before: {after / before:.2f}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side time of one training step: Connectomics.Lora on TorchSharp against PyTorch, in one run.

Both sides run the same step on the same shapes (tools/bench/pytorch_lora_train_bench.py and the
`lora-train-side-by-side` mode of tests/Connectomics.Benchmarks): random weights, 1 kb reads (168 tokens, no padding),
float32, the encoder in training mode, forward, then either masked-mean pooling + the 7-rank taxonomy head + the
rank-weighted loss (--kind lora: rank-16 LoRA on query/value, alpha 32; --kind full: every parameter trained) or the
masked-LM loss (--kind mlm), backward and an AdamW step. The same intra-op thread count on both sides (--threads:
torch.set_num_threads there, libtorch's intra-op threads here) and the same glibc allocator settings (--mallopt). The
frameworks alternate A B A B for --rounds rounds; each prints the median step time of its run, and the table gives
the median over the rounds and the ratio PyTorch ms / TorchSharp ms (> 1 means TorchSharp is faster).

Run from the repository root (needs the .NET SDK, Debian's python3-torch and libopenblas0-openmp):

    python3 tools/bench/compare_lora_train_with_pytorch.py --kind lora full --config v2-50m --batch 8 --rounds 3

PyTorch's BLAS is checked and its OpenBLAS core type chosen exactly as in tools/bench/compare_with_pytorch.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare_with_pytorch import add_side_by_side_arguments, prepare_sides, run_json  # noqa: E402

PHASES = ("forward_ms", "backward_ms", "optimizer_ms")  # forward with the loss, backward, optimizer step + zero_grad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", nargs="+", choices=["lora", "full", "mlm"], default=["lora", "full"])
    parser.add_argument("--config", nargs="+", default=["v2-50m"])
    parser.add_argument("--batch", nargs="+", type=int, default=[8])
    parser.add_argument("--rounds", type=int, default=3, help="A B alternations per measurement (default 3)")
    parser.add_argument("--iters", type=int, default=5, help="timed steps inside each run (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps inside each run (default 2)")
    parser.add_argument("--threads", type=int, default=2)
    add_side_by_side_arguments(parser)
    args = parser.parse_args()
    common, py_env, blas_summary, cs_env = prepare_sides(args)

    print(f"{'kind':5s} {'config':8s} {'batch':>5s} {'pytorch ms':>11s} {'torchsharp ms':>14s} {'ratio':>6s} "
          f"{'pytorch tok/s':>14s} {'torchsharp tok/s':>17s}   (rounds, ms: pytorch | torchsharp)")
    mkl, loads = None, []
    for config in args.config:
        for batch in args.batch:
            for kind in args.kind:
                py, cs, py_phases, cs_phases = [], [], [], []
                shape = ["--kind", kind, "--config", config, "--batch", str(batch)]
                for _ in range(args.rounds):
                    cs_result = run_json([str(args.bench_binary), "lora-train-side-by-side", *shape, *common], cs_env)
                    labels = ",".join(str(n) for n in cs_result["label_counts"])
                    py_result = run_json([args.python, "tools/bench/pytorch_lora_train_bench.py", *shape, "--labels",
                                          labels, *common], py_env)
                    if py_result["trainable_parameters"] != cs_result["trainable_parameters"]:
                        sys.exit(f"{kind} {config}: the sides train different parameter counts "
                                 f"({py_result['trainable_parameters']} against {cs_result['trainable_parameters']})")
                    py.append(py_result["median_ms"])
                    cs.append(cs_result["median_ms"])
                    py_phases.append([py_result[k] for k in PHASES])
                    cs_phases.append([cs_result[k] for k in PHASES])
                    mkl = cs_result.get("mkl_dispatch", mkl)
                    loads.append(cs_result["load_average"])
                p, c = statistics.median(py), statistics.median(cs)
                tokens = batch * cs_result["seq_len"]
                rounds = " ".join(f"{v:.0f}" for v in py) + " | " + " ".join(f"{v:.0f}" for v in cs)
                print(f"{kind:5s} {config:8s} {batch:5d} {p:11.1f} {c:14.1f} {p / c:6.2f} {tokens / p * 1000:14.0f} "
                      f"{tokens / c * 1000:17.0f}   ({rounds}); trainable {cs_result['trainable_parameters']:,} of "
                      f"{cs_result['total_parameters']:,}", flush=True)
                phase_text = ", ".join(
                    f"{name.split('_')[0]} {statistics.median(r[i] for r in py_phases):.1f} | "
                    f"{statistics.median(r[i] for r in cs_phases):.1f}" for i, name in enumerate(PHASES))
                print(f"      phases, ms (pytorch | torchsharp): {phase_text}", flush=True)
    print(blas_summary)
    print(f"TorchSharp side: MKL {mkl}; {args.threads} intra-op thread(s) on both sides")
    print(f"load averages (1, 5, 15 min) at the TorchSharp runs: {'; '.join(loads)}")


if __name__ == "__main__":
    main()

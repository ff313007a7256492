#!/usr/bin/env python3
"""PyTorch baseline for the NT encoder throughput comparison with the TorchSharp engine.

It times the reference modules of tools/fixtures/nt_reference.py (the same forward pass the parity fixtures
come from: embeddings -> L x pre-LN [attention, feed-forward] -> final LayerNorm -> masked mean pooling) with
random weights, in float32, under torch.inference_mode(), on 1 kb reads: 168 tokens per sequence (<cls> + 167
6-mers), no padding.

Configs (both follow the NT v2 architecture: rotary positions, SwiGLU feed-forward without biases):
    tiny     hidden 128, 2 layers, 4 heads, intermediate 512
    v2-50m   hidden 512, 12 layers, 16 heads, intermediate 2048 (the nucleotide-transformer-v2-50m shape)

Usage (from the repository root):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \\
        /usr/bin/python3 tools/bench/pytorch_encoder_bench.py --config v2-50m --batch 8 --iters 20 --warmup 3 \\
        --threads 2 --json

``--config`` and ``--batch`` accept several values (default: both configs, batches 8 and 32). With ``--json`` every
measurement is printed as one JSON line carrying at least
``{"config", "batch", "seq_per_s", "tokens_per_s", "median_ms"}``; without it, a readable line. ``--workers N`` runs N
batches at once, each on its own thread with ``threads / N`` intra-op threads (the layout of the engine's CPU workers);
``seq_per_s`` then counts all of them.

For a fair baseline (see shared/docs/performance-notes.md):
* Debian's python3-torch alone pulls the netlib reference BLAS, about 30x slower. Use the OpenMP build of OpenBLAS:
  the package ``libopenblas0-openmp`` (installed on the project's machines) and
  ``LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp``. The pthread build of OpenBLAS oversubscribes the
  cores next to PyTorch's OpenMP threads. OpenBLAS 0.3.21 picks its kernels from the processor, but takes generic ones
  on processors it does not know (Intel Sapphire Rapids: ``OPENBLAS_CORETYPE=SkylakeX`` is about 4.5x faster there);
  tools/bench/compare_with_pytorch.py times the candidates and sets the fastest. The BLAS library actually loaded is
  reported in the ``blas`` field, ``OPENBLAS_CORETYPE`` in ``env``.
* Set the thread count explicitly on both sides (``--threads``, default 2): Debian's PyTorch otherwise uses 1.
* glibc's default malloc unmaps large transient tensors after every op; the notes measured up to 4x slower forwards
  from the page faults. Compare both frameworks under the same allocator settings, e.g.
  ``GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=68719476736:glibc.malloc.top_pad=67108864``,
  or pass ``--mallopt`` (the same three malloc settings applied in-process through mallopt before any tensor is made).
  The 64 MiB top pad keeps glibc from unmapping a worker thread's heap each time a free empties it (``--workers``).
  On a 2-vCPU development machine the tiny config at batch 32 ran at ~28 seq/s with the default allocator and
  ~710 seq/s with these settings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from typing import Dict, List

import torch

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures"))
import nt_reference as ref  # noqa: E402

SEQ_LEN = 168  # 1 kb read: <cls> + 167 6-mers


def _v2_style(hidden: int, layers: int, heads: int, intermediate: int) -> ref.NtConfig:
    return ref.NtConfig(vocab_size=4107, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                        intermediate_size=intermediate, max_position_embeddings=2050,
                        position_embedding_type="rotary", token_dropout=False, code=ref.CODE_NT_V2,
                        add_bias_fnn=False)


CONFIGS: Dict[str, ref.NtConfig] = {
    "tiny": _v2_style(128, 2, 4, 512),
    "v2-50m": _v2_style(512, 12, 16, 2048),
}


def loaded_blas() -> List[str]:
    """Shared libraries of this process whose name says BLAS/LAPACK/MKL (Linux; empty elsewhere)."""
    found = set()
    try:
        with open("/proc/self/maps", "r", encoding="utf-8") as maps:
            for line in maps:
                path = line.split()[-1] if line.strip() else ""
                base = os.path.basename(path)
                if path.startswith("/") and any(key in base for key in ("blas", "lapack", "mkl")):
                    found.add(os.path.realpath(path))
    except OSError:
        pass
    return sorted(found)


def apply_mallopt() -> None:
    """Keeps freed memory in the heap: no mmap for large blocks (M_MMAP_MAX = 0), no trimming (M_TRIM_THRESHOLD at
    its maximum) and no unmapping of emptied per-thread heaps (M_TOP_PAD of one 64 MiB heap), so large transient
    tensors stop costing page faults. glibc only."""
    import ctypes
    import ctypes.util

    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    m_trim_threshold, m_top_pad, m_mmap_max = -1, -2, -4  # from glibc's malloc.h
    if not (libc.mallopt(m_mmap_max, 0) and libc.mallopt(m_trim_threshold, 2**31 - 1)
            and libc.mallopt(m_top_pad, 64 << 20)):
        raise SystemExit("mallopt failed")


def make_inputs(batch: int, seed: int) -> tuple:
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(6, 4102, (batch, SEQ_LEN), generator=gen, dtype=torch.int64)  # v2 6-mer ids
    ids[:, 0] = 3  # <cls>
    mask = torch.ones_like(ids)
    return ids, mask


def bench(name: str, batch: int, iters: int, warmup: int, seed: int, mallopt: bool, threads: int,
          workers: int) -> dict:
    cfg = CONFIGS[name]
    torch.manual_seed(seed)
    model = ref.NtModel(cfg).eval()
    ids, mask = make_inputs(batch, seed)

    def step() -> torch.Tensor:
        last, _ = model(ids, mask)
        return ref.mean_pool(last, mask)

    times_ms: List[float] = []
    pooled: List[torch.Tensor] = []
    if workers == 1:
        with torch.inference_mode():
            for _ in range(warmup):
                step()
            for _ in range(iters):
                start = time.perf_counter()
                pooled = [step()]
                times_ms.append((time.perf_counter() - start) * 1000.0)
    else:
        # Every worker thread runs its own batch through the shared model with threads // workers intra-op threads
        # (PyTorch's setting is per thread); an iteration ends when all of them have finished one batch.
        barrier = threading.Barrier(workers + 1)
        results: List[torch.Tensor] = [torch.empty(0)] * workers
        errors: List[BaseException] = []

        def worker(index: int) -> None:
            try:
                torch.set_num_threads(max(1, threads // workers))
                with torch.inference_mode():
                    for _ in range(warmup + iters):
                        barrier.wait()
                        results[index] = step()
                        barrier.wait()
            except BaseException as error:  # reported by the main thread
                errors.append(error)
                barrier.abort()

        pool = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
        for thread in pool:
            thread.start()
        for i in range(warmup + iters):
            barrier.wait()
            start = time.perf_counter()
            barrier.wait()
            if i >= warmup:
                times_ms.append((time.perf_counter() - start) * 1000.0)
        for thread in pool:
            thread.join()
        if errors:
            raise errors[0]
        pooled = results
    checksum = float(sum(p.double().abs().sum() for p in pooled))
    median_ms = statistics.median(times_ms)
    return {
        "framework": "pytorch",
        "config": name,
        "batch": batch,
        "workers": workers,
        "seq_per_s": workers * batch / (median_ms / 1000.0),
        "tokens_per_s": workers * batch * SEQ_LEN / (median_ms / 1000.0),
        "median_ms": median_ms,
        "min_ms": min(times_ms),
        "mean_ms": statistics.fmean(times_ms),
        "iters": iters,
        "warmup": warmup,
        "threads": threads,
        "seq_len": SEQ_LEN,
        "hidden_size": cfg.hidden_size,
        "num_hidden_layers": cfg.num_hidden_layers,
        "num_attention_heads": cfg.num_attention_heads,
        "intermediate_size": cfg.intermediate_size,
        "ffn": "swiglu" if cfg.gated_ffn else "gelu",
        "positions": cfg.position_embedding_type,
        "dtype": "float32",
        "torch_version": torch.__version__,
        "blas": loaded_blas(),
        "mallopt": mallopt,
        "env": {key: os.environ.get(key) for key in ("OPENBLAS_CORETYPE", "LD_LIBRARY_PATH", "GLIBC_TUNABLES",
                                                      "OMP_NUM_THREADS")},
        "pooled_checksum": checksum,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="PyTorch NT encoder throughput baseline (float32, inference).")
    parser.add_argument("--config", nargs="+", choices=sorted(CONFIGS), default=["tiny", "v2-50m"])
    parser.add_argument("--batch", nargs="+", type=int, default=[8, 32])
    parser.add_argument("--iters", type=int, default=10, help="timed iterations per measurement (default 10)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed iterations first (default 3)")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2)")
    parser.add_argument("--workers", type=int, default=1,
                        help="batches computed at once, each on its own thread with threads/workers intra-op "
                             "threads (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="seed for the random weights and tokens (default 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per measurement")
    parser.add_argument("--mallopt", action="store_true",
                        help="disable mmap/trim in glibc malloc in-process (see the header)")
    args = parser.parse_args()
    if args.iters < 1 or args.warmup < 0 or args.threads < 1 or any(b < 1 for b in args.batch):
        parser.error("--iters and --threads must be >= 1, --warmup >= 0, batches >= 1")
    if args.workers < 1 or args.workers > args.threads:
        parser.error("--workers must be between 1 and --threads")

    if args.mallopt:
        apply_mallopt()
    torch.set_num_threads(args.threads)
    if any("/blas/libblas" in path for path in loaded_blas()):
        print("warning: the netlib reference BLAS is loaded; see the header of this script", file=sys.stderr)

    for name in args.config:
        for batch in args.batch:
            result = bench(name, batch, args.iters, args.warmup, args.seed, args.mallopt, args.threads, args.workers)
            if args.json:
                print(json.dumps(result), flush=True)
            else:
                print(f"{name:7s} batch {batch:3d}: {result['seq_per_s']:9.1f} seq/s  "
                      f"{result['tokens_per_s']:11.0f} tokens/s  median {result['median_ms']:9.2f} ms  "
                      f"({args.threads} threads, {args.workers} worker(s))", flush=True)


if __name__ == "__main__":
    main()

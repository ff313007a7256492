#!/usr/bin/env python3
"""PyTorch baseline for the training-step comparison with the TorchSharp library (Connectomics.Lora).

One optimizer step on the reference modules of tools/fixtures/nt_reference.py, with random weights, float32, the
encoder in training mode, on 1 kb reads: 168 tokens per sequence (<cls> + 167 random v2 6-mer ids), no padding.
The same step as the `lora-train-side-by-side` mode of tests/Connectomics.Benchmarks (its TrainingStep class):

    lora   rank-16 LoRA (alpha 32, scaling 2, no dropout) on every attention query and value projection; the
           encoder's own weights frozen; masked-mean pooling, a 7-rank taxonomy head (one Linear per rank, label
           counts from --labels), the rank-weighted cross-entropy (weights 2.0 1.8 1.5 1.2 1.0 0.8 0.6)
    full   the same head and loss, every encoder parameter trained
    mlm    masked-LM pre-training: 15% of the non-special tokens selected (80% <mask>, 10% a random id, 10% kept),
           the lm_head of EsmForMaskedLM run on the selected positions only, mean cross-entropy over them

then backward and torch.optim.AdamW (lr 1e-4, betas 0.9/0.999, eps 1e-8, weight decay 0.01 except on biases and
LayerNorm weights), and zero_grad(set_to_none=True).

Usage (from the repository root; see tools/bench/pytorch_encoder_bench.py for the BLAS and allocator settings, which
tools/bench/compare_lora_train_with_pytorch.py applies):

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp \\
        /usr/bin/python3 tools/bench/pytorch_lora_train_bench.py --kind lora --config v2-50m --batch 8 --threads 2 --json

With --json one JSON line is printed with at least {"kind", "config", "batch", "median_ms", "tokens_per_s"}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import time
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True  # keep the source tree free of __pycache__
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "fixtures"))
sys.path.insert(0, HERE)
import nt_reference as ref  # noqa: E402
from pytorch_encoder_bench import CONFIGS, SEQ_LEN, apply_mallopt, loaded_blas  # noqa: E402

RANK_WEIGHTS = (2.0, 1.8, 1.5, 1.2, 1.0, 0.8, 0.6)
DEFAULT_LABELS = (2, 20, 60, 150, 300, 600, 1000)
MASK_ID, CLS_ID, SPECIAL_IDS = 2, 3, 6  # v2 vocabulary: ids 0..5 are <unk> <pad> <mask> <cls> <eos> <bos>


class LoraLinear(nn.Module):
    """A frozen Linear plus the low-rank update scaling * B(A(x)), with PEFT's child names and initialisation
    (A Kaiming-uniform with a = sqrt(5), B zeros)."""

    def __init__(self, base_layer: nn.Linear, rank: int, alpha: float) -> None:
        super().__init__()
        self.base_layer = base_layer
        for parameter in base_layer.parameters():
            parameter.requires_grad_(False)
        self.lora_A = nn.Linear(base_layer.in_features, rank, bias=False)
        self.lora_B = nn.Linear(rank, base_layer.out_features, bias=False)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.scaling = alpha / rank

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base_layer(x) + self.lora_B(self.lora_A(x)) * self.scaling


class TaxonomyHead(nn.Module):
    def __init__(self, hidden: int, labels: Tuple[int, ...]) -> None:
        super().__init__()
        self.classifiers = nn.ModuleList([nn.Linear(hidden, n) for n in labels])

    def forward(self, pooled: torch.Tensor) -> List[torch.Tensor]:
        return [classifier(pooled) for classifier in self.classifiers]


def no_decay(name: str) -> bool:
    """Biases and normalisation-layer parameters go without weight decay (the library's rule)."""
    parts = name.split(".")
    return parts[-1] == "bias" or any("norm" in part.lower() for part in parts[:-1])


def parameter_groups(named: List[Tuple[str, nn.Parameter]], weight_decay: float) -> List[Dict]:
    decay = [p for n, p in named if not no_decay(n)]
    exempt = [p for n, p in named if no_decay(n)]
    return [g for g in ({"params": decay, "weight_decay": weight_decay}, {"params": exempt, "weight_decay": 0.0})
            if g["params"]]


def mask_tokens(ids: torch.Tensor, generator: torch.Generator, vocab_size: int) -> Tuple[torch.Tensor, torch.Tensor]:
    """Hugging Face's masked-LM collation: select 15% of the non-special tokens; of those 80% -> <mask>, 10% -> a
    random id, 10% kept. Returns (inputs, labels with -100 where not selected)."""
    probability = torch.full(ids.shape, 0.15)
    probability.masked_fill_(ids < SPECIAL_IDS, 0.0)
    selected = torch.bernoulli(probability, generator=generator).bool()
    labels = ids.masked_fill(~selected, -100)
    inputs = ids.clone()
    replaced = torch.bernoulli(torch.full(ids.shape, 0.8), generator=generator).bool() & selected
    inputs[replaced] = MASK_ID
    randomised = torch.bernoulli(torch.full(ids.shape, 0.5), generator=generator).bool() & selected & ~replaced
    inputs[randomised] = torch.randint(vocab_size, ids.shape, generator=generator)[randomised]
    return inputs, labels


def build(kind: str, cfg: ref.NtConfig, labels: Tuple[int, ...]):
    """The model, the head (or None), and the trainable parameters by name."""
    if kind == "mlm":
        model = ref.NtForMaskedLM(cfg)
        for p in model.esm.contact_head.parameters():
            p.requires_grad_(False)
        return model, None, [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    model = ref.NtModel(cfg)
    # The contact head's regression is part of every ESM checkpoint but never on the embedding path (it would get no
    # gradient); the library's model does not build it, so it is left out here as well.
    for p in model.contact_head.parameters():
        p.requires_grad_(False)
    head = TaxonomyHead(cfg.hidden_size, labels)
    if kind == "lora":
        for p in model.parameters():
            p.requires_grad_(False)
        for layer in model.encoder.layer:
            attention = layer.attention.self
            attention.query = LoraLinear(attention.query, 16, 32.0)
            attention.value = LoraLinear(attention.value, 16, 32.0)
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    named += [("taxonomy_head." + n, p) for n, p in head.named_parameters()]
    return model, head, named


def bench(kind: str, name: str, batch: int, iters: int, warmup: int, seed: int, labels: Tuple[int, ...]) -> dict:
    cfg = CONFIGS[name]
    torch.manual_seed(seed)
    model, head, named = build(kind, cfg, labels)
    model.train()
    if head is not None:
        head.train()
    optimizer = torch.optim.AdamW(parameter_groups(named, 0.01), lr=1e-4, betas=(0.9, 0.999), eps=1e-8)
    generator = torch.Generator().manual_seed(seed + 1)
    ids = torch.randint(6, 4102, (batch, SEQ_LEN), generator=generator, dtype=torch.int64)
    ids[:, 0] = CLS_ID
    mask = torch.ones_like(ids)
    targets = torch.stack([torch.randint(n, (batch,), generator=generator) for n in labels], dim=1)
    weights = RANK_WEIGHTS

    def step(phases: List[float]) -> float:
        start = time.perf_counter()
        if kind == "mlm":
            inputs, mlm_labels = mask_tokens(ids, generator, cfg.vocab_size)
            hidden, _ = model.esm(inputs, mask)
            selected = mlm_labels != -100
            logits = model.lm_head(hidden[selected])
            loss = F.cross_entropy(logits, mlm_labels[selected], reduction="sum") / selected.sum().clamp_min(1)
        else:
            hidden, _ = model(ids, mask)
            pooled = ref.mean_pool(hidden, mask)
            logits = head(pooled)
            loss = sum(w * F.cross_entropy(logits[r], targets[:, r], ignore_index=-100) for r, w in enumerate(weights))
        value = float(loss)
        forward_done = time.perf_counter()
        loss.backward()
        backward_done = time.perf_counter()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        phases[:] = [(forward_done - start) * 1000.0, (backward_done - forward_done) * 1000.0,
                     (time.perf_counter() - backward_done) * 1000.0]
        return value

    times_ms: List[float] = []
    losses: List[float] = []
    phase_ms: List[List[float]] = []
    for i in range(warmup + iters):
        phases: List[float] = []
        start = time.perf_counter()
        losses.append(step(phases))
        elapsed = (time.perf_counter() - start) * 1000.0
        if i >= warmup:
            times_ms.append(elapsed)
            phase_ms.append(phases)
    median_ms = statistics.median(times_ms)
    trainable = sum(p.numel() for _, p in named)
    total = (sum(p.numel() for n, p in model.named_parameters() if "contact_head" not in n)
             + (sum(p.numel() for p in head.parameters()) if head else 0))
    return {
        "framework": "pytorch",
        "kind": kind,
        "config": name,
        "batch": batch,
        "seq_len": SEQ_LEN,
        "median_ms": median_ms,
        "min_ms": min(times_ms),
        "forward_ms": statistics.median(p[0] for p in phase_ms),
        "backward_ms": statistics.median(p[1] for p in phase_ms),
        "optimizer_ms": statistics.median(p[2] for p in phase_ms),
        "tokens_per_s": batch * SEQ_LEN / (median_ms / 1000.0),
        "trainable_parameters": trainable,
        "total_parameters": total,
        "label_counts": list(labels),
        "losses": [round(v, 4) for v in losses],
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "blas": loaded_blas(),
        "env": {key: os.environ.get(key) for key in ("OPENBLAS_CORETYPE", "LD_LIBRARY_PATH", "OMP_NUM_THREADS")},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["lora", "full", "mlm"], default="lora")
    parser.add_argument("--config", choices=sorted(CONFIGS), default="v2-50m")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--iters", type=int, default=5, help="timed steps (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed steps first (default 2)")
    parser.add_argument("--threads", type=int, default=2, help="intra-op threads (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--labels", default=",".join(map(str, DEFAULT_LABELS)),
                        help="label counts per rank, kingdom first (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--mallopt", action="store_true", help="glibc malloc without mmap/trim (see pytorch_encoder_bench.py)")
    args = parser.parse_args()
    labels = tuple(int(v) for v in args.labels.split(","))
    if len(labels) != 7 or min(labels) < 1:
        parser.error("--labels takes 7 positive counts")
    if args.iters < 1 or args.warmup < 0 or args.threads < 1 or args.batch < 1:
        parser.error("--iters, --threads and --batch must be >= 1, --warmup >= 0")
    if args.mallopt:
        apply_mallopt()
    torch.set_num_threads(args.threads)
    result = bench(args.kind, args.config, args.batch, args.iters, args.warmup, args.seed, labels)
    result["mallopt"] = args.mallopt
    if args.json:
        print(json.dumps(result), flush=True)
    else:
        print(f"{args.kind} {args.config} batch {args.batch}: median {result['median_ms']:.1f} ms/step, "
              f"{result['tokens_per_s']:.0f} tokens/s ({args.threads} threads)")


if __name__ == "__main__":
    main()

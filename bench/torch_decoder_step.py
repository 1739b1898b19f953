"""The tiny decoder's training step in PyTorch (Python, eager, float64), for
bench/compare_decoder: the model of examples/pytorch/tiny_decoder.py with tapegrad's
initialisation rule, B random sequences of T tokens, and the step `tiny_decoder train` runs —
forward, cross-entropy over all B T positions, backward, clip_grad_norm_(1.0), AdamW (lr 3e-3,
betas 0.9/0.99, eps 1e-8, weight decay 0.1 on tensors of two or more dimensions only),
zero_grad.

    torch_decoder_step.py V C L H T B THREADS [--min-seconds S] [--steps N]

Prints one JSON line: {"ms_per_step", "steps", "tokens_per_s", "peak_rss_mib"} (VmHWM at the
end minus VmRSS after torch's first GEMM). Threads as bench/torch_step.py sets them: PyTorch's
own pool and OpenBLAS's; the "best" configuration is this script run with
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 and OMP_WAIT_POLICY=PASSIVE.
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "examples", "pytorch"))
import tiny_decoder  # noqa: E402
from torch_step import proc_status_mib, use_threads  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    for name in ("V", "C", "L", "H", "T", "B", "threads"):
        parser.add_argument(name, type=int)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--steps", type=int, default=0, help="exactly N timed steps")
    args = parser.parse_args()

    baseline = use_threads(args.threads)

    torch.manual_seed(1)
    model = tiny_decoder.TinyDecoder(args.V, args.C, args.L, args.H, args.T).double().init_()
    params = list(model.parameters())
    groups = [{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
              {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}]
    opt = torch.optim.AdamW(groups, lr=3e-3, betas=(0.9, 0.99), eps=1e-8)
    stream = torch.randint(0, args.V, (args.B * args.T + 1,))
    inputs = stream[:-1].view(args.B, args.T)
    targets = stream[1:].reshape(-1)

    def step():
        _, z, _ = model(inputs)
        loss = F.cross_entropy(z.reshape(-1, args.V), targets)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        opt.zero_grad()

    for _ in range(3):
        step()
    done = 0
    start = time.perf_counter()
    while (done < args.steps) if args.steps else (done < 3 or
                                                   time.perf_counter() - start < args.min_seconds):
        step()
        done += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"ms_per_step": 1e3 * seconds / done, "steps": done,
                      "tokens_per_s": args.B * args.T * done / seconds,
                      "peak_rss_mib": proc_status_mib("VmHWM") - baseline}))


if __name__ == "__main__":
    main()

"""The same training step in PyTorch (Python), for bench/compare.

    z = x W^T (+ b with --bias 1),  L = cross_entropy(z, targets),  L.backward(),
    torch.optim.SGD step

float64, x optionally requiring a gradient. Prints one JSON line:
{"ms_per_step": .., "steps": .., "peak_rss_mib": ..}. Threads: torch.set_num_threads for
PyTorch's own pool and openblas_set_num_threads for the GEMMs (Debian's torch reaches
OpenBLAS through libblas.so.3). The "best" configuration is this script run with
GLIBC_TUNABLES=glibc.malloc.hugetlb=1 and OMP_WAIT_POLICY=PASSIVE in its environment.
"""
import argparse
import ctypes
import json
import time

import torch


def proc_status_mib(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def set_openblas_threads(threads):
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line and "/" in line}
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        if hasattr(lib, "openblas_set_num_threads"):
            lib.openblas_set_num_threads(threads)
            return path
    return None


def use_threads(threads):
    """PyTorch's pool and OpenBLAS's at `threads`; returns VmRSS (MiB) after that, the baseline."""
    torch.set_num_threads(threads)
    torch.matmul(torch.ones(2, 2, dtype=torch.float64), torch.ones(2, 2, dtype=torch.float64))
    set_openblas_threads(threads)  # after a first GEMM has loaded the BLAS library
    return proc_status_mib("VmRSS")


def main():
    parser = argparse.ArgumentParser()
    for name in ("B", "d", "V", "threads"):
        parser.add_argument(name, type=int)
    parser.add_argument("--x-grad", type=int, default=1)
    parser.add_argument("--min-seconds", type=float, default=1.0)
    parser.add_argument("--bias", type=int, default=0,
                        help="1: z = F.linear(x, W, b) with b [V] a parameter too")
    parser.add_argument("--warm-up", type=int, default=3, help="untimed steps first (default 3)")
    parser.add_argument("--min-steps", type=int, default=3,
                        help="timed steps at least (default 3)")
    args = parser.parse_args()

    baseline = use_threads(args.threads)

    torch.manual_seed(1)
    f64 = torch.float64
    x = (torch.rand(args.B, args.d, dtype=f64) * 2 - 1).requires_grad_(bool(args.x_grad))
    W = (torch.rand(args.V, args.d, dtype=f64) * 0.1 - 0.05).requires_grad_(True)
    targets = torch.randint(args.V, (args.B,))
    b = (torch.rand(args.V, dtype=f64) * 0.1 - 0.05).requires_grad_(True) if args.bias else None
    sgd = torch.optim.SGD([W] + ([b] if args.bias else []), lr=0.1)

    def step():
        sgd.zero_grad()
        if x.grad is not None:
            x.grad = None
        z = torch.nn.functional.linear(x, W, b) if args.bias else x @ W.t()
        loss = torch.nn.functional.cross_entropy(z, targets)
        loss.backward()
        sgd.step()

    for _ in range(args.warm_up):
        step()
    steps = 0
    start = time.perf_counter()
    elapsed = 0.0
    while elapsed < args.min_seconds or steps < args.min_steps:
        step()
        steps += 1
        elapsed = time.perf_counter() - start
    print(json.dumps({"ms_per_step": 1e3 * elapsed / steps, "steps": steps,
                      "peak_rss_mib": proc_status_mib("VmHWM") - baseline}))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""The PyTorch reference check: runs torch_cases, recomputes every case in torch float64 and
compares.

    /usr/bin/python3 tests/torch/check_torch.py build/tests/torch/torch_cases
                     [--case TEXT] [--bitwise]
    /usr/bin/python3 tests/torch/check_torch.py --json cases.json ...   (a saved document)

For every case the program wrote, the checker registered for its "kind" recomputes it (in
kinds_*.py beside this file; each module defines KINDS = {kind: checker}) and the results are
compared: a case passes when every compared quantity has
    max_i |tapegrad_i - torch_i| <= tol * max_j |torch_j|       (tol = 1e-12 unless the kind
                                                                  asks for less, e.g. 0)
One line per case: ok/FAIL, name, kind, the largest error and the quantity where it occurs.
Exit status: 0 all passed; 1 a case failed (or no cases, an unknown kind, a checker error, the
program failed); 2 bad usage; 77 when torch cannot be imported (ctest reports SKIP).

torch runs with one thread (its reductions then sum in one fixed order). Its CPU kernels are
the AVX2 ones here, which fuse some multiply-adds (FMA): results that follow torch's arithmetic
step by step still differ in the last bits. --bitwise runs torch's portable kernels instead
(ATEN_CPU_CAPABILITY=default, which do not fuse) and requires tol = 0 for the kinds a module
lists in BITWISE_KINDS (code written to torch's order of operations: the optimizers, clipping);
other kinds keep their tolerance. --bitwise is tied to torch 1.13 (exit 77 with another) and
to x86-64 (elsewhere GCC may have fused multiply-adds in torch's portable kernels too).
"""

import argparse
import glob
import importlib
import json
import os
import subprocess
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree

SKIP = 77


def load_kinds(folder):
    """{kind: (checker, module name, bitwise)} from every kinds_*.py in folder."""
    kinds = {}
    for path in sorted(glob.glob(os.path.join(folder, "kinds_*.py"))):
        module_name = os.path.splitext(os.path.basename(path))[0]
        module = importlib.import_module(module_name)
        for kind, checker in module.KINDS.items():
            if kind in kinds:
                raise RuntimeError("kind %r is defined in %s and %s" %
                                   (kind, kinds[kind][1], module_name))
            kinds[kind] = (checker, module_name, kind in getattr(module, "BITWISE_KINDS", ()))
    return kinds


def main(argv):
    parser = argparse.ArgumentParser(description="tapegrad against PyTorch float64")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("program", nargs="?", help="the torch_cases program to run")
    source.add_argument("--json", metavar="FILE", help="check a document saved earlier")
    parser.add_argument("--case", metavar="TEXT", help="only the cases whose name contains TEXT")
    parser.add_argument("--bitwise", action="store_true",
                        help="torch's portable kernels; BITWISE_KINDS must match exactly")
    args = parser.parse_args(argv[1:])  # exits 2 on bad usage
    selector, bitwise = args.case, args.bitwise
    if bitwise:  # read when torch is imported
        os.environ["ATEN_CPU_CAPABILITY"] = "default"
    try:
        import torch
    except ImportError as e:
        print("SKIP: cannot import torch with %s (%s)" % (sys.executable, e))
        return SKIP
    if bitwise and not torch.__version__.startswith("1.13"):
        # torch 2 rewrote the optimizers' arithmetic (lerp_ for the first moment, ...).
        print("SKIP: --bitwise follows torch 1.13's arithmetic; this is torch %s" %
              torch.__version__)
        return SKIP
    torch.set_num_threads(1)
    folder = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, folder)
    from torch_reference import error
    kinds = load_kinds(folder)

    if args.json:
        origin = args.json
        with open(args.json, "rb") as f:
            text = f.read()
    else:
        origin = args.program
        run = subprocess.run([args.program], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if run.returncode != 0:
            print("FAIL: %s exited with %d: %s" % (args.program, run.returncode,
                                                  run.stderr.decode(errors="replace").strip()))
            return 1
        text = run.stdout
    doc = json.loads(text)
    if doc.get("format") != "tapegrad-torch-cases" or doc.get("version") != 1:
        print("FAIL: %s is no tapegrad-torch-cases version 1 document" % origin)
        return 1
    cases = [c for c in doc["cases"] if selector is None or selector in c["name"]]
    capability = os.environ.get("ATEN_CPU_CAPABILITY", "as detected")
    print("torch %s, float64, 1 thread, CPU kernels: %s%s; %d cases" %
          (torch.__version__, capability, ", bitwise" if bitwise else "", len(cases)))
    if not cases:
        print("FAIL: no cases")
        return 1

    failures = 0
    for case in cases:
        name, kind = case["name"], case["kind"]
        if kind not in kinds:
            print("FAIL %-44s %-22s no checker for this kind (kinds_*.py)" % (name, kind))
            failures += 1
            continue
        try:
            checker, _, exact = kinds[kind]
            comparisons = checker(case)
            if not comparisons:
                raise RuntimeError("the checker compared nothing")
            if bitwise and exact:
                for c in comparisons:
                    c.tol = 0.0
            errors = [(error(c), c) for c in comparisons]
            failed = [(e, c) for e, c in errors if not e <= c.tol]
            worst, at = max(errors, key=lambda ec: ec[0])
            if failed:  # show the first quantity out of its tolerance
                worst, at = failed[0]
                detail = "err %.2e > tol %.0e  (%s)" % (worst, at.tol, at.label)
            elif worst == 0.0:
                detail = "max err 0  (bit-identical, %d quantities)" % len(errors)
            else:
                detail = "max err %.2e  (%s)" % (worst, at.label)
            passed = not failed
            print("%-4s %-44s %-22s %s" % ("ok" if passed else "FAIL", name, kind, detail))
            failures += 0 if passed else 1
        except Exception as e:  # a checker that breaks is a failed case, reported by name
            print("FAIL %-44s %-22s checker error: %s: %s" % (name, kind, type(e).__name__, e))
            failures += 1
    print("%d of %d cases agree with torch" % (len(cases) - failures, len(cases)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

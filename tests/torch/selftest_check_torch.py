#!/usr/bin/python3
"""check_torch.py must fail when tapegrad is wrong: runs torch_cases once, plants one error in
each of a few cases of its document and runs check_torch.py --json on it, with and without
--bitwise: exactly the planted cases must fail (exit 1), except that a one-ulp error in an
optimizer passes the 1e-12 tolerance and is caught only by --bitwise (run on x86-64 with torch
1.13, where --bitwise applies).

    /usr/bin/python3 tests/torch/selftest_check_torch.py build/tests/torch/torch_cases

Exit 0 when every planted error is caught, 1 otherwise, 77 when torch cannot be imported.
"""

import copy
import json
import math
import os
import platform
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
CHECK = os.path.join(HERE, "check_torch.py")


def find(doc, name):
    return next(c for c in doc["cases"] if c["name"] == name)


def scale_first(array_json, factor):
    array_json["data"][0] = array_json["data"][0] * factor


def next_after(x):
    return math.nextafter(x, math.inf)


def run_check(doc, extra, selector):
    """check_torch.py --json on doc: (exit status, output)."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
        path = f.name
    try:
        r = subprocess.run([sys.executable, CHECK, "--json", path, "--case", selector] + extra,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        os.unlink(path)
    return r.returncode, r.stdout


def main(argv):
    if len(argv) != 2:
        print("usage: selftest_check_torch.py TORCH_CASES_PROGRAM", file=sys.stderr)
        return 2
    try:
        import torch
    except ImportError as e:
        print("SKIP: cannot import torch with %s (%s)" % (sys.executable, e))
        return 77
    doc = json.loads(subprocess.run([argv[1]], stdout=subprocess.PIPE, check=True).stdout)

    def step_W(case):  # AdamW's W after step 3, 1e-11 relative off
        scale_first(case["results"]["steps"][2]["parameters"]["W"], 1 + 1e-11)

    def one_ulp(case):  # Adam's exp_avg.K after step 10, one ulp off
        a = case["results"]["steps"][9]["state"]["exp_avg.K"]
        a["data"][0] = next_after(a["data"][0])

    def nan_grad(case):
        case["results"]["grad_W"]["data"][3] = "nan"

    def missed_nan(case):  # the NaN the clipping must produce, replaced by a number
        case["results"]["gradients"]["p1"]["data"][0] = 0.0

    def shape(case):
        case["results"]["grad_z"]["shape"] = list(reversed(case["results"]["grad_z"]["shape"]))

    def kind(case):
        case["kind"] = "no_such_kind"

    def random_bit(case):
        case["results"]["normal"][500] = next_after(case["results"]["normal"][500])

    # (what is planted, case, change, caught without --bitwise, caught with --bitwise)
    plants = [
        ("AdamW parameter 1e-11 off", "adamw/defaults", step_W, True, True),
        ("Adam moment one ulp off", "adam/defaults", one_ulp, False, True),
        ("NaN in Linear's dL/dW", "linear/rank2_bias", nan_grad, True, True),
        ("clipping's NaN missing", "clip_grad_norm/nan", missed_nan, True, True),
        ("shape of dL/dz transposed", "softmax_cross_entropy/rank2", shape, True, True),
        ("unknown kind", "linear/rank2_no_bias", kind, True, True),
        ("random normal one ulp off", "random/seed_42", random_bit, True, True),
    ]
    planted = copy.deepcopy(doc)
    for _, name, change, _, _ in plants:
        change(find(planted, name))
    failures = 0
    modes = [([], 3)]
    if platform.machine() in ("x86_64", "AMD64") and torch.__version__.startswith("1.13"):
        modes.append((["--bitwise"], 4))  # where check_torch.py's --bitwise applies
    for extra, column in modes:
        status, output = run_check(planted, extra, "")
        failed = {line.split()[1] for line in output.splitlines() if line.startswith("FAIL")}
        expected = {p[1] for p in plants if p[column]}
        mode = " ".join(extra) or "tolerance"
        for p in plants:
            good = (p[1] in failed) == p[column]
            print("%-4s %-11s %-30s %s" % ("ok" if good else "BAD", mode, p[0],
                                           "caught" if p[1] in failed else "passes"))
        good = status == 1 and failed == expected
        print("%-4s %-11s exit %d, %d cases failed, %d expected" % (
            "ok" if good else "BAD", mode, status, len(failed), len(expected)))
        if not good:
            print(output)
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

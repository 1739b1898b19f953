#!/usr/bin/env python3
"""An independent float64 reference for decoder_training --json.

Recomputes every number of the JSON result from the case file with nothing but Python's own
floats (IEEE double) and the formulas of the slides, and compares:

    probs, loss, every gradient (autodiff and closed form), the SGD trajectory
        within  TOLERANCE * max(1, |reference|)              (TOLERANCE = 1e-10)
    finite differences on W (an approximation, not an exact value)
        within  FD_TOLERANCE * max(1, |loss|)                (FD_TOLERANCE = 1e-8)
    prediction (index, id, token), the schema's fields, and max_abs_diff recomputed from
    the printed arrays: exactly

Usage:
    reference_case.py BINARY CASE.json [CASE.json ...]
    reference_case.py BINARY --builtin CASE.json   (decoder_training --json without --case
                                                    must match this case file)
Exit status 0 when everything agrees, 1 with one line per disagreement otherwise.
Standard library only.
"""
import json
import math
import subprocess
import sys

# Gradients are sums of a few products of numbers of order 1: the engine (BLAS, other
# summation order) and this script agree to a few ulps, ~1e-15. 1e-10 is the issue's
# requirement and leaves room for cases whose numbers reach 1e3 or 1e4.
TOLERANCE = 1e-10
# A central difference with h = cbrt(eps) max(1, |w|) is exact to about
# eps^(2/3) ~ 4e-11 times the size of the loss (its rounding error is eps |L| / h):
# 1e-8 * max(1, |L|) leaves a factor of ~250 for the curvature of L.
FD_TOLERANCE = 1e-8

DEFAULT_LR = 0.5  # the walkthrough's defaults, as documented in the case file format
DEFAULT_STEPS = 5


def read_case(path):
    with open(path, encoding="utf-8") as f:
        case = json.load(f)
    x = case["x"]
    single = not isinstance(x[0], list)
    X = [[float(v) for v in x]] if single else [[float(v) for v in row] for row in x]
    if "logits" in case:
        z = [float(v) for v in case["logits"]]
        xx = 0.0
        for v in X[0]:
            xx += v * v
        W = [[zi * xj / xx for xj in X[0]] for zi in z]
    else:
        W = [[float(v) for v in row] for row in case["W"]]
    b = [float(v) for v in case["b"]] if "b" in case else None
    t = case["target"]
    targets = [int(v) for v in t] if isinstance(t, list) else [int(t)]
    return {
        "W": W, "b": b, "X": X, "targets": targets, "vocab": case.get("vocab"),
        "lr": float(case.get("lr", DEFAULT_LR)), "steps": int(case.get("steps", DEFAULT_STEPS)),
    }


def forward(W, b, X):
    """z = x W^T + b, softmax by log-sum-exp, row by row."""
    Z, P, LSE = [], [], []
    for x in X:
        z = []
        for i, w in enumerate(W):
            s = b[i] if b is not None else 0.0
            for xj, wj in zip(x, w):
                s += xj * wj
            z.append(s)
        m = max(z)
        lse = m + math.log(sum(math.exp(v - m) for v in z))
        Z.append(z)
        LSE.append(lse)
        P.append([math.exp(v - lse) for v in z])
    return Z, P, LSE


def loss_of(W, b, X, targets):
    Z, _, LSE = forward(W, b, X)
    return sum(LSE[r] - Z[r][t] for r, t in enumerate(targets)) / len(targets)


def gradients(W, b, X, targets):
    B, V, d = len(X), len(W), len(W[0])
    _, P, _ = forward(W, b, X)
    G = [[(P[r][i] - (1.0 if i == targets[r] else 0.0)) / B for i in range(V)] for r in range(B)]
    gW = [[sum(G[r][i] * X[r][j] for r in range(B)) for j in range(d)] for i in range(V)]
    gb = [sum(G[r][i] for r in range(B)) for i in range(V)]
    gx = [[sum(G[r][i] * W[i][j] for i in range(V)) for j in range(d)] for r in range(B)]
    return P, G, gW, gb, gx


def reference(case):
    W, b, X, targets = case["W"], case["b"], case["X"], case["targets"]
    P, G, gW, gb, gx = gradients(W, b, X, targets)
    out = {"probs": P, "loss": loss_of(W, b, X, targets), "G": G, "gW": gW, "gb": gb, "gx": gx}
    out["prediction"] = [max(range(len(p)), key=lambda i: (p[i], -i)) for p in P]
    sgd = []
    W = [row[:] for row in W]
    b = b[:] if b is not None else None
    for step in range(case["steps"] + 1):
        _, P, _ = forward(W, b, X)
        p_target = sum(P[r][t] for r, t in enumerate(targets)) / len(targets)
        sgd.append((step, loss_of(W, b, X, targets), p_target))
        if step == case["steps"]:
            break
        _, _, gW_s, gb_s, _ = gradients(W, b, X, targets)
        W = [[w - case["lr"] * g for w, g in zip(wr, gr)] for wr, gr in zip(W, gW_s)]
        if b is not None:
            b = [v - case["lr"] * g for v, g in zip(b, gb_s)]
    out["sgd"] = sgd
    return out


class Checker:
    def __init__(self, name):
        self.name = name
        self.errors = []
        self.compared = 0

    def close(self, what, got, want, tol):
        self.compared += 1
        if not (isinstance(got, (int, float)) and math.isfinite(got)):
            self.errors.append(f"{self.name}: {what}: got {got!r}, want {want!r}")
        elif abs(got - want) > tol * max(1.0, abs(want)):
            self.errors.append(f"{self.name}: {what}: got {got!r}, want {want!r} "
                               f"(|diff| {abs(got - want):.3g} > {tol:g} * max(1, |want|))")

    def arrays(self, what, got, want, tol):
        if isinstance(want[0], list):
            if len(got) != len(want):
                self.errors.append(f"{self.name}: {what}: {len(got)} rows, want {len(want)}")
                return
            for r, (g, w) in enumerate(zip(got, want)):
                self.arrays(f"{what}[{r}]", g, w, tol)
            return
        if len(got) != len(want):
            self.errors.append(f"{self.name}: {what}: {len(got)} numbers, want {len(want)}")
            return
        for i, (g, w) in enumerate(zip(got, want)):
            self.close(f"{what}[{i}]", g, w, tol)

    def equal(self, what, got, want):
        self.compared += 1
        if got != want:
            self.errors.append(f"{self.name}: {what}: got {got!r}, want {want!r}")


def max_abs_diff(a, b):
    flat_a = [v for row in a for v in (row if isinstance(row, list) else [row])]
    flat_b = [v for row in b for v in (row if isinstance(row, list) else [row])]
    return max(abs(u - v) for u, v in zip(flat_a, flat_b))


def compare(name, result, case):
    ref = reference(case)
    c = Checker(name)
    has_bias = case["b"] is not None
    c.equal("fields", list(result), ["probs", "loss", "prediction", "grads", "max_abs_diff", "sgd"])
    c.equal("grads fields", list(result["grads"]),
            ["W"] + (["b"] if has_bias else []) + ["x", "logits"])
    c.arrays("probs", result["probs"], ref["probs"], TOLERANCE)
    c.close("loss", result["loss"], ref["loss"], TOLERANCE)
    want_pred = []
    for k in ref["prediction"]:
        entry = {"index": k}
        if case["vocab"] is not None:
            entry.update(case["vocab"][k])
        want_pred.append(entry)
    c.equal("prediction", result["prediction"], want_pred)
    grads = result["grads"]
    expected = {"W": ref["gW"], "x": ref["gx"], "logits": ref["G"]}
    if has_bias:
        expected["b"] = ref["gb"]
    for key, want in expected.items():
        for way in ("autodiff", "closed_form"):
            c.arrays(f"grads.{key}.{way}", grads[key][way], want, TOLERANCE)
    c.arrays("grads.W.finite_difference", grads["W"]["finite_difference"], ref["gW"],
             FD_TOLERANCE * max(1.0, abs(ref["loss"])))
    # The reported maxima must be what the printed arrays say (numbers round-trip exactly).
    diffs = [max_abs_diff(grads[k]["autodiff"], grads[k]["closed_form"]) for k in expected]
    c.equal("max_abs_diff.autodiff_vs_closed_form",
            result["max_abs_diff"]["autodiff_vs_closed_form"], max(diffs))
    c.equal("max_abs_diff.autodiff_vs_finite_difference",
            result["max_abs_diff"]["autodiff_vs_finite_difference"],
            max_abs_diff(grads["W"]["autodiff"], grads["W"]["finite_difference"]))
    c.equal("sgd entries", len(result["sgd"]), case["steps"] + 1)
    for entry, (step, loss, p_target) in zip(result["sgd"], ref["sgd"]):
        c.equal(f"sgd[{step}].step", entry["step"], step)
        c.close(f"sgd[{step}].loss", entry["loss"], loss, TOLERANCE)
        c.close(f"sgd[{step}].p_target", entry["p_target"], p_target, TOLERANCE)
    return c


def run(binary, args):
    proc = subprocess.run([binary, "--json", "--no-plots"] + args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit status {proc.returncode}: {proc.stderr.strip()}")
    return json.loads(proc.stdout)


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    binary, rest = argv[1], argv[2:]
    checks = []
    if rest[0] == "--builtin":
        checks.append(compare("built-in Bsp. 1", run(binary, []), read_case(rest[1])))
    else:
        for path in rest:
            checks.append(compare(path, run(binary, ["--case", path]), read_case(path)))
    errors = [e for c in checks for e in c.errors]
    for e in errors:
        print(e)
    for c in checks:
        print(f"{c.name}: {c.compared} comparisons, {len(c.errors)} disagreements")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Helpers for the checkers in kinds_*.py: JSON arrays to torch tensors, and comparisons.

A checker gets one case (the dict torch_cases wrote) and returns a list of comparisons,
    compare(label, tapegrad_value, torch_value, tol=TOL)
where tapegrad_value is the JSON the program wrote (an array object {"shape", "data"}, a
number, or "nan"/"inf"/"-inf") and torch_value a torch tensor (it must be float64) or a float.
check_torch.py computes the error of each comparison (see error()) and fails a case when any
error exceeds its tolerance. A kinds module may list in BITWISE_KINDS the kinds whose tapegrad
code follows torch's arithmetic operation by operation; check_torch.py --bitwise requires those
to match torch's portable kernels exactly.
"""

import math

import torch

# float64 results that follow the same formula in another order of rounding (BLAS blocking,
# vectorized sums, a fused multiply-add) differ by a few ulps of the largest value involved;
# 1e-12 relative to the largest value of the quantity is ~4500 ulps: room for accumulation
# over 10 optimizer steps, yet any real mistake (a wrong term, a missing 1/B) is off by
# orders of magnitude more.
TOL = 1e-12


def number(x):
    """A number as torch_cases writes it: a JSON number or "nan", "inf", "-inf"."""
    if isinstance(x, str):
        return float(x)
    return float(x)


def tensor(j, requires_grad=False):
    """A float64 tensor from {"shape": [...], "data": [...]}."""
    t = torch.tensor([number(x) for x in j["data"]], dtype=torch.float64).reshape(j["shape"])
    return t.requires_grad_(requires_grad)


class Comparison:
    def __init__(self, label, tapegrad, reference, tol):
        self.label = label
        self.tapegrad = tapegrad
        self.reference = reference
        self.tol = tol


def compare(label, tapegrad_value, torch_value, tol=TOL):
    """A comparison of the values as they are now: a tensor is copied (an optimizer changes its
    parameters and moments in place at the next step)."""
    if isinstance(torch_value, torch.Tensor):
        torch_value = torch_value.detach().clone()
    return Comparison(label, tapegrad_value, torch_value, tol)


def _flatten_tapegrad(v):
    if isinstance(v, dict):
        return list(v["shape"]), [number(x) for x in v["data"]]
    if isinstance(v, list):
        return [len(v)], [number(x) for x in v]
    return [], [number(v)]


def _flatten_reference(v):
    if isinstance(v, torch.Tensor):
        if v.dtype != torch.float64:
            raise TypeError("the torch value is %s, not float64" % v.dtype)
        return list(v.shape), v.detach().reshape(-1).tolist()
    if isinstance(v, list):
        return [len(v)], [float(x) for x in v]
    return [], [float(v)]


def error(comparison):
    """max_i |a_i - b_i| / max_j |b_j| over the finite reference values b (tapegrad a).

    Relative to the quantity's largest magnitude: for arrays of O(1) numbers this is the usual
    |a - b| <= tol * max(1, |b|); for small ones (second moments ~1e-4) it stays relative.
    NaN and infinities must appear at the same places with the same sign, else the error is
    inf; a shape mismatch is an error too (raises ValueError).
    """
    shape_a, a = _flatten_tapegrad(comparison.tapegrad)
    shape_b, b = _flatten_reference(comparison.reference)
    if shape_a != shape_b:
        raise ValueError("%s: tapegrad shape %s, torch shape %s" % (comparison.label, shape_a,
                                                                    shape_b))
    scale = max((abs(y) for y in b if math.isfinite(y)), default=0.0)
    worst = 0.0
    for x, y in zip(a, b):
        if math.isnan(x) or math.isnan(y):
            if not (math.isnan(x) and math.isnan(y)):
                return math.inf
            continue
        if math.isinf(x) or math.isinf(y):
            if x != y:
                return math.inf
            continue
        d = abs(x - y)
        if d == 0.0:
            continue
        worst = max(worst, d / scale if scale > 0.0 else math.inf)
    return worst

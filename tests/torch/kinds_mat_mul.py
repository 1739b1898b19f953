"""MatMul: C = op(A) op(B) (torch.matmul, transposes of the last two axes)."""

import torch

from op_reference import check_op


def mat_mul(x, config):
    A = x["A"].transpose(-2, -1) if config["transpose_a"] else x["A"]
    B = x["B"].transpose(-2, -1) if config["transpose_b"] else x["B"]
    return torch.matmul(A, B)


KINDS = {"mat_mul": lambda case: check_op(case, ["A", "B"], mat_mul)}

"""Transpose: y = x.transpose(axis0, axis1)."""

from op_reference import check_op

KINDS = {"transpose": lambda case: check_op(
    case, ["x"], lambda x, c: x["x"].transpose(c["axis0"], c["axis1"]))}

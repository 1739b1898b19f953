"""Slice: y = x[..., begin:end]."""

from op_reference import check_op

KINDS = {"slice": lambda case: check_op(
    case, ["x"], lambda x, c: x["x"][..., c["begin"]:c["end"]])}

"""Reshape: y = x.reshape(shape)."""

from op_reference import check_op

KINDS = {"reshape": lambda case: check_op(case, ["x"], lambda x, c: x["x"].reshape(c["shape"]))}

"""MeanAxis: y = x.mean(dim=axis)."""

from op_reference import check_op

KINDS = {"mean_axis": lambda case: check_op(case, ["x"], lambda x, c: x["x"].mean(dim=c["axis"]))}

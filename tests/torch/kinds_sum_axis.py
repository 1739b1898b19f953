"""SumAxis: y = x.sum(dim=axis)."""

from op_reference import check_op

KINDS = {"sum_axis": lambda case: check_op(case, ["x"], lambda x, c: x["x"].sum(dim=c["axis"]))}

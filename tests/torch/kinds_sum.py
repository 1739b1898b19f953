"""Sum: L = x.sum()."""

from op_reference import check_op

KINDS = {"sum": lambda case: check_op(case, ["x"], lambda x, c: x["x"].sum())}

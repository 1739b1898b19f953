"""Mean: L = x.mean()."""

from op_reference import check_op

KINDS = {"mean": lambda case: check_op(case, ["x"], lambda x, c: x["x"].mean())}

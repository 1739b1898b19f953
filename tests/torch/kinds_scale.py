"""Scale: y = c * x."""

from op_reference import check_op

KINDS = {"scale": lambda case: check_op(case, ["x"], lambda x, c: c["c"] * x["x"])}

"""AddBias: y = x + b, b broadcast over the leading axes."""

from op_reference import check_op

KINDS = {"add_bias": lambda case: check_op(case, ["x", "b"], lambda x, c: x["x"] + x["b"])}

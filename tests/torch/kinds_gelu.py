"""GELU in the tanh form: torch.nn.functional.gelu(x, approximate="tanh"), and dL/dx of
sum(w y)."""

import torch

from torch_reference import compare, tensor


def check_gelu(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    y = torch.nn.functional.gelu(x, approximate="tanh")
    (tensor(i["w"]) * y).sum().backward()
    return [compare("y", r["y"], y), compare("grad_x", r["grad_x"], x.grad)]


KINDS = {"gelu": check_gelu}

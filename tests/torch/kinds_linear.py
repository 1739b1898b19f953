"""Linear: z = x W^T + b (torch.nn.functional.linear); L = sum(w z); dL/dx, dL/dW, dL/db."""

import torch

from torch_reference import compare, number, tensor


def check_linear(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    W = tensor(i["W"], requires_grad=True)
    b = tensor(i["b"], requires_grad=True) if "b" in i else None
    w = tensor(i["w"])
    z = torch.nn.functional.linear(x, W, b)
    loss = (w * z).sum()
    loss.backward()
    out = [compare("z", r["z"], z), compare("loss", r["loss"], loss),
           compare("grad_x", r["grad_x"], x.grad), compare("grad_W", r["grad_W"], W.grad)]
    if b is not None:
        out.append(compare("grad_b", r["grad_b"], b.grad))
    return out


KINDS = {"linear": check_linear}

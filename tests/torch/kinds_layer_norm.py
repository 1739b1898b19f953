"""LayerNorm: y = F.layer_norm(x, (C,), gamma, beta, eps), and the gradients of sum(w y)."""

import torch

from torch_reference import compare, tensor


def check_layer_norm(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    gamma = tensor(i["gamma"], requires_grad=True)
    beta = tensor(i["beta"], requires_grad=True)
    y = torch.nn.functional.layer_norm(x, (x.shape[-1],), gamma, beta, float(i["eps"]))
    (tensor(i["w"]) * y).sum().backward()
    return [compare("y", r["y"], y), compare("grad_x", r["grad_x"], x.grad),
            compare("grad_gamma", r["grad_gamma"], gamma.grad),
            compare("grad_beta", r["grad_beta"], beta.grad)]


KINDS = {"layer_norm": check_layer_norm}

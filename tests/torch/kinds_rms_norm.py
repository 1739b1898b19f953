"""RMSNorm (torch 1.13 has none): LLaMA's x * rsqrt(mean(x^2, -1) + eps) * gamma, and the
gradients of sum(w y) by autograd."""

import torch

from torch_reference import compare, tensor


def check_rms_norm(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    gamma = tensor(i["gamma"], requires_grad=True)
    y = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + float(i["eps"])) * gamma
    (tensor(i["w"]) * y).sum().backward()
    return [compare("y", r["y"], y), compare("grad_x", r["grad_x"], x.grad),
            compare("grad_gamma", r["grad_gamma"], gamma.grad)]


KINDS = {"rms_norm": check_rms_norm}

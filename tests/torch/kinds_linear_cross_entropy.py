"""LinearCrossEntropy: L = F.cross_entropy(F.linear(x, W, b), targets, ignore_index=-100)
over the rows of x [..., d] (mean over the rows not ignored); dL/dx, dL/dW, dL/db."""

import torch

from torch_reference import compare, tensor


def check_linear_cross_entropy(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    W = tensor(i["W"], requires_grad=True)
    b = tensor(i["b"], requires_grad=True)
    targets = torch.tensor(i["targets"], dtype=torch.long)
    z = torch.nn.functional.linear(x, W, b)
    loss = torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), targets,
                                             ignore_index=-100)  # reduction="mean"
    loss.backward()
    return [compare("loss", r["loss"], loss), compare("grad_x", r["grad_x"], x.grad),
            compare("grad_W", r["grad_W"], W.grad), compare("grad_b", r["grad_b"], b.grad)]


KINDS = {"linear_cross_entropy": check_linear_cross_entropy}

"""SoftmaxCrossEntropy: L = mean_r -log softmax(z)[r, t_r] (torch.nn.functional.cross_entropy)
and dL/dz."""

import torch

from torch_reference import compare, tensor


def check_softmax_cross_entropy(case):
    i, r = case["inputs"], case["results"]
    z = tensor(i["z"], requires_grad=True)
    targets = torch.tensor(i["targets"], dtype=torch.long)
    loss = torch.nn.functional.cross_entropy(z, targets)  # reduction="mean"
    loss.backward()
    return [compare("loss", r["loss"], loss), compare("grad_z", r["grad_z"], z.grad)]


KINDS = {"softmax_cross_entropy": check_softmax_cross_entropy}

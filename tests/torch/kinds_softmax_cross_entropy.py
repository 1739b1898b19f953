"""SoftmaxCrossEntropy: L = mean_r -log softmax(z)[r, t_r] over the rows not ignored
(torch.nn.functional.cross_entropy with ignore_index) and dL/dz, logits of any rank."""

import torch

from torch_reference import compare, tensor


def check_softmax_cross_entropy(case):
    i, r = case["inputs"], case["results"]
    z = tensor(i["z"], requires_grad=True)
    targets = torch.tensor(i["targets"], dtype=torch.long)
    ignore_index = i.get("ignore_index", -100)
    # Any rank: the positions are the rows of [-1, V] (torch wants classes in dim 1).
    loss = torch.nn.functional.cross_entropy(z.reshape(-1, z.shape[-1]), targets,
                                             ignore_index=ignore_index)  # reduction="mean"
    loss.backward()
    return [compare("loss", r["loss"], loss), compare("grad_z", r["grad_z"], z.grad)]


KINDS = {"softmax_cross_entropy": check_softmax_cross_entropy}

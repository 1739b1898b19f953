"""LayerNorm -> fc1 -> GELU (tanh) -> fc2 (GPT-2's MLP with its pre-norm) from torch.nn modules,
parameters loaded by state_dict name; y and the gradients of sum(w y)."""

import torch

from torch_reference import compare, tensor


class Block(torch.nn.Module):
    def __init__(self, C):
        super().__init__()
        self.ln_2 = torch.nn.LayerNorm(C)  # eps 1e-5
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(C, 4 * C)
        self.mlp.fc2 = torch.nn.Linear(4 * C, C)

    def forward(self, x):
        h = self.mlp.fc1(self.ln_2(x))
        return self.mlp.fc2(torch.nn.functional.gelu(h, approximate="tanh"))


def check_mlp(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    block = Block(x.shape[-1]).double()
    state = {name: tensor(value) for name, value in i["state"].items()}
    block.load_state_dict(state, strict=True)  # the names must be torch's, all of them
    y = block(x)
    (tensor(i["w"]) * y).sum().backward()
    params = dict(block.named_parameters())
    out = [compare("y", r["y"], y), compare("grad_x", r["grad_x"], x.grad)]
    if i["names"] != list(params):  # parameters() lists them in torch's order
        raise ValueError(f"parameter order {i['names']} differs from torch's {list(params)}")
    for name in i["names"]:
        out.append(compare("grad " + name, r["grads"][name], params[name].grad))
    return out


KINDS = {"mlp": check_mlp}

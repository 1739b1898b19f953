"""A pre-LN decoder block as nanoGPT's Block without dropout, from torch.nn modules, parameters
loaded by state_dict name (strict); y and the gradients of sum(w y)."""

import math

import torch

from torch_reference import compare, tensor


class Attention(torch.nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.qkv = torch.nn.Linear(C, 3 * C)
        self.proj = torch.nn.Linear(C, C)

    def forward(self, x):
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v))
        s = (q @ k.transpose(-2, -1)) / math.sqrt(C // self.H)
        mask = torch.ones(T, T, dtype=torch.bool).tril()
        p = torch.softmax(s.masked_fill(~mask, float("-inf")), dim=-1)
        return self.proj((p @ v).transpose(1, 2).reshape(B, T, C))


class Block(torch.nn.Module):
    def __init__(self, C, H):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(C)  # eps 1e-5
        self.attn = Attention(C, H)
        self.ln2 = torch.nn.LayerNorm(C)
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(C, 4 * C)
        self.mlp.fc2 = torch.nn.Linear(4 * C, C)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        h = torch.nn.functional.gelu(self.mlp.fc1(self.ln2(x)), approximate="tanh")
        return x + self.mlp.fc2(h)


class Model(torch.nn.Module):  # gives the names their "blocks.0." prefix
    def __init__(self, C, H):
        super().__init__()
        self.blocks = torch.nn.ModuleList([Block(C, H)])


def check_decoder_block(case):
    i, r = case["inputs"], case["results"]
    x = tensor(i["x"], requires_grad=True)
    model = Model(x.shape[-1], i["H"]).double()
    state = {name: tensor(value) for name, value in i["state"].items()}
    model.load_state_dict(state, strict=True)  # the names must be torch's, all of them
    y = model.blocks[0](x)
    (tensor(i["w"]) * y).sum().backward()
    params = dict(model.named_parameters())
    out = [compare("y", r["y"], y), compare("grad_x", r["grad_x"], x.grad)]
    if i["names"] != list(params):  # parameters() lists them in torch's order
        raise ValueError(f"parameter order {i['names']} differs from torch's {list(params)}")
    for name in i["names"]:
        out.append(compare("grad " + name, r["grads"][name], params[name].grad))
    return out


KINDS = {"decoder_block": check_decoder_block}

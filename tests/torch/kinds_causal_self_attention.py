"""Causal self-attention built from torch ops as PyTorch decoders write it: q, k, v split,
heads by view/transpose, scores q k^T / sqrt(D), masked_fill(-inf) above the diagonal, softmax,
times v, heads merged; the layer adds the qkv and proj linear maps (state_dict names)."""

import math

import torch

from op_reference import check_op

NAMES = ["attn.qkv.weight", "attn.qkv.bias", "attn.proj.weight", "attn.proj.bias"]


def attention(qkv, H):
    B, T, C3 = qkv.shape
    C = C3 // 3
    D = C // H
    q, k, v = qkv.split(C, dim=2)
    q = q.view(B, T, H, D).transpose(1, 2)  # [B, H, T, D]
    k = k.view(B, T, H, D).transpose(1, 2)
    v = v.view(B, T, H, D).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))  # [B, H, T, T]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
    att = att.masked_fill(future, float("-inf")).softmax(dim=-1)
    y = att @ v  # [B, H, T, D]
    return y.transpose(1, 2).contiguous().view(B, T, C)


def layer(x, c):
    qkv = torch.nn.functional.linear(x["x"], x[NAMES[0]], x[NAMES[1]])
    return torch.nn.functional.linear(attention(qkv, c["H"]), x[NAMES[2]], x[NAMES[3]])


KINDS = {
    "causal_self_attention": lambda case: check_op(
        case, ["qkv"], lambda x, c: attention(x["qkv"], c["H"])),
    "causal_self_attention_layer": lambda case: check_op(case, ["x"] + NAMES, layer),
}

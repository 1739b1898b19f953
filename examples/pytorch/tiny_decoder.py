#!/usr/bin/python3
"""The tiny decoder (examples/tiny_decoder/lib/model.hpp) in PyTorch: the same architecture, the
same parameter names, so a tapegrad checkpoint loads into it and training can go on in torch.

    import tiny_decoder
    model, state, metadata, config = tiny_decoder.load("tiny_decoder_run/checkpoint.safetensors")
    h, logits, attention = model(torch.tensor([[331, 11, 28, 23, 19]]))   # [B, T] token ids

The model is float64 after load() (tapegrad's checkpoints are float64). TinyDecoder(V, C, L, H,
T_max) alone builds it untrained, with torch's own initialisation (not tapegrad's); init_()
gives it tapegrad's rule (normal(0, 0.02) matrices and embeddings, zero biases, LayerNorm
weights one), from torch's generator, so not tapegrad's numbers.

forward(idx) returns h [B, T, C] after ln_f, the logits [B, T, V] and each block's attention
probabilities [B, H, T, T]. Needs torch (Debian: python3-torch) and this folder's
tapegrad_safetensors.py.
"""
import math
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tapegrad_safetensors as ts  # noqa: E402


class Block(torch.nn.Module):
    """x = x + attn.proj(attention(ln1(x))); x = x + mlp.fc2(gelu_tanh(mlp.fc1(ln2(x))))."""

    def __init__(self, C, H):
        super().__init__()
        self.H = H
        self.ln1 = torch.nn.LayerNorm(C)
        self.attn = torch.nn.Module()
        self.attn.qkv = torch.nn.Linear(C, 3 * C)
        self.attn.proj = torch.nn.Linear(C, C)
        self.ln2 = torch.nn.LayerNorm(C)
        self.mlp = torch.nn.Module()
        self.mlp.fc1 = torch.nn.Linear(C, 4 * C)
        self.mlp.fc2 = torch.nn.Linear(4 * C, C)

    def attention(self, x, probs):
        B, T, C = x.shape
        D = C // self.H
        q, k, v = self.attn.qkv(x).split(C, dim=2)
        q, k, v = (t.view(B, T, self.H, D).transpose(1, 2) for t in (q, k, v))  # [B, H, T, D]
        s = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))
        mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
        p = F.softmax(s.masked_fill(mask, float("-inf")), dim=-1)
        probs.append(p)
        y = (p @ v).transpose(1, 2).reshape(B, T, C)
        return self.attn.proj(y)

    def forward(self, x, probs):
        x = x + self.attention(self.ln1(x), probs)
        return x + self.mlp.fc2(F.gelu(self.mlp.fc1(self.ln2(x)), approximate="tanh"))


class TinyDecoder(torch.nn.Module):
    def __init__(self, V, C, L, H, T_max):
        super().__init__()
        self.wte = torch.nn.Embedding(V, C)
        self.wpe = torch.nn.Embedding(T_max, C)
        self.blocks = torch.nn.ModuleList(Block(C, H) for _ in range(L))
        self.ln_f = torch.nn.LayerNorm(C)
        self.W_out = torch.nn.Parameter(torch.zeros(V, C))
        self.b_out = torch.nn.Parameter(torch.zeros(V))

    def init_(self):
        """tapegrad's initialisation rule (its distribution, not its numbers)."""
        with torch.no_grad():
            for name, p in self.named_parameters():
                if name.endswith("bias") or name == "b_out":
                    p.zero_()
                elif ".ln" in name or name.startswith("ln_f"):
                    p.fill_(1.0)
                else:
                    p.normal_(0.0, 0.02)
        return self

    def forward(self, idx):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        probs = []
        for b in self.blocks:
            x = b(x, probs)
        h = self.ln_f(x)
        return h, F.linear(h, self.W_out, self.b_out), probs


def load(path):
    """(model in float64, the checkpoint's tensors, its metadata, the config as a dict)."""
    state, meta = ts.load(path)
    cfg = {k: int(meta["config." + k]) for k in ("V", "C", "L", "H", "T_max")}
    model = TinyDecoder(**cfg).double()
    params = {k: v for k, v in state.items() if not k.startswith("optimizer.")}
    model.load_state_dict(params)
    return model, state, meta, cfg

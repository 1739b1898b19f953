"""CausalSoftmax: the scores above the diagonal set to -inf, then softmax over the last axis."""

import torch

from op_reference import check_op


def causal_softmax(S):
    T = S.shape[-1]
    future = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)  # j > i
    return S.masked_fill(future, float("-inf")).softmax(dim=-1)


KINDS = {"causal_softmax": lambda case: check_op(case, ["S"], lambda x, c: causal_softmax(x["S"]))}

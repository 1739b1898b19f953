"""Every op of ops/ from Python: against PyTorch in float64 (values and gradients) and against
central finite differences (gradcheck), one line per op (python/src/bind_ops.cpp)."""
import numpy as np
import pytest

import tapegrad as tg

rng = np.random.default_rng(2026)
TARGETS = [2, 0, 4, 1]
IDS = [3, 0, 3, 5]
SOFT_Y = rng.dirichlet(np.ones(5), size=4)


def torch_causal_softmax(torch, S):
    T = S.shape[-1]
    mask = torch.ones(T, T, dtype=torch.bool).triu(1)
    return torch.softmax(S.masked_fill(mask, float("-inf")), -1)


def torch_causal_attention(torch, qkv, H):
    B, T, C3 = qkv.shape
    C = C3 // 3
    q, k, v = (t.reshape(B, T, H, C // H).transpose(1, 2) for t in qkv.split(C, -1))
    P = torch_causal_softmax(torch, q @ k.transpose(-1, -2) / (C // H) ** 0.5)
    return (P @ v).transpose(1, 2).reshape(B, T, C)


def positive_rows(shape):
    p = rng.uniform(0.1, 1.0, size=shape)
    return p / p.sum(-1, keepdims=True)


# name, tapegrad op, the same in torch (F = torch.nn.functional), input arrays
CASES = [
    ("linear", lambda t, x, W, b: tg.linear(t, x, W, b), lambda T, F, x, W, b: F.linear(x, W, b),
     [(4, 3), (5, 3), (5,)]),
    ("linear without b", lambda t, x, W: tg.linear(t, x, W), lambda T, F, x, W: F.linear(x, W),
     [(4, 3), (5, 3)]),
    ("softmax", tg.softmax, lambda T, F, z: T.softmax(z, -1), [(4, 5)]),
    ("cross_entropy", lambda t, p: tg.cross_entropy(t, p, TARGETS),
     lambda T, F, p: F.nll_loss(T.log(p), T.tensor(TARGETS)), [positive_rows((4, 5))]),
    ("softmax_cross_entropy", lambda t, z: tg.softmax_cross_entropy(t, z, TARGETS),
     lambda T, F, z: F.cross_entropy(z, T.tensor(TARGETS)), [(4, 5)]),
    ("soft_target_cross_entropy", lambda t, z: tg.soft_target_cross_entropy(t, z, SOFT_Y),
     lambda T, F, z: F.cross_entropy(z, T.tensor(SOFT_Y)), [(4, 5)]),
    ("linear_cross_entropy", lambda t, x, W, b: tg.linear_cross_entropy(t, x, W, b, TARGETS),
     lambda T, F, x, W, b: F.cross_entropy(F.linear(x, W, b), T.tensor(TARGETS)),
     [(4, 3), (5, 3), (5,)]),
    ("add", tg.add, lambda T, F, a, b: a + b, [(3, 4), (3, 4)]),
    ("add_bias", tg.add_bias, lambda T, F, x, b: x + b, [(2, 3, 4), (4,)]),
    ("mul", tg.mul, lambda T, F, a, b: a * b, [(3, 4), (3, 4)]),
    ("scale", lambda t, x: tg.scale(t, x, -0.7), lambda T, F, x: -0.7 * x, [(3, 4)]),
    ("sum", tg.sum, lambda T, F, x: x.sum(), [(3, 4)]),
    ("mean", tg.mean, lambda T, F, x: x.mean(), [(3, 4)]),
    ("sum_axis", lambda t, x: tg.sum_axis(t, x, 1), lambda T, F, x: x.sum(1), [(2, 3, 4)]),
    ("mean_axis", lambda t, x: tg.mean_axis(t, x, 0), lambda T, F, x: x.mean(0), [(2, 3, 4)]),
    ("reshape", lambda t, x: tg.reshape(t, x, [4, 6]), lambda T, F, x: x.reshape(4, 6),
     [(2, 3, 4)]),
    ("transpose", lambda t, x: tg.transpose(t, x, 0, 2), lambda T, F, x: x.transpose(0, 2),
     [(2, 3, 4)]),
    ("slice", lambda t, x: tg.slice(t, x, 1, 3), lambda T, F, x: x[..., 1:3], [(2, 3, 4)]),
    ("mat_mul", lambda t, A, B: tg.mat_mul(t, A, B, False, True),
     lambda T, F, A, B: A @ B.T, [(3, 4), (5, 4)]),
    ("relu", tg.relu, lambda T, F, x: T.relu(x), [(3, 4)]),
    ("sigmoid", tg.sigmoid, lambda T, F, x: T.sigmoid(x), [(3, 4)]),
    ("tanh", tg.tanh, lambda T, F, x: T.tanh(x), [(3, 4)]),
    ("gelu", tg.gelu, lambda T, F, x: F.gelu(x, approximate="tanh"), [(3, 4)]),
    ("layer_norm", tg.layer_norm, lambda T, F, x, g, b: F.layer_norm(x, (4,), g, b, 1e-5),
     [(3, 4), (4,), (4,)]),
    ("rms_norm", tg.rms_norm,
     lambda T, F, x, g: x * T.rsqrt((x * x).mean(-1, keepdim=True) + 1e-6) * g, [(3, 4), (4,)]),
    ("embedding", lambda t, W: tg.embedding(t, W, IDS),
     lambda T, F, W: F.embedding(T.tensor(IDS), W), [(6, 3)]),
    ("causal_softmax", tg.causal_softmax, lambda T, F, S: torch_causal_softmax(T, S),
     [(2, 3, 3)]),
    ("causal_attention", lambda t, qkv: tg.causal_attention(t, qkv, 2),
     lambda T, F, qkv: torch_causal_attention(T, qkv, 2), [(2, 3, 12)]),
    ("causal_self_attention", lambda t, qkv: tg.causal_self_attention(t, qkv, 2),
     lambda T, F, qkv: torch_causal_attention(T, qkv, 2), [(2, 3, 12)]),
    ("split_heads", lambda t, x: tg.split_heads(t, x, 2),
     lambda T, F, x: x.reshape(2, 3, 2, 2).transpose(1, 2), [(2, 3, 4)]),
    ("merge_heads", tg.merge_heads, lambda T, F, y: y.transpose(1, 2).reshape(2, 3, 4),
     [(2, 2, 3, 2)]),
]
INPUTS = {name: [a if isinstance(a, np.ndarray) else rng.normal(size=a) for a in shapes]
          for name, _, _, shapes in CASES}


def run_tapegrad(op, arrays, weights):
    """y = op(inputs); L = sum(w * y); returns y and dL/d(each input)."""
    tape = tg.Tape()
    xs = [tg.Tensor.parameter(a, f"x{i}") for i, a in enumerate(arrays)]
    y = op(tape, *xs)
    L = tg.sum(tape, tg.mul(tape, y, tg.Tensor(weights(y.shape))))
    tape.backward(L)
    return y.value, [x.grad for x in xs]


@pytest.mark.torch
@pytest.mark.parametrize("name, op, torch_op, shapes", CASES, ids=[c[0] for c in CASES])
def test_matches_pytorch_in_float64(torch, name, op, torch_op, shapes):
    arrays = INPUTS[name]
    w = {}

    def weights(shape):
        w["w"] = np.random.default_rng(7).uniform(0.5, 1.5, size=shape)
        return w["w"]

    y, grads = run_tapegrad(op, arrays, weights)
    xs = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays]
    y_ref = torch_op(torch, torch.nn.functional, *xs)
    (y_ref * torch.tensor(w["w"])).sum().backward()
    np.testing.assert_allclose(y, y_ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    for g, x in zip(grads, xs):
        np.testing.assert_allclose(g, x.grad.numpy(), rtol=1e-10, atol=1e-13)


# dL/dx of a sum or a mean is the same for every element, which gradcheck rightly calls
# inconclusive (a backward that swapped elements would pass); check them after x * x.
CHECKED_AFTER_SQUARE = {"sum", "mean"}


@pytest.mark.parametrize("name, op, torch_op, shapes", CASES, ids=[c[0] for c in CASES])
def test_passes_gradcheck(name, op, torch_op, shapes):
    if name in CHECKED_AFTER_SQUARE:
        report = tg.gradcheck(lambda tape, xs: op(tape, tg.mul(tape, xs[0], xs[0])), INPUTS[name])
        assert report.passed, report.summary()
        assert tg.gradcheck(lambda tape, xs: op(tape, *xs), INPUTS[name]).inconclusive
        return
    report = tg.gradcheck(lambda tape, xs: op(tape, *xs), INPUTS[name])
    assert report.passed, report.summary()


def test_every_op_of_ops_is_bound():
    import pathlib
    import re
    ops_dir = pathlib.Path(__file__).resolve().parents[2] / "ops"
    functions = set()
    for header in ops_dir.rglob("*.hpp"):
        functions.update(re.findall(r"^(?:inline )?Tensor (\w+)\(\s*Tape& tape",
                                    header.read_text(), re.M))
    assert len(functions) >= 30, sorted(functions)
    assert sorted(f for f in functions if not hasattr(tg, f)) == []

"""Layers, optimizers and clipping from Python (python/src/bind_layers.cpp)."""
import numpy as np
import pytest

import tapegrad as tg


def test_linear_layer_owns_named_parameters_and_computes_x_W_T_plus_b():
    layer = tg.LinearLayer("fc", 3, 2, tg.Random(5))
    params = layer.parameters()
    assert list(params) == ["fc.weight", "fc.bias"]
    assert params["fc.weight"].shape == (2, 3) and params["fc.bias"].shape == (2,)
    x = np.array([[1.0, -2.0, 0.5]])
    tape = tg.Tape()
    z = layer(tape, tg.Tensor(x))
    np.testing.assert_allclose(z.value, x @ layer.weight.value.T + layer.bias.value, atol=1e-15)
    assert tg.LinearLayer("p", 3, 2, tg.Random(5), bias=False).bias is None


def test_the_same_seed_gives_the_same_layer():
    a = tg.DecoderBlock("blocks.0", 8, 2, tg.Random(3)).parameters()
    b = tg.DecoderBlock("blocks.0", 8, 2, tg.Random(3)).parameters()
    assert len(a) == 12 and list(a) == list(b)
    for name in a:
        np.testing.assert_array_equal(a[name].value, b[name].value)


@pytest.mark.parametrize("make", [
    lambda rng: tg.LayerNormLayer("ln", 8),
    lambda rng: tg.Mlp("mlp", 8, rng),
    lambda rng: tg.CausalSelfAttention("attn", 8, 2, rng),
    lambda rng: tg.DecoderBlock("block", 8, 2, rng),
], ids=["LayerNormLayer", "Mlp", "CausalSelfAttention", "DecoderBlock"])
def test_layers_pass_gradcheck_in_their_input(make):
    layer = make(tg.Random(11))
    x = np.random.default_rng(4).normal(size=(2, 3, 8))
    report = tg.gradcheck(lambda tape, xs: layer(tape, xs[0]), [x])
    assert report.passed, report.summary()


def test_sgd_step_is_p_minus_lr_grad():
    W = tg.Tensor.parameter(np.array([[1.0, 2.0]]), "W")
    W.set_grad(np.array([[0.5, -1.0]]))
    opt = tg.SGD([W], lr=0.1)
    opt.step()
    np.testing.assert_array_equal(W.value, [[1.0 - 0.1 * 0.5, 2.0 + 0.1 * 1.0]])
    opt.zero_grad()
    assert not W.has_grad
    with pytest.raises(ValueError):
        tg.SGD([W], lr=-1.0)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["Adam", "AdamW"])
def test_adam_and_adamw_follow_pytorch(torch, name):
    rng = np.random.default_rng(9)
    W0, grads = rng.normal(size=(3, 4)), [rng.normal(size=(3, 4)) for _ in range(3)]
    W = tg.Tensor.parameter(W0, "W")
    opt = getattr(tg, name)({"W": W}, lr=0.01, betas=(0.9, 0.99), weight_decay=0.1)
    W_ref = torch.tensor(W0, requires_grad=True)
    opt_ref = getattr(torch.optim, name)([W_ref], lr=0.01, betas=(0.9, 0.99), weight_decay=0.1)
    for g in grads:
        W.set_grad(g)
        opt.step()
        W_ref.grad = torch.tensor(g)
        opt_ref.step()
    # tapegrad follows torch's portable kernels bit for bit; torch's AVX2 kernels, which run
    # here, fuse two multiply-adds and differ by an ulp or so (engine/optim/adamw.hpp).
    np.testing.assert_allclose(W.value, W_ref.detach().numpy(), rtol=1e-12, atol=0)
    assert opt.step_count == 3
    assert list(opt.state()) == ["exp_avg.W", "exp_avg_sq.W"]


@pytest.mark.torch
def test_clip_grad_norm_matches_pytorch(torch):
    g1, g2 = np.array([3.0, 4.0]), np.array([[12.0]])
    a, b = tg.Tensor.parameter(np.zeros(2), "a"), tg.Tensor.parameter(np.zeros((1, 1)), "b")
    a.set_grad(g1)
    b.set_grad(g2)
    norm = tg.clip_grad_norm([a, b], 1.0)
    ta, tb = torch.zeros(2, dtype=torch.float64), torch.zeros(1, 1, dtype=torch.float64)
    ta.grad, tb.grad = torch.tensor(g1), torch.tensor(g2)
    ref = torch.nn.utils.clip_grad_norm_([ta, tb], 1.0)
    assert norm == 13.0 == ref.item()
    np.testing.assert_array_equal(a.grad, ta.grad.numpy())
    np.testing.assert_array_equal(b.grad, tb.grad.numpy())


def test_optimizers_refuse_what_is_not_a_parameter_list():
    with pytest.raises(TypeError, match="AdamW"):
        tg.AdamW("W")
    with pytest.raises(TypeError, match=r"SGD\[0\] must be a tapegrad.Tensor"):
        tg.SGD([np.zeros(2)], lr=0.1)

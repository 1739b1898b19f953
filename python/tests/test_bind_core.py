"""Tensor, Tape, no_grad, check_finite and the errors (python/src/bind_core.cpp)."""
import numpy as np
import pytest

import tapegrad as tg
from conftest import BSP1_SLIDE_GRAD_W, BSP1_X, BSP1_Z, w_out_from_logits


def card_graph():
    """The card's three nodes on Bsp. 1: Linear -> Softmax -> CrossEntropy."""
    tape = tg.Tape()
    x = tg.Tensor(BSP1_X[None, :], name="x")
    W = tg.Tensor.parameter(w_out_from_logits(BSP1_Z, BSP1_X), "W_out")
    z = tg.linear(tape, x, W)
    p = tg.softmax(tape, z)
    L = tg.cross_entropy(tape, p, [0])
    return tape, x, W, z, p, L


def test_card_graph_gives_the_closed_form_and_the_slide():
    tape, x, W, z, p, L = card_graph()
    assert tape.ops == ["Linear", "Softmax", "CrossEntropy"]
    tape.backward(L)
    y = np.array([1.0, 0.0, 0.0])
    closed_form = np.outer(p.value[0] - y, BSP1_X)  # (p - y) x^T
    np.testing.assert_allclose(z.value[0], BSP1_Z, rtol=0, atol=1e-15)
    assert np.max(np.abs(W.grad - closed_form)) <= 1e-15
    # The slide multiplies its p rounded to 4 decimals by x, then rounds again: its numbers
    # are that, and within 1.5 * 0.5e-4 (p's rounding times |x| <= 1.5) + 0.5e-4 of the tape's.
    slide_p = np.array([0.6590, 0.2424, 0.0986])
    np.testing.assert_array_equal(np.round(np.outer(slide_p - y, BSP1_X), 4), BSP1_SLIDE_GRAD_W)
    assert np.max(np.abs(W.grad - BSP1_SLIDE_GRAD_W)) <= 1.5 * 0.5e-4 + 0.5e-4
    assert L.item() == pytest.approx(-np.log(p.value[0, 0]), abs=1e-15)


def test_setting_a_value_keeps_its_shape():
    W = tg.Tensor.parameter(np.zeros((2, 3)), "W")
    W.value = np.ones((2, 3))
    assert W.value.sum() == 6.0
    with pytest.raises(ValueError, match=r"'W'.*\[3, 2\].*\[2, 3\]"):
        W.value = np.ones((3, 2))


def test_gradient_lifetime_follows_pytorch():
    tape, x, W, z, p, L = card_graph()
    with pytest.raises(tg.TapeError, match="W_out"):
        W.grad  # no pass has reached it yet
    p.retain_grad()
    tape.backward(L)
    assert p.has_grad and W.has_grad
    with pytest.raises(tg.TapeError, match="retain_grad"):
        z.grad  # an op's output that was not retained: released
    with pytest.raises(tg.TapeError, match="requires no gradient|does not require"):
        x.grad
    first = W.grad
    tape.backward(L)  # a leaf accumulates over passes
    np.testing.assert_allclose(W.grad, 2 * first, rtol=0, atol=1e-15)
    W.zero_grad()
    assert not W.has_grad


def test_no_grad_records_nothing_and_restores_recording():
    tape = tg.Tape()
    W = tg.Tensor.parameter(np.eye(2), "W")
    with tg.no_grad(tape):
        z = tg.linear(tape, tg.Tensor([[1.0, 2.0]]), W)
        assert not tape.recording
    assert tape.recording and len(tape) == 0
    np.testing.assert_array_equal(z.value, [[1.0, 2.0]])
    with pytest.raises(RuntimeError):
        with tg.no_grad(tape):
            raise RuntimeError("inside")
    assert tape.recording


def test_check_finite_names_the_op():
    tape = tg.Tape()
    tape.check_finite()
    x = tg.Tensor([[np.inf, 1.0]])
    W = tg.Tensor.parameter(np.array([[1.0, -1.0]]), "W")
    with pytest.raises(tg.NonFiniteError, match="Linear"):
        tg.linear(tape, tg.linear(tape, x, W), tg.Tensor.parameter(np.zeros((1, 1)), "V"))
    assert issubclass(tg.NonFiniteError, FloatingPointError)
    tape.check_finite(False)
    tg.linear(tape, x, W)  # no check: inf - inf = NaN passes


def test_bad_input_is_a_python_exception():
    tape = tg.Tape()
    x = tg.Tensor(np.ones((2, 3)))
    W = tg.Tensor.parameter(np.ones((4, 2)), "W")
    with pytest.raises(ValueError, match=r"Linear.*\[2, 3\].*\[4, 2\]"):
        tg.linear(tape, x, W)
    with pytest.raises(TypeError):
        tg.linear(tape, np.ones((2, 3)), W)  # an array is not a Tensor
    with pytest.raises(ValueError, match="CrossEntropy"):
        tg.cross_entropy(tape, tg.Tensor.parameter(np.full((1, 3), 1 / 3), "p"), [7])
    with pytest.raises(ValueError):
        tg.Tensor(3.0).item() + tg.Tensor([1.0, 2.0]).item()


def test_repr_names_the_tensor():
    assert repr(tg.Tensor.parameter(np.zeros((2, 3)), "W_out")) == \
        "Tensor('W_out', shape=[2, 3], requires_grad=True)"

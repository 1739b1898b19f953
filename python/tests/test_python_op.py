"""Ops written in Python, recorded on the tape like C++ ops (python/src/python_op.hpp)."""
import numpy as np
import pytest

import tapegrad as tg


class Square:
    """y = x^2, dL/dx = 2 x dL/dy."""

    def forward(self, inputs):
        (x,) = inputs
        return x * x

    def backward(self, inputs, out, grad_out):
        (x,) = inputs
        return (2 * x * grad_out,)


class SiLU:
    """y = x sigmoid(x), dL/dx = (s + x s (1 - s)) dL/dy."""

    def forward(self, inputs):
        (x,) = inputs
        return x / (1 + np.exp(-x))

    def backward(self, inputs, out, grad_out):
        (x,) = inputs
        s = 1 / (1 + np.exp(-x))
        return grad_out * (s + x * s * (1 - s))  # one input: a bare array is fine


class Product:
    """y = a * b elementwise, two inputs."""
    name = "Product"

    def forward(self, inputs):
        a, b = inputs
        return a * b

    def backward(self, inputs, out, grad_out):
        a, b = inputs
        return grad_out * b, grad_out * a


def test_forward_and_backward_through_the_tape():
    tape = tg.Tape()
    x = tg.Tensor.parameter(np.array([[-1.0, 0.5, 2.0]]), "x")
    y = tape.apply(Square(), x)
    L = tg.sum(tape, y)
    assert tape.ops == ["Square", "Sum"]
    tape.backward(L)
    np.testing.assert_array_equal(y.value, [[1.0, 0.25, 4.0]])
    np.testing.assert_array_equal(x.grad, [[-2.0, 1.0, 4.0]])


def test_mixed_with_cpp_ops_gives_the_closed_form():
    rng = np.random.default_rng(1)
    x_value, W_value = rng.normal(size=(4, 3)), rng.normal(size=(5, 3))
    tape = tg.Tape()
    W = tg.Tensor.parameter(W_value, "W")
    h = tape.apply(SiLU(), tg.linear(tape, tg.Tensor(x_value), W))
    L = tg.softmax_cross_entropy(tape, h, [0, 1, 2, 3])
    tape.backward(L)
    a = x_value @ W_value.T
    s = 1 / (1 + np.exp(-a))
    z = a * s
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    y = np.eye(5)[[0, 1, 2, 3]]
    grad_a = (p - y) / 4 * (s + a * s * (1 - s))
    np.testing.assert_allclose(W.grad, grad_a.T @ x_value, rtol=1e-13, atol=1e-15)


def test_gradcheck_passes_a_right_backward_and_fails_a_wrong_one():
    x = np.array([[-1.3, 0.2, 0.7], [2.1, -0.4, 1.1]])
    assert tg.gradcheck_op(SiLU(), x).passed

    class WrongSiLU(SiLU):
        def backward(self, inputs, out, grad_out):
            (x,) = inputs
            return grad_out / (1 + np.exp(-x))  # forgot the x s (1 - s) term

    report = tg.gradcheck_op(WrongSiLU(), x)
    assert report.failed and not report.passed
    assert "failed" in report.summary()
    two = tg.gradcheck_op(Product(), x, x[::-1].copy())
    assert two.passed, two.summary()


def test_the_engine_checks_each_gradient_shape_and_names_the_op():
    class BadShape(Square):
        def backward(self, inputs, out, grad_out):
            return (np.ones((3, 2)),)

    tape = tg.Tape()
    x = tg.Tensor.parameter(np.ones((2, 3)), "x")
    L = tg.sum(tape, tape.apply(BadShape(), x))
    with pytest.raises(tg.TapeError, match=r"BadShape::backward.*\[3, 2\].*\[2, 3\]"):
        tape.backward(L)


def test_wrong_number_missing_gradient_and_exceptions_are_python_errors():
    class TwoForOne(Square):
        def backward(self, inputs, out, grad_out):
            return grad_out, grad_out

    class NoGradient(Square):
        def backward(self, inputs, out, grad_out):
            return (None,)

    class Raises(Square):
        def backward(self, inputs, out, grad_out):
            raise ZeroDivisionError("inside backward")

    for op, error, pattern in [(TwoForOne(), ValueError, "TwoForOne.backward returned 2 gradients for 1 input"),
                               (NoGradient(), tg.TapeError, "NoGradient::backward did not write"),
                               (Raises(), ZeroDivisionError, "inside backward")]:
        tape = tg.Tape()
        x = tg.Tensor.parameter(np.ones(3), "x")
        L = tg.sum(tape, tape.apply(op, x))
        with pytest.raises(error, match=pattern):
            tape.backward(L)


def test_bad_ops_and_bad_outputs_are_refused():
    x = tg.Tensor.parameter(np.ones(3), "x")
    tape = tg.Tape()

    class NoBackward:
        def forward(self, inputs):
            return inputs[0]

    class BoolOut(Square):
        def forward(self, inputs):
            return inputs[0] > 0

    with pytest.raises(TypeError, match="NoBackward has no method backward"):
        tape.apply(NoBackward(), x)
    with pytest.raises(TypeError, match="BoolOut.forward's result: dtype bool"):
        tape.apply(BoolOut(), x)
    with pytest.raises(ValueError, match="1 to 4 inputs, got 5"):
        tape.apply(Square(), x, x, x, x, x)
    with pytest.raises(TypeError, match="input 0 must be a tapegrad.Tensor"):
        tape.apply(Square(), np.ones(3))
    assert len(tape) == 0  # nothing recorded by a refused or failed forward


def test_same_tensor_twice_and_leaves_accumulate():
    tape = tg.Tape()
    x = tg.Tensor.parameter(np.array([1.0, -2.0, 3.0]), "x")
    L = tg.sum(tape, tape.apply(Product(), x, x))  # x * x
    tape.backward(L)
    np.testing.assert_array_equal(x.grad, [2.0, -4.0, 6.0])  # both contributions add
    tape.backward(L)
    np.testing.assert_array_equal(x.grad, [4.0, -8.0, 12.0])  # a leaf accumulates


def test_trains_a_small_model_through_a_python_op():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 4))
    targets = list((X[:, 0] > 0).astype(int))
    layer1 = tg.LinearLayer("fc1", 4, 8, tg.Random(1))
    layer2 = tg.LinearLayer("fc2", 8, 2, tg.Random(2))
    params = {**layer1.parameters(), **layer2.parameters()}
    opt = tg.SGD(params, lr=0.5)
    tape = tg.Tape()
    losses = []
    for _ in range(60):
        tape.rewind()
        h = tape.apply(SiLU(), layer1(tape, tg.Tensor(X)))
        L = tg.softmax_cross_entropy(tape, layer2(tape, h), targets)
        tape.backward(L)
        opt.step()
        opt.zero_grad()
        losses.append(L.item())
    assert losses[-1] < 0.5 * losses[0]


def test_trace_names_the_python_op():
    tape = tg.Tape()
    x = tg.Tensor.parameter(np.array([0.5]), "x")
    L = tg.sum(tape, tape.apply(Square(), x))
    assert "Square" in tg.trace_forward(tape)
    assert "Square" in tg.trace_backward(tape, L)
    assert "Square" in tg.to_dot(tape)


def test_trace_shows_the_formulas_an_op_states():
    class StatedSiLU(SiLU):
        forward_formula = "y = x sigmoid(x)"
        backward_formula = "dL/dx = dL/dy (s + x s (1 - s)),  s = sigmoid(x)"

    tape = tg.Tape()
    x = tg.Tensor.parameter(np.array([0.5, -1.0]), "x")
    L = tg.sum(tape, tape.apply(StatedSiLU(), x))
    assert "y = x sigmoid(x)" in tg.trace_forward(tape)
    assert "dL/dx = dL/dy (s + x s (1 - s))" in tg.trace_backward(tape, L)
    assert "y = x sigmoid(x)" in tg.to_dot(tape)

    tape = tg.Tape()  # none stated, or None: no formula line, as for a C++ op without one
    plain = tape.apply(SiLU(), x)
    SiLU.forward_formula = None
    try:
        tape.apply(SiLU(), plain)
    finally:
        del SiLU.forward_formula
    assert "sigmoid" not in tg.trace_forward(tape)


def test_a_formula_must_be_text():
    class NumberFormula(Square):
        forward_formula = 2

    x = tg.Tensor.parameter(np.array([0.5]), "x")
    with pytest.raises(TypeError, match="NumberFormula.forward_formula must be a str, got int"):
        tg.Tape().apply(NumberFormula(), x)

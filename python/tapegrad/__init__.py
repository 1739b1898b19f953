"""tapegrad from Python: the C++ engine's tensors, tape, ops and optimizers, with NumPy arrays.

    import numpy as np, tapegrad as tg
    tape = tg.Tape()
    x = tg.Tensor(np.array([[1.0, 2.0, 3.0]]))
    W = tg.Tensor.parameter(np.zeros((2, 3)), "W_out")
    z = tg.linear(tape, x, W)                  # z = x W^T
    p = tg.softmax(tape, z)                    # p = e^z / sum e^z
    L = tg.cross_entropy(tape, p, [0])         # L = -log p[target]
    tape.backward(L)
    W.grad                                     # dL/dW_out = (p - y) x^T, a NumPy array

Arrays cross between NumPy and tapegrad as copies (python/README.md, "Arrays"). An op written
in Python is a class with forward(inputs) and backward(inputs, out, grad_out), applied with
tape.apply(op, x, ...) and recorded like a C++ op.
"""
import contextlib

from ._tapegrad import *  # noqa: F401,F403  (the C++ module: python/src/)
from ._tapegrad import Tape as _Tape
from ._tapegrad import gradcheck as _gradcheck


@contextlib.contextmanager
def no_grad(tape):
    """A block in which `tape` records nothing (ops still run): C++'s NoGrad guard."""
    was_recording = tape.recording
    tape.recording = False
    try:
        yield tape
    finally:
        tape.recording = was_recording


def gradcheck_op(op, *inputs, rtol=1e-6, atol=1e-8):
    """gradcheck of one op (a Python op or a function of the tape and tensors) at the inputs."""
    if callable(op) and not hasattr(op, "backward"):
        return _gradcheck(lambda tape, xs: op(tape, *xs), list(inputs), rtol=rtol, atol=atol)
    return _gradcheck(lambda tape, xs: tape.apply(op, *xs), list(inputs), rtol=rtol, atol=atol)

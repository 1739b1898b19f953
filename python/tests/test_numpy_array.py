"""Arrays across the boundary: conversion rules and copies (python/src/numpy_array.cpp)."""
import gc

import numpy as np
import pytest

import tapegrad as tg
from test_bind_core import card_graph


def test_values_are_copies_that_outlive_the_tape_and_the_tensor():
    tape, x, W, z, p, L = card_graph()
    tape.backward(L)
    grad, value = W.grad, p.value
    grad[:] = 0.0  # writing to a copy changes nothing in tapegrad
    assert np.any(W.grad != 0.0)
    tape.clear()
    del tape, W, p, z, L
    gc.collect()
    assert value.shape == (1, 3) and abs(value.sum() - 1.0) < 1e-15
    assert grad.shape == (3, 2)


def test_conversion_rules():
    assert tg.Tensor(np.arange(6).reshape(2, 3)).value.dtype == np.float64  # ints convert
    np.testing.assert_array_equal(tg.Tensor(np.float32([0.5, 1.5])).value, [0.5, 1.5])
    strided = np.arange(12.0).reshape(3, 4)[:, ::2]  # not contiguous: copied in order
    np.testing.assert_array_equal(tg.Tensor(strided).value, strided)
    assert tg.Tensor(2.5).shape == ()
    assert tg.Tensor([[1, 2], [3, 4]]).shape == (2, 2)
    for bad in (np.array([True, False]), np.array([1j]), np.array(["a"]), [object()]):
        with pytest.raises(TypeError, match=r"Tensor\(value\): dtype"):
            tg.Tensor(bad)


def test_embedding_ids_must_be_non_negative_integers():
    tape = tg.Tape()
    W = tg.Tensor.parameter(np.arange(6.0).reshape(3, 2), "wte")
    np.testing.assert_array_equal(tg.embedding(tape, W, [2, 0]).value, [[4.0, 5.0], [0.0, 1.0]])
    assert tg.embedding(tape, W, np.array([[1, 2]])).shape == (1, 2, 2)
    with pytest.raises(ValueError, match="id -1 at position 1 is negative"):
        tg.embedding(tape, W, [0, -1])
    with pytest.raises(TypeError, match="ids must be integers"):
        tg.embedding(tape, W, [0.5])

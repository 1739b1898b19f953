"""gradcheck, the traces, the DOT graph and checkpoints from Python
(python/src/bind_inspect.cpp)."""
import os

import numpy as np
import pytest

import tapegrad as tg
from test_bind_core import card_graph


def test_gradcheck_reports_passed_failed_and_inconclusive():
    x = np.array([[0.3, -1.2, 2.0]])
    ok = tg.gradcheck(lambda tape, xs: tg.tanh(tape, xs[0]), [x])
    assert ok.passed and ok.status == "passed" and ok.elements_checked == 3
    zero = tg.gradcheck(lambda tape, xs: tg.sum(tape, tg.scale(tape, xs[0], 0.0)), [x])
    assert zero.inconclusive and "zero" in zero.reason
    with pytest.raises(TypeError, match="gradcheck: f returned a float"):
        tg.gradcheck(lambda tape, xs: 1.0, [x])


def test_traces_show_the_card_graph_and_its_gradients():
    tape, x, W, z, p, L = card_graph()
    forward = tg.trace_forward(tape)
    for op in ("Linear", "Softmax", "CrossEntropy"):
        assert op in forward
    backward = tg.trace_backward(tape, L)  # runs backward
    assert "W_out" in backward and W.has_grad
    dot = tg.to_dot(tape)
    assert dot.startswith("digraph") and "Softmax" in dot


def test_checkpoint_round_trip_and_refusals(tmp_path):
    layer = tg.LinearLayer("fc", 3, 2, tg.Random(1))
    path = str(tmp_path / "fc.safetensors")
    tg.save_checkpoint(path, layer.parameters(), {"note": "Bsp"})
    other = tg.LinearLayer("fc", 3, 2, tg.Random(2))
    assert tg.load_checkpoint(path, other.parameters()) == {"note": "Bsp"}
    np.testing.assert_array_equal(other.weight.value, layer.weight.value)
    arrays, metadata = tg.load_safetensors(path)
    assert list(arrays) == ["fc.weight", "fc.bias"] and metadata == {"note": "Bsp"}

    wrong = tg.LinearLayer("fc", 4, 2, tg.Random(3))
    before = wrong.weight.value
    with pytest.raises(tg.CheckpointError, match=r"fc.weight.*\[2, 3\]"):
        tg.load_checkpoint(path, wrong.parameters())
    np.testing.assert_array_equal(wrong.weight.value, before)  # nothing half-loaded
    broken = str(tmp_path / "broken.safetensors")
    with open(path, "rb") as f, open(broken, "wb") as g:
        g.write(f.read()[:-5])
    with pytest.raises(tg.CheckpointError, match="broken.safetensors"):
        tg.load_safetensors(broken)
    assert issubclass(tg.CheckpointError, ValueError)


@pytest.mark.torch
def test_pytorch_reads_the_checkpoint(torch, tmp_path):
    import sys
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "pytorch"))
    import tapegrad_safetensors
    layer = tg.LinearLayer("fc", 3, 2, tg.Random(1))
    path = str(tmp_path / "fc.safetensors")
    tg.save_checkpoint(path, layer.parameters())
    state = tapegrad_safetensors.load(path)[0]
    np.testing.assert_array_equal(state["fc.weight"].numpy(), layer.weight.value)
    assert state["fc.weight"].dtype == torch.float64

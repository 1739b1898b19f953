"""Shared by the Python tests: the module under test comes from the build tree
(PYTHONPATH=<build>/python, set by ctest; see python/CMakeLists.txt)."""
import numpy as np
import pytest


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "torch: compares against PyTorch (its own ctest entry, python_pytorch)")


@pytest.fixture
def torch():
    """PyTorch, the reference; a test that needs it reports itself skipped where it is missing."""
    return pytest.importorskip("torch")


# The slide's Bsp. 1 (examples/slides.cpp): logits, the attention output x, target Frankreich.
BSP1_Z = np.array([2.0, 1.0, 0.1])
BSP1_X = np.array([1.5, 0.5])
BSP1_SLIDE_GRAD_W = np.array([[-0.5115, -0.1705], [0.3636, 0.1212], [0.1479, 0.0493]])


def w_out_from_logits(z, x):
    """The simplest W_out with W_out x = z: z x^T / (x^T x) (examples/slides.hpp)."""
    return np.outer(z, x) / (x @ x)

#!/usr/bin/env python3
"""ctest's entry to the Python tests: run_tests.py [--torch] FILE...

Runs pytest on the files: without --torch the tests that need no PyTorch, with --torch those
marked `torch` (the comparisons with PyTorch in float64). With --torch and no PyTorch installed
it exits 77, which ctest reports as Skipped (SKIP_RETURN_CODE), never as passed.
"""
import sys

args = sys.argv[1:]
with_torch = args[:1] == ["--torch"]
if with_torch:
    args = args[1:]
    try:
        import torch  # noqa: F401
    except ImportError:
        print("PyTorch is not installed for %s: skipped" % sys.executable)
        sys.exit(77)

import pytest  # noqa: E402  (imported after the check: reporting the skip needs no pytest)

selection = "torch" if with_torch else "not torch"
sys.exit(pytest.main(["-q", "-p", "no:cacheprovider", "-m", selection] + args))

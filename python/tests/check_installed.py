#!/usr/bin/env python3
"""check_installed.py SITE_DIR: `cmake --install` put a working package `tapegrad` into SITE_DIR
(<prefix>/lib/python3.X/dist-packages): it imports from there, not from the build tree, and
computes Bsp. 1's dL/dW_out = (p - y) x^T."""
import os
import sys

site = os.path.abspath(sys.argv[1])
sys.path.insert(0, site)
import numpy as np  # noqa: E402
import tapegrad as tg  # noqa: E402

if not os.path.abspath(tg.__file__).startswith(site + os.sep):
    sys.exit("tapegrad was imported from %s, not from %s" % (tg.__file__, site))
z, x = np.array([2.0, 1.0, 0.1]), np.array([1.5, 0.5])
tape = tg.Tape()
W = tg.Tensor.parameter(np.outer(z, x) / (x @ x), "W_out")
p = tg.softmax(tape, tg.linear(tape, tg.Tensor(x[None, :]), W))
L = tg.cross_entropy(tape, p, [0])
tape.backward(L)
closed_form = np.outer(p.value[0] - [1.0, 0.0, 0.0], x)
difference = np.max(np.abs(W.grad - closed_form))
print("installed tapegrad at %s: max |tape - (p - y) x^T| = %.3g" % (tg.__file__, difference))
sys.exit(0 if difference <= 1e-15 else 1)

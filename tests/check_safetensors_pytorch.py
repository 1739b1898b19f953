#!/usr/bin/python3
"""ctest safetensors_pytorch: tapegrad's checkpoints and PyTorch, both ways, bit for bit.

    /usr/bin/python3 check_safetensors_pytorch.py SAFETENSORS_ROUNDTRIP CHECKPOINTS_DIR WORK_DIR

1. safetensors_roundtrip (C++) writes the model nn.Sequential(Linear(2, 3), Tanh(), Linear(3, 2))
   by its state_dict names; examples/pytorch/tapegrad_safetensors.py loads it and the names,
   shapes, metadata and every value's bits are checked against the formula;
2. the tensors go into a torch module with load_state_dict (strict), the module's state_dict is
   written back with tapegrad_safetensors.save: the same bytes as tapegrad wrote; C++ loads that
   file and compares bit for bit;
3. the Python reader accepts tests/checkpoints/valid and refuses every file in
   tests/checkpoints/invalid (nonfinite_* with require_finite; model_* are valid files);
4. save converts float32 to float64 and refuses integer tensors; the CLI's --info and --check.
Exits 77 (ctest SKIP) when torch or NumPy cannot be imported, 1 on any failure.
"""

import math
import os
import struct
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
BRIDGE = os.path.join(HERE, "..", "examples", "pytorch")
NAMES = ["0.weight", "0.bias", "2.weight", "2.bias"]
SHAPES = [(3, 2), (3,), (2, 3), (2,)]
METADATA = {"format": "tapegrad", "step": "7", "note": "Gewicht ä ✓"}

failures = []


def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def bits(x):
    return struct.unpack("<q", struct.pack("<d", x))[0]


def expected_values(k, n):
    """As values() in safetensors_roundtrip.cpp."""
    v = [(7 * i + 3 * k + 1) / 16.0 - 1.3 for i in range(n)]
    if k == 0:
        v[0], v[1] = -0.0, 5e-324
    elif k == 1:
        v[0], v[1] = 1.7976931348623157e308, -1e-310
    elif k == 2:
        v[5] = struct.unpack("<d", struct.pack("<Q", 0x7FF8000000000000))[0]  # quiet NaN
    elif k == 3:
        v[0] = -math.inf
    return v


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    exe, checkpoints, work = sys.argv[1:]
    try:
        import numpy  # noqa: F401
        import torch
    except ImportError as e:
        print("SKIP: cannot import torch/numpy (%s); this test needs /usr/bin/python3 with "
              "python3-torch and python3-numpy" % e)
        return 77
    sys.path.insert(0, BRIDGE)
    import tapegrad_safetensors as ts

    os.makedirs(work, exist_ok=True)
    from_cpp = os.path.join(work, "from_cpp.safetensors")
    from_torch = os.path.join(work, "from_torch.safetensors")
    for f in (from_cpp, from_torch):
        if os.path.exists(f):
            os.remove(f)

    # 1. C++ -> torch
    subprocess.run([exe, "write", from_cpp], check=True)
    state, metadata = ts.load(from_cpp)
    check(list(state) == NAMES, "names in file order: %s" % list(state))
    check(metadata == METADATA, "metadata: %s" % metadata)
    for k, (name, shape) in enumerate(zip(NAMES, SHAPES)):
        t = state.get(name)
        if t is None:
            check(False, "%s loaded" % name)
            continue
        check(tuple(t.shape) == shape and t.dtype == torch.float64,
              "%s: %s %s" % (name, t.dtype, tuple(t.shape)))
        got = [bits(float(x)) for x in t.flatten().tolist()]
        want = [bits(x) for x in expected_values(k, t.numel())]
        check(got == want, "%s: every value bit-identical to the formula" % name)

    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(),
                                torch.nn.Linear(3, 2)).double()
    model.load_state_dict(state, strict=True)
    check(list(model.state_dict()) == NAMES, "the names are the module's state_dict names")

    # 2. torch -> C++
    ts.save(from_torch, model.state_dict(), metadata)
    with open(from_cpp, "rb") as a, open(from_torch, "rb") as b:
        check(a.read() == b.read(), "the file written from the state_dict has tapegrad's bytes")
    r = subprocess.run([exe, "check", from_torch], capture_output=True, text=True)
    sys.stdout.write(r.stdout + r.stderr)
    check(r.returncode == 0, "C++ loads the torch-written file bit for bit (exit %d)" % r.returncode)

    # 3. the Python reader's checks on the committed files
    for name in sorted(os.listdir(os.path.join(checkpoints, "valid"))):
        try:
            ts.load(os.path.join(checkpoints, "valid", name))
            check(True, "valid/%s loads" % name)
        except ts.CheckpointError as e:
            check(False, "valid/%s loads: %s" % (name, e))
    for name in sorted(os.listdir(os.path.join(checkpoints, "invalid"))):
        path = os.path.join(checkpoints, "invalid", name)
        if name.startswith("model_"):
            ts.load(path)  # well-formed; refused only for a given model
            continue
        try:
            ts.load(path, require_finite=name.startswith("nonfinite_"))
            check(False, "invalid/%s refused" % name)
        except ts.CheckpointError as e:
            message = str(e)
            check(message.startswith(path + ": ") and "\n" not in message,
                  "invalid/%s refused: %s" % (name, message[len(path) + 2:]))

    # 4. conversions and the command line
    ts.save(from_torch, model.float().state_dict())
    state32, _ = ts.load(from_torch)
    check(all(t.dtype == torch.float64 for t in state32.values()) and
          torch.equal(state32["2.bias"], model.state_dict()["2.bias"].double()),
          "float32 tensors are saved as float64 (tensor.double())")
    try:
        ts.save(from_torch, {"n": torch.tensor([1, 2])})
        check(False, "an int64 tensor is refused by save")
    except TypeError as e:
        check("tapegrad reads F64 only" in str(e), "an int64 tensor is refused by save: %s" % e)
    cli = os.path.join(BRIDGE, "tapegrad_safetensors.py")
    r = subprocess.run([sys.executable, cli, "--info", from_cpp], capture_output=True, text=True)
    check(r.returncode == 0 and "0.weight F64 [3, 2]" in r.stdout and "metadata step = 7" in r.stdout,
          "--info lists names, shapes and metadata")
    bad = os.path.join(checkpoints, "invalid", "dtype_f32.safetensors")
    r = subprocess.run([sys.executable, cli, "--check", bad], capture_output=True, text=True)
    check(r.returncode == 2 and r.stderr.count("\n") == 1 and "tensor.double()" in r.stderr,
          "--check on a float32 file: exit 2, one line naming tensor.double()")

    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

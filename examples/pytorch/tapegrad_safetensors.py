#!/usr/bin/python3
"""tapegrad checkpoints (safetensors, float64) in PyTorch, with NumPy and torch only.

The safetensors library is not packaged in Debian; this reads and writes the same format as
tapegrad's engine/io/safetensors.hpp and refuses the same broken files:

    8 bytes   N, the header length (unsigned 64-bit, little-endian)
    N bytes   JSON: {"__metadata__": {str: str}, "<name>": {"dtype": "F64", "shape": [...],
              "data_offsets": [begin, end]}, ...}
    the rest  the data: each tensor row-major, little-endian float64, tiling the section

As a module (run with /usr/bin/python3, which has torch and NumPy):

    import tapegrad_safetensors as ts
    state, metadata = ts.load("model.safetensors")        # {name: torch.float64 tensor}, {str: str}
    model.double().load_state_dict(state)                 # names are state_dict names
    ts.save("model.safetensors", model.state_dict(), {"step": "5"})

save() writes float64: other float dtypes are converted with .double(); integer, bool and
complex tensors are refused (tapegrad reads F64 only: convert them yourself or leave them
out). The write is atomic (a temporary file in the same folder, fsync, rename, fsync of the
folder), and the same state gives the same bytes as tapegrad's save_safetensors.

As a program:

    tapegrad_safetensors.py --info FILE                  names, shapes and metadata
    tapegrad_safetensors.py --check FILE [--require-finite]
    tapegrad_safetensors.py --from-torch IN.pt OUT.safetensors   a torch.save'd state_dict
    tapegrad_safetensors.py --to-torch IN.safetensors OUT.pt

Errors: CheckpointError (a ValueError) with one line "<file>: <tensor or field>: <what>"; the
program prints it on stderr and exits 2.
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch

MAX_HEADER_BYTES = 100000000  # the reference implementation's limit, as kMaxHeaderBytes
MAX_HEADER_DEPTH = 8          # as kMaxHeaderDepth: a valid header needs 3 levels
METADATA_KEY = "__metadata__"
ENTRY_FIELDS = ("dtype", "shape", "data_offsets")
MAX_BYTES = 2**63 - 1
OTHER_DTYPES = {"BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "I16", "U16", "F16", "BF16", "I32",
                "U32", "F32", "I64", "U64", "C64"}


class CheckpointError(ValueError):
    """A file refused while reading: "<file>: <tensor or field>: <what is wrong>"."""


def _printable(s):
    out = "".join("\\x%02x" % ord(c) if ord(c) < 0x20 or ord(c) == 0x7f else c for c in s)
    return out if len(out) <= 200 else out[:200] + "..."


def _describe(v):
    if isinstance(v, dict):
        return "an object"
    if isinstance(v, list):
        return "an array"
    return _printable(json.dumps(v, ensure_ascii=False))


def _is_uint(v):
    return type(v) is int and v >= 0  # bool is an int subclass: refused here


def _parse_json(text, fail):
    def pairs(items):
        seen = set()
        for key, _ in items:
            if key in seen:
                fail(_printable(key), "given twice in the header or one of its objects")
            seen.add(key)
        return dict(items)

    def constant(name):
        fail("header", "not valid JSON: %s is not a JSON value" % name)

    try:
        header = json.loads(text, object_pairs_hook=pairs, parse_constant=constant)
    except json.JSONDecodeError as e:
        fail("header", "not valid JSON: line %d, column %d: %s" % (e.lineno, e.colno, e.msg))
    except RecursionError:
        fail("header", "nested deeper than %d levels" % MAX_HEADER_DEPTH)
    # Depth and strings that are not valid UTF-8 (lone surrogates from \ud800 escapes).
    stack = [(header, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_HEADER_DEPTH + 1:
            fail("header", "nested deeper than %d levels" % MAX_HEADER_DEPTH)
        items = []
        if isinstance(value, dict):
            for k, v in value.items():
                items.append(k)
                stack.append((v, depth + 1))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            items.append(value)
        for s in items:
            try:
                s.encode("utf-8")
            except UnicodeEncodeError:
                fail("header", "not valid JSON: a string is not valid UTF-8 (a lone surrogate)")
    return header


def _entry(name, e, data_size, fail):
    field = _printable(name)
    if not isinstance(e, dict):
        fail(field, "expected an object with dtype, shape and data_offsets, got " + _describe(e))
    for key in e:
        if key not in ENTRY_FIELDS:
            fail(field + "." + _printable(key),
                 "unknown field (a tensor entry has exactly dtype, shape and data_offsets)")
    for key in ENTRY_FIELDS:
        if key not in e:
            fail(field, "missing field %s (a tensor entry has exactly dtype, shape and "
                        "data_offsets)" % key)
    dtype = e["dtype"]
    if not isinstance(dtype, str):
        fail(field + ".dtype", 'expected a string such as "F64", got ' + _describe(dtype))
    if dtype != "F64":
        which = dtype + " is not supported" if dtype in OTHER_DTYPES else \
            "unknown dtype " + _describe(dtype)
        fail(field + ".dtype", which + ": tapegrad reads float64 (F64) only; convert before "
             "saving, in PyTorch tensor.double() ({k: v.double() for k, v in state_dict.items()})")
    shape = e["shape"]
    if not isinstance(shape, list):
        fail(field + ".shape", "expected an array of integers, got " + _describe(shape))
    elements, nonzero = 1, 1
    for i, n in enumerate(shape):
        if not _is_uint(n):
            fail("%s.shape[%d]" % (field, i), "expected a non-negative integer, got " + _describe(n))
        if n > 0 and nonzero > MAX_BYTES // 8 // n:
            fail(field + ".shape", "too large: more than 2^63 bytes of float64 (the extents "
                 "multiply beyond a 64-bit offset)")
        nonzero *= max(n, 1)
        elements *= n
    offsets = e["data_offsets"]
    if not isinstance(offsets, list) or len(offsets) != 2:
        got = "an array of %d" % len(offsets) if isinstance(offsets, list) else _describe(offsets)
        fail(field + ".data_offsets", "expected two integers [begin, end], got " + got)
    for i, v in enumerate(offsets):
        if not _is_uint(v):
            fail("%s.data_offsets[%d]" % (field, i),
                 "expected a non-negative integer, got " + _describe(v))
    begin, end = offsets
    span = "[%d, %d]" % (begin, end)
    if begin > end:
        fail(field + ".data_offsets", span + ": begin is after end")
    if end - begin != 8 * elements:
        fail(field, "shape %s holds %d float64 = %d bytes but data_offsets %s span %d" % (
            _shape_string(shape), elements, 8 * elements, span, end - begin))
    if end > data_size:
        fail(field + ".data_offsets",
             "%s ends beyond the data section (%d bytes)" % (span, data_size))
    return name, shape, begin, end


def _shape_string(shape):
    return "[" + ", ".join(str(n) for n in shape) + "]"


def loads(data, name="<bytes>", require_finite=False):
    """(state, metadata) from a file's bytes; the checks of load()."""
    def fail(field, what):
        raise CheckpointError("%s: %s: %s" % (name, field, what))

    if len(data) < 8:
        fail("header length", "the file has %d bytes, fewer than the 8 of the header length"
             % len(data))
    (n,) = struct.unpack("<Q", data[:8])
    if n > MAX_HEADER_BYTES:
        fail("header length", "%d bytes is above the limit of %d (kMaxHeaderBytes)"
             % (n, MAX_HEADER_BYTES))
    if n > len(data) - 8:
        fail("header length", "%d bytes but only %d follow the 8-byte length" % (n, len(data) - 8))
    try:
        text = data[8:8 + n].decode("utf-8")
    except UnicodeDecodeError as e:
        fail("header", "not valid JSON: byte %d: ill-formed UTF-8" % e.start)
    # The reference implementation refuses a header that does not begin with '{'.
    if text[:1] in ("\ufeff", " ", "\t", "\n", "\r"):
        fail("header", "does not begin with '{' (a byte-order mark or leading whitespace)")
    header = _parse_json(text, fail)
    if not isinstance(header, dict):
        fail("header", "expected a JSON object, got " + _describe(header))
    data_start = 8 + n
    data_size = len(data) - data_start
    metadata = {}
    entries = []
    for key, value in header.items():
        if key == METADATA_KEY:
            if not isinstance(value, dict):
                fail(METADATA_KEY, "expected an object of strings, got " + _describe(value))
            for k, v in value.items():
                if not isinstance(v, str):
                    fail(METADATA_KEY + "." + _printable(k), "expected a string, got " +
                         _describe(v) + ' (metadata values are strings: write numbers as text, "5")')
            metadata = dict(value)
        elif key == "":
            fail("header", "a tensor has an empty name")
        else:
            entries.append(_entry(key, value, data_size, fail))
    entries.sort(key=lambda e: (e[2], e[3]))  # stable: zero-size ties keep the header order
    covered, previous = 0, None
    for e_name, _, begin, end in entries:
        field = _printable(e_name) + ".data_offsets"
        span = "[%d, %d]" % (begin, end)
        if begin < covered:
            fail(field, "%s overlaps %s's [%d, %d]" % (span, _printable(previous[0]),
                                                       previous[2], previous[3]))
        if begin > covered:
            fail(field, "%s leaves a gap: bytes [%d, %d) of the data section belong to no tensor"
                 % (span, covered, begin))
        covered, previous = end, (e_name, None, begin, end)
    if covered != data_size:
        fail("data section", "%d trailing bytes after the last tensor's data (%d bytes, the "
             "tensors cover %d)" % (data_size - covered, data_size, covered))
    state = {}
    for e_name, shape, begin, end in entries:
        count = (end - begin) // 8
        array = np.frombuffer(data, dtype="<f8", count=count, offset=data_start + begin)
        tensor = torch.from_numpy(array.astype(np.float64, copy=True).reshape(shape))
        if require_finite:
            bad = (~torch.isfinite(tensor)).flatten().nonzero()
            if len(bad) > 0:
                i = int(bad[0])
                v = float(tensor.flatten()[i])
                fail("%s[%d]" % (_printable(e_name), i), "%s at this flat (row-major) index; "
                     "require_finite refuses NaN and infinities"
                     % ("nan" if math.isnan(v) else "inf" if v > 0 else "-inf"))
        state[e_name] = tensor
    return state, metadata


def load(path, require_finite=False):
    """({name: torch.float64 tensor} in the file's data order, {str: str} metadata)."""
    if os.path.exists(path) and not os.path.isfile(path):
        raise CheckpointError("%s: open: not a regular file" % path)
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise CheckpointError("%s: open: %s" % (path, e.strerror)) from None
    return loads(data, path, require_finite)


def dumps(state_dict, metadata=None):
    """The file's bytes for a {name: tensor} (float dtypes converted to float64)."""
    metadata = dict(metadata or {})
    header = {}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError("save: metadata %r: %r: keys and values must be strings" % (k, v))
        header[METADATA_KEY] = dict(sorted(metadata.items()))
    chunks, offset = [], 0
    for name, t in state_dict.items():
        if not isinstance(name, str) or name == "":
            raise ValueError("save: tensor name %r: must be a non-empty string" % (name,))
        if name == METADATA_KEY:
            raise ValueError("save: the name __metadata__ is reserved")
        if not isinstance(t, torch.Tensor):
            raise TypeError("save: %s: not a torch.Tensor but %s" % (name, type(t).__name__))
        if not t.is_floating_point():
            raise TypeError("save: %s: dtype %s is not a float; tapegrad reads F64 only: convert "
                            "it (t.double()) or leave it out" % (name, t.dtype))
        array = t.detach().to("cpu", torch.float64).contiguous().numpy().astype("<f8", copy=False)
        chunk = array.tobytes()
        header[name] = {"dtype": "F64", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(chunk)]}
        chunks.append(chunk)
        offset += len(chunk)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # data section 8-byte aligned
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


_counter = 0


def save(path, state_dict, metadata=None):
    """Writes state_dict (and string metadata) to path atomically."""
    global _counter
    data = dumps(state_dict, metadata)
    while True:
        tmp = "%s.tmp-%d-%d" % (path, os.getpid(), _counter)
        _counter += 1
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    folder = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def main(argv=None):
    parser = argparse.ArgumentParser(description="tapegrad safetensors checkpoints (float64)")
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--info", metavar="FILE", help="print names, shapes and metadata")
    group.add_argument("--check", metavar="FILE", help="check a file; exit 0 when it loads")
    group.add_argument("--from-torch", nargs=2, metavar=("IN_PT", "OUT"),
                       help="convert a torch.save'd state_dict to a tapegrad checkpoint")
    group.add_argument("--to-torch", nargs=2, metavar=("IN", "OUT_PT"),
                       help="convert a tapegrad checkpoint to a torch.save'd state_dict")
    parser.add_argument("--require-finite", action="store_true",
                        help="refuse NaN and infinities (with --info, --check)")
    args = parser.parse_args(argv)
    try:
        if args.info or args.check:
            path = args.info or args.check
            state, metadata = load(path, args.require_finite)
            if args.info:
                for k, v in sorted(metadata.items()):
                    print("metadata %s = %s" % (k, v))
                for k, t in state.items():
                    print("%s F64 %s" % (k, _shape_string(t.shape)))
                print("%d tensors, %d float64 values" % (len(state),
                                                         sum(t.numel() for t in state.values())))
            else:
                print("%s: ok (%d tensors)" % (path, len(state)))
        elif args.from_torch:
            src, dst = args.from_torch
            state = torch.load(src, map_location="cpu")
            if not isinstance(state, dict):
                raise ValueError("%s: not a state_dict (a dict of tensors) but %s"
                                 % (src, type(state).__name__))
            save(dst, state)
        else:
            src, dst = args.to_torch
            state, _ = load(src)
            torch.save(state, dst)
    except (ValueError, TypeError, OSError) as e:
        print(str(e).replace("\n", " "), file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

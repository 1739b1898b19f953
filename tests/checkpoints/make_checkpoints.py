#!/usr/bin/env python3
"""Writes the safetensors test files in tests/checkpoints/{valid,invalid} (standard library only).

    python3 tests/checkpoints/make_checkpoints.py      # rewrites both folders, deterministically

valid/ holds files every loader must accept; invalid/ holds one broken file per rule that
engine/io/safetensors.cpp checks (tests/test_safetensors.cpp pins the message of each), plus
files that are well-formed but refused by LoadOptions::require_finite (nonfinite_*) or by
load_checkpoint for the test model {"0.weight": [3, 2], "0.bias": [3]} (model_*). All of them
seed the fuzzer (tests/fuzz/fuzz_safetensors.cpp).

The format: 8 bytes little-endian u64 header length N, N bytes of JSON, the data section. Valid
files are laid out as tapegrad (and the reference implementation) writes them: compact JSON,
"__metadata__" first, the header padded with spaces to a multiple of 8 bytes.
"""

import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

# The test model's values: 0.weight [3, 2] and 0.bias [3].
WEIGHT = [0.5, -1.25, 2.0, 0.0, -0.0, 3.75]
BIAS = [0.125, -2.5, 1e300]


def f64(values):
    return struct.pack("<%dd" % len(values), *values)


def header_bytes(header):
    """The compact JSON of a header dict (or a raw str/bytes), padded to a multiple of 8."""
    if isinstance(header, dict):
        text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    elif isinstance(header, str):
        text = header.encode("utf-8")
    else:
        text = header
    return text + b" " * ((8 - len(text) % 8) % 8)


def safetensors(header, data=b"", length=None):
    """A file: the length prefix (the true header length unless given), header, data."""
    head = header_bytes(header)
    n = len(head) if length is None else length
    return struct.pack("<Q", n) + head + data


def entry(shape, begin, end, dtype="F64"):
    return {"dtype": dtype, "shape": shape, "data_offsets": [begin, end]}


def model_header(weight_shape=(3, 2), extra=None, drop_bias=False, metadata=None):
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    header["0.weight"] = entry(list(weight_shape), 0, 48)
    data = f64(WEIGHT)
    if not drop_bias:
        header["0.bias"] = entry([3], 48, 72)
        data += f64(BIAS)
    if extra is not None:
        header[extra] = entry([1], len(data), len(data) + 8)
        data += f64([7.0])
    return header, data


def valid_files():
    files = {}
    header, data = model_header(metadata={"format": "tapegrad", "step": "5"})
    files["model.safetensors"] = safetensors(header, data)
    header, data = model_header()
    files["model_no_metadata.safetensors"] = safetensors(header, data)
    # The header may list tensors in any order (the reference implementation accepts it);
    # the data order is what counts.
    files["header_order_differs.safetensors"] = safetensors(
        {"b": entry([1], 8, 16), "a": entry([1], 0, 8)}, f64([1.0, 2.0]))
    files["scalar_and_empty.safetensors"] = safetensors(
        {"scalar": entry([], 0, 8), "empty": entry([0], 8, 8), "empty_2d": entry([2, 0], 8, 8),
         "after": entry([2], 8, 24)}, f64([-3.5, 1.0, 2.0]))
    files["no_tensors.safetensors"] = safetensors({"__metadata__": {"note": "nothing"}})
    files["empty_header.safetensors"] = safetensors({})
    files["special_values.safetensors"] = safetensors(
        {"v": entry([6], 0, 48)}, f64([-0.0, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
                                       -1e-310, 1.0 / 3.0]))
    files["unicode_names.safetensors"] = safetensors(
        {"__metadata__": {"Schlüssel": "Wert ✓"}, "gewicht.ä": entry([1], 0, 8)}, f64([1.0]))
    return files


def invalid_files():
    files = {}
    good_header, good_data = model_header()
    good = safetensors(good_header, good_data)
    w = entry([2], 0, 16)
    two = f64([1.0, 2.0])

    # The length prefix and the header's size
    files["empty_file.safetensors"] = b""
    files["truncated_length.safetensors"] = good[:5]
    files["truncated_header.safetensors"] = good[:8 + 20]
    files["header_length_beyond_file.safetensors"] = safetensors({"w": w}, two, length=1000000)
    files["header_length_above_limit.safetensors"] = safetensors({"w": w}, two, length=100000001)
    files["header_length_max_u64.safetensors"] = safetensors({"w": w}, two, length=2**64 - 1)
    files["truncated_data.safetensors"] = good[:-12]
    files["trailing_bytes.safetensors"] = good + f64([0.0])

    # The JSON itself
    files["bad_json.safetensors"] = safetensors('{"w": {"dtype": "F64", "shape": [2], ')
    files["json_not_object.safetensors"] = safetensors("[1, 2, 3]")
    files["invalid_utf8.safetensors"] = safetensors(
        b'{"w\xff": {"dtype":"F64","shape":[2],"data_offsets":[0,16]}}', two)
    files["nul_padding.safetensors"] = safetensors(
        b'{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}' + b"\0" * 8, two)
    files["nul_then_garbage.safetensors"] = safetensors(
        b'{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}\0{"x": ', two)
    files["leading_bom.safetensors"] = safetensors(
        b'\xef\xbb\xbf{"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}', two)
    files["leading_space.safetensors"] = safetensors(
        ' {"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}', two)
    files["deep_nesting.safetensors"] = safetensors('{"w": ' + "[" * 20 + "]" * 20 + "}")
    files["number_overflow.safetensors"] = safetensors(
        '{"w":{"dtype":"F64","shape":[1e999],"data_offsets":[0,16]}}', two)
    files["duplicate_names.safetensors"] = safetensors(
        '{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},'
        '"w":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}', two)
    files["duplicate_field.safetensors"] = safetensors(
        '{"w":{"dtype":"F64","dtype":"F64","shape":[2],"data_offsets":[0,16]}}', two)
    files["duplicate_metadata_key.safetensors"] = safetensors(
        '{"__metadata__":{"step":"1","step":"2"},"w":{"dtype":"F64","shape":[2],'
        '"data_offsets":[0,16]}}', two)

    # __metadata__
    files["metadata_not_object.safetensors"] = safetensors({"__metadata__": ["step", "5"], "w": w}, two)
    files["metadata_non_string.safetensors"] = safetensors({"__metadata__": {"step": 5}, "w": w}, two)

    # One tensor's entry
    files["empty_name.safetensors"] = safetensors({"": w}, two)
    files["entry_not_object.safetensors"] = safetensors({"w": [0, 16]}, two)
    files["missing_dtype.safetensors"] = safetensors(
        {"w": {"shape": [2], "data_offsets": [0, 16]}}, two)
    files["missing_shape.safetensors"] = safetensors(
        {"w": {"dtype": "F64", "data_offsets": [0, 16]}}, two)
    files["missing_data_offsets.safetensors"] = safetensors({"w": {"dtype": "F64", "shape": [2]}}, two)
    files["extra_field.safetensors"] = safetensors(
        {"w": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16], "requires_grad": True}}, two)
    files["dtype_f32.safetensors"] = safetensors(
        {"w": entry([2], 0, 8, dtype="F32")}, struct.pack("<2f", 1.0, 2.0))
    files["dtype_i64.safetensors"] = safetensors(
        {"w": entry([2], 0, 16, dtype="I64")}, struct.pack("<2q", 1, 2))
    files["dtype_unknown.safetensors"] = safetensors({"w": entry([2], 0, 16, dtype="double")}, two)
    files["dtype_not_string.safetensors"] = safetensors({"w": entry([2], 0, 16, dtype=64)}, two)
    files["shape_negative.safetensors"] = safetensors({"w": entry([-2], 0, 16)}, two)
    files["shape_fractional.safetensors"] = safetensors({"w": entry([1.5], 0, 16)}, two)
    files["shape_float_integer.safetensors"] = safetensors({"w": entry([2.0], 0, 16)}, two)
    files["shape_not_array.safetensors"] = safetensors({"w": entry(2, 0, 16)}, two)
    files["shape_overflow.safetensors"] = safetensors({"w": entry([2**32, 2**32], 0, 16)}, two)
    files["shape_overflow_with_zero.safetensors"] = safetensors(
        {"w": entry([0, 2**62, 2**62], 0, 0)})
    files["shape_offsets_mismatch.safetensors"] = safetensors({"w": entry([2, 3], 0, 40)}, f64([0.0] * 5))
    files["offsets_not_pair.safetensors"] = safetensors(
        {"w": {"dtype": "F64", "shape": [2], "data_offsets": [16]}}, two)
    files["offsets_negative.safetensors"] = safetensors({"w": entry([2], -16, 0)}, two)
    files["offsets_reversed.safetensors"] = safetensors({"w": entry([2], 16, 0)}, two)
    files["offsets_beyond_data.safetensors"] = safetensors({"w": entry([2], 8, 24)}, two)

    # How the tensors tile the data section
    files["overlapping_offsets.safetensors"] = safetensors(
        {"a": entry([2], 0, 16), "b": entry([2], 8, 24)}, f64([1.0, 2.0, 3.0]))
    files["gap.safetensors"] = safetensors(
        {"a": entry([1], 0, 8), "b": entry([1], 16, 24)}, f64([1.0, 2.0, 3.0]))
    files["gap_at_start.safetensors"] = safetensors({"a": entry([1], 8, 16)}, two)

    # Well-formed, refused by LoadOptions::require_finite
    files["nonfinite_nan.safetensors"] = safetensors({"w": entry([3], 0, 24)}, f64([1.0, 2.0, float("nan")]))
    files["nonfinite_inf.safetensors"] = safetensors(
        {"ok": entry([1], 0, 8), "w": entry([2, 2], 8, 40)}, f64([0.0, 1.0, 2.0, 3.0, float("-inf")]))

    # Well-formed, refused by load_checkpoint for the model {"0.weight": [3, 2], "0.bias": [3]}
    header, data = model_header(drop_bias=True)
    files["model_missing_tensor.safetensors"] = safetensors(header, data)
    header, data = model_header(extra="1.weight")
    files["model_extra_tensor.safetensors"] = safetensors(header, data)
    header, data = model_header(weight_shape=(2, 3))
    files["model_wrong_shape.safetensors"] = safetensors(header, data)
    # One bad tensor after a good one: load_checkpoint must change neither (nothing half-loaded)
    header, data = model_header()
    header["0.bias"]["shape"] = [3, 1]
    files["model_second_tensor_bad.safetensors"] = safetensors(header, data)
    return files


def main():
    for folder, files in (("valid", valid_files()), ("invalid", invalid_files())):
        path = os.path.join(HERE, folder)
        os.makedirs(path, exist_ok=True)
        for old in os.listdir(path):
            if old.endswith(".safetensors"):
                os.remove(os.path.join(path, old))
        for name, content in sorted(files.items()):
            with open(os.path.join(path, name), "wb") as f:
                f.write(content)
        print("%s: %d files" % (path, len(files)))


if __name__ == "__main__":
    main()

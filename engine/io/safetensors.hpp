#pragma once
/// Checkpoints in the safetensors format (https://github.com/huggingface/safetensors), read and
/// written without the safetensors library (it is not packaged in Debian):
///
///     8 bytes     N, the header length, an unsigned 64-bit little-endian integer
///     N bytes     JSON: {"__metadata__": {"key": "value", ...},
///                        "<name>": {"dtype": "F64", "shape": [2, 3], "data_offsets": [0, 48]},
///                        ...}
///     the rest    the data section: each tensor's elements, row-major, little-endian; a
///                 tensor's data_offsets [begin, end) count from the start of this section
///
/// Tensor names are PyTorch state_dict names ("0.weight", "blocks.0.attn.qkv.weight"), so a
/// checkpoint loads into a torch module with load_state_dict (examples/pytorch/
/// tapegrad_safetensors.py reads and writes the same files with NumPy and torch).
///
/// Only float64 ("F64") is read or written: tapegrad computes in double. A file with F32, F16,
/// BF16, I64, ... tensors is refused with a message saying how to convert it in PyTorch:
/// `{k: v.double() for k, v in state_dict.items()}` (tensor.double()) before saving.
///
/// Writing (save_safetensors) is atomic: the bytes go to a temporary file in the target's
/// folder, "<path>.tmp-<pid>-<n>", which is flushed and fsync'ed, then renamed over the target,
/// then the folder is fsync'ed. A crash (even SIGKILL or a power cut after the rename's fsync)
/// leaves either the old file or the new one at <path>, never a mix. What a crash before the
/// rename leaves behind is the temporary file: it keeps its ".tmp-..." name (never the
/// checkpoint's name, so nothing mistakes it for a checkpoint), is incomplete, and is refused
/// by load_safetensors as truncated; nothing removes it automatically (it could belong to a
/// write still running in another process), delete it by hand. On an error that throws (disk
/// full, a throwing SaveOptions::after_chunk) the temporary file is removed. The new file gets
/// the default permissions (0666 minus the umask), not the old file's.
///
/// The header is written like the reference implementation writes it: compact JSON,
/// "__metadata__" first (left out when the metadata is empty), then the tensors in the order
/// given with their data in the same order, and spaces padding the header to a multiple of 8
/// bytes so the data section is 8-byte aligned. The same tensors and metadata always give the
/// same bytes.
///
/// Reading (load_safetensors, parse_safetensors) trusts nothing in the file. Refused, each with
/// a CheckpointError whose one-line message is "<file>: <tensor or field>: <what is wrong>":
///   - fewer than 8 bytes; a header length N beyond the file or above kMaxHeaderBytes
///     (100,000,000, the reference implementation's limit);
///   - a header that is not JSON (nlohmann-json's parser; invalid UTF-8 is refused), is not an
///     object, nests deeper than kMaxHeaderDepth, or gives a key twice in one object (nlohmann
///     would silently keep the last one: a parser callback catches it);
///   - "__metadata__" that is not an object of strings;
///   - a tensor with an empty name, an entry that is not an object with exactly the fields
///     dtype, shape and data_offsets, a dtype other than "F64", shape entries that are not
///     non-negative integers, a shape whose size in bytes overflows a 63-bit offset (zero
///     extents included: the product of the non-zero extents must fit), data_offsets that are
///     not two non-negative integers begin <= end, or end - begin != 8 * (number of elements);
///   - data_offsets beyond the data section; and, with the tensors sorted by begin (the header
///     may list them in any order, as the reference implementation accepts), a tensor that
///     begins before the previous one ends (overlap), after it (a gap), or a data section with
///     bytes after the last tensor;
///   - with LoadOptions::require_finite, any NaN or infinity (naming the tensor and the flat,
///     row-major index of the first one).
/// The tensors come back in the order of their data in the file (by data_offsets; for
/// zero-size tensors at the same offset, in header order), which is the order
/// save_safetensors was given.
///
/// Byte order: the file is little-endian and so is every machine tapegrad builds for (x86_64,
/// aarch64); a static_assert in safetensors.cpp stops a big-endian build instead of silently
/// writing byte-swapped doubles. POSIX only (open, fsync, rename).
///
/// Model checkpoints (save_checkpoint, load_checkpoint) store a model's NamedTensors under
/// their names. Optimizer state uses the same API with more NamedTensors and the metadata, by
/// this convention:
///     "optimizer.<state>.<param>"   a per-parameter state tensor, e.g. AdamW's moments
///                                   "optimizer.exp_avg.0.weight", "optimizer.exp_avg_sq.0.weight"
///                                   (PyTorch's own names for them), of the parameter's shape
///     metadata "optimizer.step"     the step count as a decimal string ("1200"); other
///                                   hyperparameters as "optimizer.lr", ... likewise
/// so a resume loads the parameters and the optimizer's tensors in one checked call: pass the
/// concatenation of both lists as `expected`.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/core/array.hpp"
#include "engine/core/named_tensor.hpp"

namespace tapegrad {

/// A file refused while reading: "<file>: <tensor or field>: <what is wrong>", one line.
class CheckpointError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// The "__metadata__" of a file: string keys to string values (numbers as decimal text).
using Metadata = std::map<std::string, std::string>;

/// Headers above this size are refused before reading them (the reference implementation's
/// limit, MAX_HEADER_SIZE).
constexpr std::uint64_t kMaxHeaderBytes = 100000000;
/// JSON nested deeper than this is refused while parsing; a valid header needs 3 levels
/// (header object, tensor entry, shape array).
constexpr int kMaxHeaderDepth = 8;

struct SaveOptions {
    /// Called after each chunk of the file has been written (the header is the first chunk),
    /// with the bytes written so far and the file's total size; before the fsync and the
    /// rename. For progress reports and for the crash test, which stops the writer here
    /// (fault injection). An exception thrown from it aborts the save and removes the
    /// temporary file; the old file at the path stays untouched.
    std::function<void(std::size_t written, std::size_t total)> after_chunk;
    /// Data is written in chunks of at most this many bytes.
    std::size_t chunk_bytes = std::size_t{8} << 20;
};

struct LoadOptions {
    /// Refuse NaN and infinities (the message names the tensor and the flat index).
    bool require_finite = false;
};

/// A file's contents: its tensors in data order (see above) and its metadata.
struct SafetensorsFile {
    std::vector<std::pair<std::string, Array>> tensors;
    Metadata metadata;
};

/// Writes the tensors (name, array) and the metadata to `path` atomically (see above).
/// Throws std::invalid_argument ("save_safetensors: <path>: ...") when a name is empty, given
/// twice, "__metadata__", not valid UTF-8, or its array pointer is null, or a metadata string
/// is not valid UTF-8; std::system_error naming the path when a file operation fails. Nothing
/// at `path` changes when it throws.
void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, const Array*>>& tensors,
                      const Metadata& metadata, const SaveOptions& options = {});

/// The first bytes save_safetensors writes for these tensors: the 8-byte length and the
/// padded JSON header (their data follows in the order given). Throws std::invalid_argument
/// as save_safetensors does.
std::string safetensors_header(const std::vector<std::pair<std::string, const Array*>>& tensors,
                               const Metadata& metadata);

/// Reads and checks a safetensors file. Throws CheckpointError (including when the file cannot
/// be opened or read). Reads the header, checks all of it (the same code as
/// parse_safetensors), then reads each tensor's bytes straight into its array: one copy of the
/// data in memory, not two.
SafetensorsFile load_safetensors(const std::string& path, const LoadOptions& options = {});

/// The same checks on a whole file's bytes in memory (the fuzzer's entry point); messages start
/// with `name_for_messages` where load_safetensors puts the path.
SafetensorsFile parse_safetensors(const std::string& bytes, const std::string& name_for_messages,
                                  const LoadOptions& options = {});

/// Saves a model's tensors under their names (save_safetensors; same exceptions, and
/// std::invalid_argument for an undefined tensor handle).
void save_checkpoint(const std::string& path, const NamedTensors& tensors, const Metadata& metadata,
                     const SaveOptions& options = {});

/// Loads a checkpoint into `expected`'s tensor values and returns the file's metadata. The file
/// must hold exactly the expected names (a missing name, an unknown name and a wrong shape are
/// each refused with their own CheckpointError message) with the expected shapes. Everything
/// is read and checked into temporaries first; only then are the values copied into the
/// tensors' existing buffers, so when it throws no tensor has changed (nothing half-loaded).
/// Gradients are left as they are. Throws std::invalid_argument when `expected` has an
/// undefined tensor, an empty name or a name twice.
Metadata load_checkpoint(const std::string& path, const NamedTensors& expected,
                         const LoadOptions& options = {});

}  // namespace tapegrad

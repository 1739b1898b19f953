/// libFuzzer target: the safetensors reader, tapegrad::parse_safetensors (the same header checks
/// load_safetensors runs on a file).
///
/// Any input must either give a SafetensorsFile or be refused with CheckpointError; anything
/// else (another exception, a crash, a leak, a sanitizer report, a timeout) is a bug. An
/// accepted file is checked for what the reader promises: unique non-empty names, data that
/// exactly fills the file, require_finite refusing exactly the files with a NaN or infinity,
/// and a lossless round trip through tapegrad's own writer (safetensors_header + the data).
/// Build and run: .ci/fuzz (clang, -fsanitize=fuzzer,address,undefined).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "engine/io/safetensors.hpp"

namespace {

void require(bool ok) {
    if (!ok) std::abort();  // libFuzzer reports the input as a crash
}

bool bit_identical(const tapegrad::Array& a, const tapegrad::Array& b) {
    return tapegrad::shapes_equal(a.shape(), b.shape()) &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    tapegrad::SafetensorsFile f;
    try {
        f = tapegrad::parse_safetensors(bytes, "fuzz");
    } catch (const tapegrad::CheckpointError&) {
        return 0;  // refused with a message: the expected outcome for most inputs
    }

    std::uint64_t header = 0;
    std::memcpy(&header, data, 8);  // accepted: at least 8 bytes, little-endian like x86
    std::size_t data_bytes = 0;
    bool finite = true;
    std::set<std::string> names;
    std::vector<std::pair<std::string, const tapegrad::Array*>> list;
    for (const auto& [name, a] : f.tensors) {
        require(!name.empty() && name != "__metadata__" && names.insert(name).second);
        data_bytes += a.size() * 8;
        finite = finite && tapegrad::first_non_finite(a) == a.size();
        list.emplace_back(name, &a);
    }
    require(8 + header + data_bytes == size);

    tapegrad::LoadOptions require_finite;
    require_finite.require_finite = true;
    bool refused = false;
    try {
        tapegrad::parse_safetensors(bytes, "fuzz", require_finite);
    } catch (const tapegrad::CheckpointError&) {
        refused = true;
    }
    require(refused == !finite);

    // What tapegrad writes for these tensors reads back the same.
    std::string written = tapegrad::safetensors_header(list, f.metadata);
    for (const auto& [name, a] : f.tensors)
        written.append(reinterpret_cast<const char*>(a.data()), a.size() * 8);
    const tapegrad::SafetensorsFile again = tapegrad::parse_safetensors(written, "rewritten");
    require(again.metadata == f.metadata && again.tensors.size() == f.tensors.size());
    for (std::size_t i = 0; i < f.tensors.size(); ++i) {
        require(again.tensors[i].first == f.tensors[i].first);
        require(bit_identical(again.tensors[i].second, f.tensors[i].second));
    }
    return 0;
}

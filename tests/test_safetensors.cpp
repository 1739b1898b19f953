// Tests of engine/io/safetensors: round trips bit for bit, atomic writes under SIGKILL, every
// broken file in tests/checkpoints/invalid refused with its own one-line message, and model
// checkpoints that are loaded completely or not at all.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "engine/io/safetensors.hpp"

#include "engine/core/tape.hpp"
#include "engine/inspect/testing.hpp"
#include "engine/optim/adamw.hpp"
#include "ops/linear.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "source_paths.hpp"

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using namespace tapegrad;

namespace test_safetensors {

const std::string kCheckpoints = test::checkpoints_dir();

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A fresh folder for one test's files, removed afterwards.
struct ScratchDir {
    fs::path path;
    ScratchDir() {
        path =
            fs::temp_directory_path() / ("tapegrad_test_safetensors_" + std::to_string(::getpid()) +
                                         "_" + std::to_string(counter()++));
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string file(const std::string& name) const { return (path / name).string(); }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

/// True when both arrays have the same shape and the same bits in every element (so -0.0 is
/// not 0.0 and a NaN equals itself).
bool bit_identical(const Array& a, const Array& b) {
    return shapes_equal(a.shape(), b.shape()) &&
           (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0);
}

/// Values whose bits a careless reader or writer would change.
Array special_values() {
    const double inf = std::numeric_limits<double>::infinity();
    Array a = {
        {-0.0, 0.0, std::numeric_limits<double>::denorm_min(), -1e-310},
        {std::numeric_limits<double>::min(), std::numeric_limits<double>::max(),
         -std::numeric_limits<double>::max(), 1.0 / 3.0},
        {inf, -inf, std::numeric_limits<double>::quiet_NaN(), -std::nan("0x5a5")}};  // [3, 4]
    return a;
}

/// The test model of tests/checkpoints/make_checkpoints.py: 0.weight [3, 2], 0.bias [3].
NamedTensors test_model(double fill) {
    Array w = xt::zeros<double>({3, 2}) + fill;  // [3, 2]
    Array b = xt::zeros<double>({3}) + fill;     // [3]
    return {{"0.weight", Tensor::parameter(w, "0.weight")},
            {"0.bias", Tensor::parameter(b, "0.bias")}};
}

/// The values make_checkpoints.py writes for the test model.
const Array kModelWeight = {{0.5, -1.25}, {2.0, 0.0}, {-0.0, 3.75}};  // [3, 2]
const Array kModelBias = {0.125, -2.5, 1e300};                        // [3]

}  // namespace test_safetensors

BOOST_AUTO_TEST_SUITE(test_safetensors)

BOOST_AUTO_TEST_CASE(round_trip_keeps_every_bit_and_the_order) {
    ScratchDir dir;
    const Array special = special_values();                         // [3, 4]
    const Array scalar = 2.5;                                       // []
    const Array empty = xt::zeros<double>({0});                     // [0]
    const Array empty_2d = xt::zeros<double>({2, 0, 3});            // [2, 0, 3]
    const Array big = xt::linspace<double>(-1e3, 1e3, 1000) / 7.0;  // [1000]
    Array col = {1.0, -2.0, 3.0};                                   // [3]
    col.reshape({3, 1});                                            // [3, 1]
    const std::vector<std::pair<std::string, const Array*>> tensors = {
        {"z.special", &special}, {"scalar", &scalar}, {"empty", &empty},
        {"empty_2d", &empty_2d}, {"a.big", &big},     {"col", &col}};
    const Metadata metadata = {{"step", "12"}, {"format", "tapegrad"}, {"empty", ""}};
    save_safetensors(dir.file("t.safetensors"), tensors, metadata);

    const SafetensorsFile f = load_safetensors(dir.file("t.safetensors"));
    BOOST_TEST_REQUIRE(f.tensors.size() == tensors.size());
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        BOOST_TEST_INFO("tensor " << tensors[i].first);
        BOOST_TEST(f.tensors[i].first == tensors[i].first);  // the order given, not sorted
        BOOST_TEST(bit_identical(f.tensors[i].second, *tensors[i].second));
    }
    BOOST_TEST(f.tensors[1].second.dimension() == 0u);  // a scalar stays a scalar
    BOOST_TEST(f.metadata == metadata);
}

BOOST_AUTO_TEST_CASE(the_same_tensors_give_the_same_bytes) {
    ScratchDir dir;
    const Array special = special_values();  // [3, 4]
    const Array w = {{1.0, 2.0}};            // [1, 2]
    const std::vector<std::pair<std::string, const Array*>> tensors = {{"w", &w}, {"s", &special}};
    save_safetensors(dir.file("a.safetensors"), tensors, {{"k", "v"}});
    save_safetensors(dir.file("b.safetensors"), tensors, {{"k", "v"}});
    const std::string a = read_bytes(dir.file("a.safetensors"));
    BOOST_TEST(a == read_bytes(dir.file("b.safetensors")));
    // Written over itself: still the same bytes.
    save_safetensors(dir.file("a.safetensors"), tensors, {{"k", "v"}});
    BOOST_TEST(a == read_bytes(dir.file("a.safetensors")));
    // The data section starts 8-byte aligned; the header is padded with spaces.
    std::uint64_t n = 0;
    std::memcpy(&n, a.data(), 8);
    BOOST_TEST((8 + n) % 8 == 0u);
    BOOST_TEST(a.size() == 8 + n + 8 * (2 + 12));
}

BOOST_AUTO_TEST_CASE(header_is_laid_out_like_the_reference_and_the_generator) {
    // make_checkpoints.py writes valid/model.safetensors as the reference implementation
    // would (compact JSON, __metadata__ first, space padding); tapegrad writes the same bytes.
    ScratchDir dir;
    const std::vector<std::pair<std::string, const Array*>> tensors = {{"0.weight", &kModelWeight},
                                                                       {"0.bias", &kModelBias}};
    const Metadata metadata = {{"format", "tapegrad"}, {"step", "5"}};
    save_safetensors(dir.file("model.safetensors"), tensors, metadata);
    const std::string written = read_bytes(dir.file("model.safetensors"));
    BOOST_TEST(written == read_bytes(kCheckpoints + "/valid/model.safetensors"));
    BOOST_TEST(written.substr(8, 22) == R"({"__metadata__":{"form)");
    BOOST_TEST(safetensors_header(tensors, metadata) == written.substr(0, written.size() - 72));
}

BOOST_AUTO_TEST_CASE(metadata_round_trips_any_strings) {
    ScratchDir dir;
    const Metadata metadata = {{"optimizer.step", "1200"},
                               {"quote\"and\\backslash", "line\nbreak\ttab"},
                               {"unicode", "Gewicht ä ✓"},
                               {"", "empty key"}};
    save_safetensors(dir.file("m.safetensors"), {}, metadata);
    const SafetensorsFile f = load_safetensors(dir.file("m.safetensors"));
    BOOST_TEST(f.tensors.empty());
    BOOST_TEST(f.metadata == metadata);
    // No metadata: no __metadata__ entry at all.
    save_safetensors(dir.file("none.safetensors"), {}, {});
    BOOST_TEST(read_bytes(dir.file("none.safetensors")).substr(8) == "{}      ");
    BOOST_TEST(load_safetensors(dir.file("none.safetensors")).metadata.empty());
}

BOOST_AUTO_TEST_CASE(parse_from_memory_equals_load_from_the_file) {
    for (const auto& e : fs::directory_iterator(kCheckpoints + "/valid")) {
        BOOST_TEST_INFO(e.path().string());
        const SafetensorsFile from_file = load_safetensors(e.path().string());
        const SafetensorsFile from_memory = parse_safetensors(read_bytes(e.path().string()), "x");
        BOOST_TEST_REQUIRE(from_file.tensors.size() == from_memory.tensors.size());
        for (std::size_t i = 0; i < from_file.tensors.size(); ++i) {
            BOOST_TEST(from_file.tensors[i].first == from_memory.tensors[i].first);
            BOOST_TEST(bit_identical(from_file.tensors[i].second, from_memory.tensors[i].second));
        }
        BOOST_TEST(from_file.metadata == from_memory.metadata);
    }
}

BOOST_AUTO_TEST_CASE(valid_files_load_as_written) {
    const SafetensorsFile model = load_safetensors(kCheckpoints + "/valid/model.safetensors");
    BOOST_TEST_REQUIRE(model.tensors.size() == 2u);
    BOOST_TEST(model.tensors[0].first == "0.weight");
    BOOST_TEST(bit_identical(model.tensors[0].second, kModelWeight));
    BOOST_TEST(model.tensors[1].first == "0.bias");
    BOOST_TEST(bit_identical(model.tensors[1].second, kModelBias));
    BOOST_TEST((model.metadata == Metadata{{"format", "tapegrad"}, {"step", "5"}}));

    // Listed b, a in the header; a's data comes first, so a comes first.
    const SafetensorsFile order =
        load_safetensors(kCheckpoints + "/valid/header_order_differs.safetensors");
    BOOST_TEST_REQUIRE(order.tensors.size() == 2u);
    BOOST_TEST(order.tensors[0].first == "a");
    BOOST_TEST(order.tensors[0].second(0) == 1.0);
    BOOST_TEST(order.tensors[1].first == "b");

    const SafetensorsFile shapes =
        load_safetensors(kCheckpoints + "/valid/scalar_and_empty.safetensors");
    BOOST_TEST_REQUIRE(shapes.tensors.size() == 4u);
    BOOST_TEST(shapes.tensors[0].first == "scalar");
    BOOST_TEST(shapes.tensors[0].second.dimension() == 0u);
    BOOST_TEST(shapes.tensors[0].second() == -3.5);
    BOOST_TEST(shape_string(shapes.tensors[1].second) == "[0]");
    BOOST_TEST(shape_string(shapes.tensors[2].second) == "[2, 0]");
    BOOST_TEST(shapes.tensors[3].first == "after");

    const SafetensorsFile special =
        load_safetensors(kCheckpoints + "/valid/special_values.safetensors");
    const Array v = {-0.0,    5e-324,   2.2250738585072014e-308, 1.7976931348623157e308,
                     -1e-310, 1.0 / 3.0};  // [6]
    BOOST_TEST(bit_identical(special.tensors.at(0).second, v));

    const SafetensorsFile unicode =
        load_safetensors(kCheckpoints + "/valid/unicode_names.safetensors");
    BOOST_TEST(unicode.tensors.at(0).first == "gewicht.ä");
    BOOST_TEST(unicode.metadata.at("Schlüssel") == "Wert ✓");
    BOOST_TEST(load_safetensors(kCheckpoints + "/valid/empty_header.safetensors").tensors.empty());
}

namespace {

/// A broken file and a part of the message that must refuse it (after "<path>: ").
struct BrokenFile {
    const char* file;
    const char* message;
};
std::ostream& operator<<(std::ostream& out, const BrokenFile& b) {
    return out << b.file;
}

const BrokenFile kBrokenFiles[] = {
    // the length prefix and the header's size
    {"empty_file", "header length: the file has 0 bytes, fewer than the 8 of the header length"},
    {"truncated_length", "header length: the file has 5 bytes, fewer than the 8"},
    {"truncated_header", "header length: 128 bytes but only 20 follow the 8-byte length"},
    {"header_length_beyond_file", "header length: 1000000 bytes but only 72 follow"},
    {"header_length_above_limit",
     "header length: 100000001 bytes is above the limit of 100000000 (kMaxHeaderBytes)"},
    {"header_length_max_u64", "header length: 18446744073709551615 bytes is above the limit"},
    {"truncated_data", "0.bias.data_offsets: [48, 72] ends beyond the data section (60 bytes)"},
    {"trailing_bytes",
     "data section: 8 trailing bytes after the last tensor's data (80 bytes, the tensors "
     "cover 72)"},
    // the JSON itself
    {"bad_json",
     "header: not valid JSON: line 1, column 41: syntax error while parsing object key"},
    {"json_not_object", "header: expected a JSON object, got an array"},
    {"invalid_utf8",
     "header: not valid JSON: line 1, column 4: syntax error while parsing object "
     "key - invalid string: ill-formed UTF-8 byte"},
    {"nul_padding",
     "header: not valid JSON: a NUL byte at header byte 55 (pad a header with "
     "spaces)"},
    {"nul_then_garbage", "header: not valid JSON: a NUL byte at header byte 55"},
    {"leading_bom", "header: does not begin with '{' (a byte-order mark or leading whitespace)"},
    {"leading_space", "header: does not begin with '{'"},
    {"deep_nesting", "header: nested deeper than 8 levels"},
    {"number_overflow", "header: not valid JSON: number overflow parsing '1e999'"},
    {"duplicate_names", "w: given twice in the header"},
    {"duplicate_field", "w.dtype: given twice in one object"},
    {"duplicate_metadata_key", "__metadata__.step: given twice in one object"},
    // __metadata__
    {"metadata_not_object", "__metadata__: expected an object of strings, got an array"},
    {"metadata_non_string", "__metadata__.step: expected a string, got 5"},
    // one tensor's entry
    {"empty_name", "header: a tensor has an empty name"},
    {"entry_not_object", "w: expected an object with dtype, shape and data_offsets, got an array"},
    {"missing_dtype",
     "w: missing field dtype (a tensor entry has exactly dtype, shape and "
     "data_offsets)"},
    {"missing_shape", "w: missing field shape"},
    {"missing_data_offsets", "w: missing field data_offsets"},
    {"extra_field",
     "w.requires_grad: unknown field (a tensor entry has exactly dtype, shape and "
     "data_offsets)"},
    {"dtype_f32",
     "w.dtype: F32 is not supported: tapegrad reads float64 (F64) only; convert "
     "before saving, in PyTorch tensor.double()"},
    {"dtype_i64", "w.dtype: I64 is not supported: tapegrad reads float64 (F64) only"},
    {"dtype_unknown", "w.dtype: unknown dtype \"double\": tapegrad reads float64 (F64) only"},
    {"dtype_not_string", "w.dtype: expected a string such as \"F64\", got 64"},
    {"shape_negative", "w.shape[0]: expected a non-negative integer, got -2"},
    {"shape_fractional", "w.shape[0]: expected a non-negative integer, got 1.5"},
    {"shape_float_integer", "w.shape[0]: expected a non-negative integer, got 2.0"},
    {"shape_not_array", "w.shape: expected an array of integers, got a number"},
    {"shape_overflow", "w.shape: too large: more than 2^63 bytes of float64"},
    {"shape_overflow_with_zero", "w.shape: too large: more than 2^63 bytes of float64"},
    {"shape_offsets_mismatch",
     "w: shape [2, 3] holds 6 float64 = 48 bytes but data_offsets [0, 40] span 40"},
    {"offsets_not_pair", "w.data_offsets: expected two integers [begin, end], got an array of 1"},
    {"offsets_negative", "w.data_offsets[0]: expected a non-negative integer, got -16"},
    {"offsets_reversed", "w.data_offsets: [16, 0]: begin is after end"},
    {"offsets_beyond_data", "w.data_offsets: [8, 24] ends beyond the data section (16 bytes)"},
    // how the tensors tile the data section
    {"overlapping_offsets", "b.data_offsets: [8, 24] overlaps a's [0, 16]"},
    {"gap",
     "b.data_offsets: [16, 24] leaves a gap: bytes [8, 16) of the data section belong to "
     "no tensor"},
    {"gap_at_start", "a.data_offsets: [8, 16] leaves a gap: bytes [0, 8) of the data section"},
};

}  // namespace

BOOST_DATA_TEST_CASE(each_broken_file_is_refused_with_its_own_message, bdata::make(kBrokenFiles),
                     broken) {
    const std::string path = kCheckpoints + "/invalid/" + broken.file + ".safetensors";
    BOOST_TEST_REQUIRE(fs::exists(path));
    for (int from_memory = 0; from_memory < 2; ++from_memory) {
        std::string message;
        try {
            if (from_memory)
                parse_safetensors(read_bytes(path), path);
            else
                load_safetensors(path);
        } catch (const CheckpointError& e) {
            message = e.what();
        }
        BOOST_TEST_CONTEXT("message: " << message) {
            BOOST_TEST(message.rfind(path + ": ", 0) == 0u);  // starts with the file
            BOOST_TEST(message.find(broken.message) != std::string::npos);
            BOOST_TEST(message.find('\n') == std::string::npos);  // one line
        }
    }
}

BOOST_AUTO_TEST_CASE(every_invalid_file_is_in_the_table_or_needs_an_option) {
    std::set<std::string> listed;
    for (const BrokenFile& b : kBrokenFiles) listed.insert(std::string(b.file) + ".safetensors");
    for (const auto& e : fs::directory_iterator(kCheckpoints + "/invalid")) {
        const std::string name = e.path().filename().string();
        BOOST_TEST_INFO(name);
        const bool needs_option = name.rfind("nonfinite_", 0) == 0 || name.rfind("model_", 0) == 0;
        BOOST_TEST((listed.count(name) == 1) != needs_option);
        if (needs_option) BOOST_CHECK_NO_THROW(load_safetensors(e.path().string()));
    }
}

BOOST_AUTO_TEST_CASE(messages_stay_one_line_for_odd_names_and_absurd_shapes) {
    auto message = [](const std::string& header) {
        std::string bytes(8, '\0');
        const std::uint64_t n = header.size();
        std::memcpy(&bytes[0], &n, 8);  // little-endian, as the format
        try {
            parse_safetensors(bytes + header, "mem");
        } catch (const CheckpointError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    std::string rank_40 = "[1";
    for (int i = 1; i < 40; ++i) rank_40 += ",1";
    rank_40 += "]";
    BOOST_TEST(
        message(R"({"w":{"dtype":"F64","shape":)" + rank_40 + R"(,"data_offsets":[0,16]}})") ==
        "mem: w: shape [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, ... (rank 40)] "
        "holds 1 float64 = 8 bytes but data_offsets [0, 16] span 16");
    BOOST_TEST(message(R"({"a\nb":{"dtype":"F32","shape":[],"data_offsets":[0,4]}})")
                   .rfind("mem: a\\x0ab.dtype: F32 is not supported", 0) == 0u);
}

BOOST_AUTO_TEST_CASE(require_finite_names_the_tensor_and_the_flat_index) {
    const std::string nan_path = kCheckpoints + "/invalid/nonfinite_nan.safetensors";
    const std::string inf_path = kCheckpoints + "/invalid/nonfinite_inf.safetensors";
    BOOST_CHECK_NO_THROW(load_safetensors(nan_path));  // NaN is a valid F64 value
    LoadOptions finite;
    finite.require_finite = true;
    auto message = [&](const std::string& path) {
        try {
            load_safetensors(path, finite);
        } catch (const CheckpointError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    BOOST_TEST(message(nan_path) == nan_path +
                                        ": w[2]: nan at this flat (row-major) index; "
                                        "LoadOptions::require_finite refuses NaN and infinities");
    BOOST_TEST(message(inf_path).find(inf_path + ": w[3]: -inf at this flat") == 0u);
    BOOST_CHECK_NO_THROW(load_safetensors(kCheckpoints + "/valid/model.safetensors", finite));
}

BOOST_AUTO_TEST_CASE(missing_or_unreadable_files_are_refused) {
    ScratchDir dir;
    const std::string missing = dir.file("missing.safetensors");
    BOOST_CHECK_EXCEPTION(
        load_safetensors(missing), CheckpointError, [&](const CheckpointError& e) {
            return std::string(e.what()) == missing + ": open: No such file or directory";
        });
    BOOST_CHECK_EXCEPTION(
        load_safetensors(dir.path.string()), CheckpointError, [&](const CheckpointError& e) {
            return std::string(e.what()) == dir.path.string() + ": open: not a regular file";
        });
}

BOOST_AUTO_TEST_CASE(bad_names_are_refused_before_anything_is_written) {
    ScratchDir dir;
    const std::string path = dir.file("x.safetensors");
    const Array a = {1.0};  // [1]
    using List = std::vector<std::pair<std::string, const Array*>>;
    auto refused = [&](const List& tensors, const Metadata& metadata, const std::string& part) {
        try {
            save_safetensors(path, tensors, metadata);
        } catch (const std::invalid_argument& e) {
            BOOST_TEST_INFO(e.what());
            BOOST_TEST(std::string(e.what()).find("save_safetensors: " + path + ": " + part) == 0u);
            return;
        }
        BOOST_ERROR("not refused: " << part);
    };
    refused({{"", &a}}, {}, "tensor 0 has an empty name");
    refused({{"a", &a}, {"a", &a}}, {}, "a: name given twice");
    refused({{"__metadata__", &a}}, {}, "tensor 0: the name __metadata__ is reserved");
    refused({{"a", nullptr}}, {}, "a: null array");
    refused({{"bad\xff", &a}}, {}, "tensor 0's name \"bad\\xff\" is not valid UTF-8");
    refused({{"a", &a}}, {{"k", "\xc3"}}, "metadata value of k \"\\xc3\" is not valid UTF-8");
    BOOST_TEST(fs::is_empty(dir.path));  // not even a temporary file

    NamedTensors undefined = {{"w", Tensor()}};
    BOOST_CHECK_THROW(save_checkpoint(path, undefined, {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(a_failed_write_removes_its_temporary_and_keeps_the_old_file) {
    ScratchDir dir;
    const std::string path = dir.file("model.safetensors");
    const Array old_value = {1.0, 2.0};  // [2]
    save_safetensors(path, {{"w", &old_value}}, {});
    const std::string old_bytes = read_bytes(path);

    const Array big = xt::zeros<double>({1 << 16});  // [65536]
    SaveOptions fail_midway;
    fail_midway.chunk_bytes = 4096;
    fail_midway.after_chunk = [](std::size_t written, std::size_t total) {
        if (written > total / 2) throw std::runtime_error("disk full (simulated)");
    };
    BOOST_CHECK_THROW(save_safetensors(path, {{"w", &big}}, {}, fail_midway), std::runtime_error);
    BOOST_TEST(read_bytes(path) == old_bytes);
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir.path)) names.push_back(e.path().filename());
    BOOST_TEST(names == std::vector<std::string>{"model.safetensors"});
}

// The writer is SIGKILLed halfway through writing a 32 MiB checkpoint over an existing one:
// the old checkpoint is intact and loads; the orphaned temporary file keeps its own name and
// is refused as truncated.
BOOST_AUTO_TEST_CASE(a_writer_killed_midway_leaves_the_old_checkpoint_intact) {
    ScratchDir dir;
    const std::string path = dir.file("model.safetensors");
    const NamedTensors old_model = test_model(0.25);
    save_checkpoint(path, old_model, {{"step", "1"}});
    const std::string old_bytes = read_bytes(path);

    int ready[2];
    BOOST_TEST_REQUIRE(::pipe(ready) == 0);
    const pid_t child = ::fork();
    BOOST_TEST_REQUIRE(child >= 0);
    if (child == 0) {
        // The writer: a new, large checkpoint under the same name, stopped at the
        // fault-injection point once half of it is on disk, until the parent kills it.
        ::close(ready[0]);
        const Array big_w = xt::ones<double>({2048, 2048});  // [2048, 2048], 32 MiB
        const Array big_b = xt::ones<double>({3});           // [3]
        NamedTensors big = {{"0.weight", Tensor(big_w)}, {"0.bias", Tensor(big_b)}};
        SaveOptions options;
        options.chunk_bytes = 1 << 20;
        options.after_chunk = [&](std::size_t written, std::size_t total) {
            if (written >= total / 2) {
                const char byte = 'x';
                if (::write(ready[1], &byte, 1) != 1) ::_exit(4);
                for (;;) ::pause();
            }
        };
        try {
            save_checkpoint(path, big, {{"step", "2"}}, options);
        } catch (...) {
            ::_exit(5);
        }
        ::_exit(6);  // never reached: the save was to be killed
    }
    ::close(ready[1]);
    char byte = 0;
    const ssize_t got = ::read(ready[0], &byte, 1);
    ::close(ready[0]);
    BOOST_TEST_REQUIRE(got == 1);  // the child reached the middle of the write
    BOOST_TEST_REQUIRE(::kill(child, SIGKILL) == 0);
    int status = 0;
    BOOST_TEST_REQUIRE(::waitpid(child, &status, 0) == child);
    BOOST_TEST(WIFSIGNALED(status));
    BOOST_TEST(WTERMSIG(status) == SIGKILL);

    // The old checkpoint is untouched and loads.
    BOOST_TEST(read_bytes(path) == old_bytes);
    const NamedTensors model = test_model(-1.0);
    const Metadata metadata = load_checkpoint(path, model);
    BOOST_TEST(metadata.at("step") == "1");
    BOOST_TEST(bit_identical(model[0].tensor.value(), old_model[0].tensor.value()));
    BOOST_TEST(bit_identical(model[1].tensor.value(), old_model[1].tensor.value()));

    // The orphan: "<path>.tmp-<pid>-<n>", about half written, refused if anyone loads it.
    std::vector<fs::path> others;
    for (const auto& e : fs::directory_iterator(dir.path))
        if (e.path().string() != path) others.push_back(e.path());
    BOOST_TEST_REQUIRE(others.size() == 1u);
    const std::string orphan = others[0].string();
    BOOST_TEST(orphan.rfind(path + ".tmp-" + std::to_string(child) + "-", 0) == 0u);
    BOOST_TEST(fs::file_size(orphan) >= (std::uintmax_t{32} << 20) / 2);
    BOOST_CHECK_EXCEPTION(load_safetensors(orphan), CheckpointError, [&](const CheckpointError& e) {
        return std::string(e.what()).find("ends beyond the data section") != std::string::npos;
    });

    // The next save replaces the checkpoint; the orphan stays until someone deletes it.
    save_checkpoint(path, model, {{"step", "3"}});
    BOOST_TEST(load_checkpoint(path, model).at("step") == "3");
    BOOST_TEST(fs::exists(orphan));
}

BOOST_AUTO_TEST_CASE(load_checkpoint_fills_the_model_by_name) {
    const NamedTensors model = test_model(9.0);
    const Tensor weight = model[0].tensor;  // another handle to the same tensor
    const double* buffer = weight.value().data();
    const Metadata metadata = load_checkpoint(kCheckpoints + "/valid/model.safetensors", model);
    BOOST_TEST(metadata.at("step") == "5");
    BOOST_TEST(bit_identical(weight.value(), kModelWeight));
    BOOST_TEST(bit_identical(model[1].tensor.value(), kModelBias));
    BOOST_TEST(weight.value().data() == buffer);  // copied into the existing buffer
    // The file's order need not be the model's.
    const NamedTensors reversed = {model[1], model[0]};
    BOOST_CHECK_NO_THROW(load_checkpoint(kCheckpoints + "/valid/model.safetensors", reversed));
}

BOOST_AUTO_TEST_CASE(load_checkpoint_refuses_missing_unknown_and_misshapen_tensors) {
    auto message = [](const std::string& name, const LoadOptions& options = {}) {
        const std::string path = kCheckpoints + "/invalid/" + name + ".safetensors";
        const NamedTensors model = test_model(9.0);
        std::string what = "no error";
        try {
            load_checkpoint(path, model, options);
        } catch (const CheckpointError& e) {
            what = e.what();
        }
        // Nothing half-loaded: every value is as before.
        for (const NamedTensor& t : model)
            for (const double v : t.tensor.value()) BOOST_TEST(v == 9.0);
        return what.substr(std::min(what.size(), path.size() + 2));
    };
    BOOST_TEST(message("model_missing_tensor") ==
               "0.bias: missing from the file (the model expects shape [3])");
    BOOST_TEST(message("model_extra_tensor") ==
               "1.weight: unknown name: the model has no such tensor (2 expected)");
    BOOST_TEST(message("model_wrong_shape") ==
               "0.weight: shape [2, 3] in the file, the model expects [3, 2]");
    // The first tensor is fine, the second is not: neither changes.
    BOOST_TEST(message("model_second_tensor_bad") ==
               "0.bias: shape [3, 1] in the file, the model expects [3]");
    BOOST_TEST(message("truncated_data").find("0.bias.data_offsets") == 0u);
}

BOOST_AUTO_TEST_CASE(a_non_finite_second_tensor_leaves_the_whole_model_unchanged) {
    ScratchDir dir;
    const std::string path = dir.file("model.safetensors");
    NamedTensors saved = test_model(1.5);
    saved[1].tensor.value()(2) = std::nan("");
    save_checkpoint(path, saved, {});
    const NamedTensors model = test_model(-7.0);
    LoadOptions finite;
    finite.require_finite = true;
    BOOST_CHECK_EXCEPTION(load_checkpoint(path, model, finite), CheckpointError,
                          [&](const CheckpointError& e) {
                              return std::string(e.what()).find(path + ": 0.bias[2]: nan") == 0;
                          });
    for (const NamedTensor& t : model)
        for (const double v : t.tensor.value()) BOOST_TEST(v == -7.0);
}

BOOST_AUTO_TEST_CASE(expected_tensors_must_be_named_once_and_defined) {
    const std::string path = kCheckpoints + "/valid/model.safetensors";
    const NamedTensors model = test_model(0.0);
    BOOST_CHECK_THROW(load_checkpoint(path, {model[0], model[0]}), std::invalid_argument);
    BOOST_CHECK_THROW(load_checkpoint(path, {{"", model[0].tensor}}), std::invalid_argument);
    BOOST_CHECK_THROW(load_checkpoint(path, {{"0.weight", Tensor()}}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(optimizer_state_rides_along_by_the_naming_convention) {
    // What a resume saves: the parameters, AdamW's moments as "optimizer.<state>.<param>" and
    // the step count in the metadata; one load_checkpoint call restores all of it.
    ScratchDir dir;
    const std::string path = dir.file("resume.safetensors");
    const NamedTensors params = test_model(0.5);
    NamedTensors state = params;
    for (const NamedTensor& p : params) {
        const Array m = p.tensor.value() * 0.1;   // [shape of p]
        const Array v = p.tensor.value() * 0.01;  // [shape of p]
        state.push_back({"optimizer.exp_avg." + p.name, Tensor(m)});
        state.push_back({"optimizer.exp_avg_sq." + p.name, Tensor(v)});
    }
    save_checkpoint(path, state, {{"optimizer.step", "1200"}, {"optimizer.lr", "0.001"}});

    NamedTensors restored = test_model(0.0);
    for (const NamedTensor& p : params) {
        restored.push_back({"optimizer.exp_avg." + p.name, Tensor(Array(p.tensor.shape()))});
        restored.push_back({"optimizer.exp_avg_sq." + p.name, Tensor(Array(p.tensor.shape()))});
    }
    const Metadata metadata = load_checkpoint(path, restored);
    BOOST_TEST(std::stoi(metadata.at("optimizer.step")) == 1200);
    for (std::size_t i = 0; i < state.size(); ++i) {
        BOOST_TEST_INFO(state[i].name);
        BOOST_TEST(restored[i].name == state[i].name);
        BOOST_TEST(bit_identical(restored[i].tensor.value(), state[i].tensor.value()));
    }
    // Parameters alone do not load from a resume file: the optimizer's names are unknown.
    BOOST_CHECK_THROW(load_checkpoint(path, test_model(0.0)), CheckpointError);
}

// ---- resume: a run stopped at step k and resumed from its checkpoint is byte-identical ----

namespace {

// A small model trained with AdamW: z = x W^T + b, softmax cross-entropy, a fixed batch.
struct Trainer {
    NamedTensors params{{"W_out", Tensor::parameter(random_array({5, 4}, 21), "W_out")},
                        {"b_out", Tensor::parameter(random_array({5}, 22), "b_out")}};
    AdamW opt;
    Tape tape;
    Trainer() : opt(params, options()) {}
    static AdamWOptions options() {
        AdamWOptions o;
        o.lr = 0.05;
        o.weight_decay = 0.1;
        o.decay_only_matrices = true;
        return o;
    }
    void step() {
        static const Array x = random_array({3, 4}, 23);  // [B, d]
        tape.rewind();
        Tensor z = linear(tape, Tensor(x), params[0].tensor, params[1].tensor);  // [B, V]
        opt.zero_grad();
        tape.backward(softmax_cross_entropy(tape, z, {0, 4, 2}));
        opt.step();
    }
    // Parameters, the optimizer's moments ("optimizer.<state name>") in one list.
    NamedTensors checkpoint_tensors() {
        NamedTensors all = params;
        for (const NamedTensor& s : opt.state()) all.push_back({"optimizer." + s.name, s.tensor});
        return all;
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(a_run_resumed_from_its_checkpoint_is_byte_identical_at_every_later_step) {
    const int k = 4;
    ScratchDir dir;
    const std::string path = dir.file("step4.safetensors");
    Trainer straight;
    std::vector<std::vector<Array>> trajectory;  // parameters after each step of 2k
    for (int t = 0; t < 2 * k; ++t) {
        straight.step();
        trajectory.push_back(
            {straight.params[0].tensor.value(), straight.params[1].tensor.value()});
    }

    {  // run k steps, save, stop
        Trainer first;
        for (int t = 0; t < k; ++t) first.step();
        Metadata metadata = first.opt.hyperparameters();
        metadata["optimizer.step"] = std::to_string(first.opt.step_count());
        save_checkpoint(path, first.checkpoint_tensors(), metadata);
    }
    Trainer resumed;  // a new process would start here: fresh parameters, fresh optimizer
    const Metadata metadata = load_checkpoint(path, resumed.checkpoint_tensors());
    resumed.opt.set_step_count(std::stol(metadata.at("optimizer.step")));
    for (int t = k; t < 2 * k; ++t) {
        resumed.step();
        BOOST_TEST_INFO("step " << t + 1);
        BOOST_TEST(bit_identical(resumed.params[0].tensor.value(), trajectory[t][0]));
        BOOST_TEST(bit_identical(resumed.params[1].tensor.value(), trajectory[t][1]));
    }
}

BOOST_AUTO_TEST_SUITE_END()

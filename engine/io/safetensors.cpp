#include "engine/io/safetensors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

namespace tapegrad {

// The data section is raw little-endian IEEE-754 doubles, copied to and from the arrays as
// bytes: right only on a little-endian machine with 8-byte IEEE doubles.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
              "safetensors.cpp copies little-endian data as it is: port it (byte-swap each "
              "element) before building for a big-endian machine");
static_assert(std::numeric_limits<double>::is_iec559 && sizeof(double) == 8,
              "F64 is an IEEE-754 binary64");
static_assert(Array::static_layout == xt::layout_type::row_major,
              "the data section is row-major: Array must be too");

namespace {

using json = nlohmann::ordered_json;  // keeps the header's key order (it is the write order)

constexpr std::size_t kF64Bytes = 8;
// Offsets and sizes must fit a signed 64-bit offset (what xtensor's strides and a file's
// off_t hold).
constexpr std::uint64_t kMaxBytes =
    static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
const char* const kMetadataKey = "__metadata__";

// A text safe to print on one line: control characters (and with ascii_only, every byte that
// is not printable ASCII, as in a parser message quoting raw bytes) become \xNN; long texts
// are cut.
std::string printable(const std::string& s, bool ascii_only = false) {
    constexpr std::size_t kMaxChars = 200;
    std::string out;
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f || (ascii_only && c >= 0x80)) {
            const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += ch;
        }
        if (out.size() > kMaxChars) return out + "...";
    }
    return out;
}

[[noreturn]] void fail(const std::string& file, const std::string& field, const std::string& what) {
    throw CheckpointError(file + ": " + field + ": " + what);
}

std::string kind_of(const json& j) {
    switch (j.type()) {
        case json::value_t::object:
            return "an object";
        case json::value_t::array:
            return "an array";
        case json::value_t::string:
            return "a string";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::null:
            return "null";
        default:
            return "a number";
    }
}

// "-3", "2.5", "\"x\"", "an array": what a message quotes back of a wrong value.
std::string describe(const json& j) {
    if (j.is_object() || j.is_array()) return kind_of(j);
    return printable(j.dump());  // a scalar parsed from the header: valid UTF-8, dumps fine
}

// shape_string, cut short for the absurd ranks a file may claim (the message stays a line).
std::string shape_text(const Shape& shape) {
    constexpr std::size_t kMaxRank = 16;
    if (shape.size() <= kMaxRank) return shape_string(shape);
    const Shape head(shape.begin(), shape.begin() + kMaxRank);
    const std::string text = shape_string(head);
    return text.substr(0, text.size() - 1) + ", ... (rank " + std::to_string(shape.size()) + ")]";
}

std::string offsets_string(std::uint64_t begin, std::uint64_t end) {
    return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

// One tensor of the header, checked on its own.
struct Entry {
    std::string name;
    Shape shape;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

// The whole header, checked against the data section's size: the entries sorted by their
// data (contiguous, covering the section exactly) and the metadata.
struct Layout {
    std::vector<Entry> entries;
    Metadata metadata;
};

// Parses the header text. Refuses deep nesting and keys given twice in one object (nlohmann
// keeps the last one silently).
json parse_json(const std::string& text, const std::string& file) {
    std::vector<std::set<std::string>> keys_seen;  // one set per open object
    std::vector<std::string> key_path;             // the current key in each open object
    auto check = [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth > kMaxHeaderDepth)
            fail(file, "header",
                 "nested deeper than " + std::to_string(kMaxHeaderDepth) + " levels");
        switch (event) {
            case json::parse_event_t::object_start:
                keys_seen.emplace_back();
                key_path.emplace_back();
                break;
            case json::parse_event_t::key: {
                const std::string& key = parsed.get_ref<const std::string&>();
                if (!keys_seen.back().insert(key).second) {
                    std::string field;
                    for (std::size_t i = 0; i + 1 < key_path.size(); ++i)
                        field += printable(key_path[i]) + ".";
                    field += printable(key);
                    fail(file, field.empty() ? "\"\"" : field,
                         key_path.size() == 1 ? "given twice in the header"
                                              : "given twice in one object");
                }
                key_path.back() = key;
                break;
            }
            case json::parse_event_t::object_end:
                keys_seen.pop_back();
                key_path.pop_back();
                break;
            default:
                break;
        }
        return true;
    };
    // nlohmann's lexer takes a NUL byte for the end of the input, so "{...}\0garbage" would
    // parse; JSON text never holds one (in strings it must be escaped).
    const std::size_t nul = text.find('\0');
    if (nul != std::string::npos) {
        fail(file, "header",
             "not valid JSON: a NUL byte at header byte " + std::to_string(nul) +
                 " (pad a header with spaces)");
    }
    try {
        return json::parse(text, check);
    } catch (const json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." ->
        // "line 1, column 5: ..."; out_of_range for numbers beyond a double (1e999).
        std::string what = e.what();
        const std::size_t tag_end = what.find("] ");
        if (tag_end != std::string::npos) what = what.substr(tag_end + 2);
        const std::string at = "parse error at ";
        if (what.compare(0, at.size(), at) == 0) what = what.substr(at.size());
        fail(file, "header", "not valid JSON: " + printable(what, true));
    }
}

Metadata parse_metadata(const json& j, const std::string& file) {
    if (!j.is_object())
        fail(file, kMetadataKey, "expected an object of strings, got " + kind_of(j));
    Metadata metadata;
    for (const auto& item : j.items()) {
        if (!item.value().is_string()) {
            fail(file, std::string(kMetadataKey) + "." + printable(item.key()),
                 "expected a string, got " + describe(item.value()) +
                     " (metadata values are strings: write numbers as text, \"5\")");
        }
        metadata[item.key()] = item.value().get<std::string>();
    }
    return metadata;
}

std::uint64_t non_negative_integer(const json& j, const std::string& file,
                                   const std::string& field) {
    // nlohmann keeps 3 as unsigned, -3 as integer, 3.0 / 1e3 / 2^64 and beyond as float.
    if (!j.is_number_unsigned())
        fail(file, field, "expected a non-negative integer, got " + describe(j));
    return j.get<std::uint64_t>();
}

const char* const kEntryFields = "dtype, shape and data_offsets";

Entry parse_entry(const std::string& name, const json& j, std::uint64_t data_size,
                  const std::string& file) {
    const std::string field = printable(name);
    if (!j.is_object()) {
        fail(file, field,
             std::string("expected an object with ") + kEntryFields + ", got " + kind_of(j));
    }
    for (const auto& item : j.items()) {
        const std::string& key = item.key();
        if (key != "dtype" && key != "shape" && key != "data_offsets") {
            fail(file, field + "." + printable(key),
                 std::string("unknown field (a tensor entry has exactly ") + kEntryFields + ")");
        }
    }
    for (const char* required : {"dtype", "shape", "data_offsets"}) {
        if (!j.contains(required)) {
            fail(file, field,
                 std::string("missing field ") + required + " (a tensor entry has exactly " +
                     kEntryFields + ")");
        }
    }

    const json& dtype = j["dtype"];
    if (!dtype.is_string())
        fail(file, field + ".dtype", "expected a string such as \"F64\", got " + describe(dtype));
    const std::string& dtype_name = dtype.get_ref<const std::string&>();
    if (dtype_name != "F64") {
        static const std::set<std::string> kOtherDtypes = {
            "BOOL", "U8",  "I8",  "F8_E5M2", "F8_E4M3", "I16", "U16", "F16",
            "BF16", "I32", "U32", "F32",     "I64",     "U64", "C64"};
        const std::string which = kOtherDtypes.count(dtype_name)
                                      ? dtype_name + " is not supported"
                                      : "unknown dtype " + describe(dtype);
        fail(file, field + ".dtype",
             which +
                 ": tapegrad reads float64 (F64) only; convert before saving, in PyTorch "
                 "tensor.double() ({k: v.double() for k, v in state_dict.items()})");
    }

    Entry e;
    e.name = name;
    const json& shape = j["shape"];
    if (!shape.is_array())
        fail(file, field + ".shape", "expected an array of integers, got " + kind_of(shape));
    std::uint64_t elements = 1;          // the product of all extents
    std::uint64_t nonzero_elements = 1;  // the product of the non-zero ones: bounds the strides
    for (std::size_t i = 0; i < shape.size(); ++i) {
        const std::uint64_t n =
            non_negative_integer(shape[i], file, field + ".shape[" + std::to_string(i) + "]");
        if (n > 0 && nonzero_elements > kMaxBytes / kF64Bytes / n) {
            fail(file, field + ".shape",
                 "too large: more than 2^63 bytes of float64 (the extents multiply beyond a "
                 "64-bit offset)");
        }
        if (n > 0) nonzero_elements *= n;
        elements *= n;
        e.shape.push_back(static_cast<std::size_t>(n));
    }

    const json& offsets = j["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2) {
        fail(file, field + ".data_offsets",
             "expected two integers [begin, end], got " +
                 (offsets.is_array() ? "an array of " + std::to_string(offsets.size())
                                     : kind_of(offsets)));
    }
    e.begin = non_negative_integer(offsets[0], file, field + ".data_offsets[0]");
    e.end = non_negative_integer(offsets[1], file, field + ".data_offsets[1]");
    const std::string span = offsets_string(e.begin, e.end);
    if (e.begin > e.end) fail(file, field + ".data_offsets", span + ": begin is after end");
    const std::uint64_t bytes = elements * kF64Bytes;  // no overflow: checked above
    if (e.end - e.begin != bytes) {
        fail(file, field,
             "shape " + shape_text(e.shape) + " holds " + std::to_string(elements) +
                 " float64 = " + std::to_string(bytes) + " bytes but data_offsets " + span +
                 " span " + std::to_string(e.end - e.begin));
    }
    if (e.end > data_size) {
        fail(file, field + ".data_offsets",
             span + " ends beyond the data section (" + std::to_string(data_size) + " bytes)");
    }
    return e;
}

// Checks everything the header says against a data section of data_size bytes.
Layout parse_header(const std::string& header, std::uint64_t data_size, const std::string& file) {
    const json j = parse_json(header, file);
    if (!j.is_object()) fail(file, "header", "expected a JSON object, got " + kind_of(j));
    // nlohmann skips a byte-order mark and leading whitespace; the reference implementation
    // refuses a header that does not begin with '{'.
    if (header[0] != '{')
        fail(file, "header", "does not begin with '{' (a byte-order mark or leading whitespace)");
    Layout layout;
    for (const auto& item : j.items()) {
        if (item.key() == kMetadataKey) {
            layout.metadata = parse_metadata(item.value(), file);
        } else if (item.key().empty()) {
            fail(file, "header", "a tensor has an empty name");
        } else {
            layout.entries.push_back(parse_entry(item.key(), item.value(), data_size, file));
        }
    }
    // The header may list the tensors in any order; their data must tile the section.
    std::stable_sort(layout.entries.begin(), layout.entries.end(),
                     [](const Entry& a, const Entry& b) {
                         return std::make_pair(a.begin, a.end) < std::make_pair(b.begin, b.end);
                     });
    std::uint64_t covered = 0;  // the data section up to here belongs to the tensors so far
    const Entry* previous = nullptr;
    for (const Entry& e : layout.entries) {
        const std::string field = printable(e.name) + ".data_offsets";
        const std::string span = offsets_string(e.begin, e.end);
        if (e.begin < covered) {
            fail(file, field,
                 span + " overlaps " + printable(previous->name) + "'s " +
                     offsets_string(previous->begin, previous->end));
        }
        if (e.begin > covered) {
            fail(file, field,
                 span + " leaves a gap: bytes [" + std::to_string(covered) + ", " +
                     std::to_string(e.begin) + ") of the data section belong to no tensor");
        }
        covered = e.end;
        previous = &e;
    }
    if (covered != data_size) {
        fail(file, "data section",
             std::to_string(data_size - covered) +
                 " trailing bytes after the last tensor's data (" + std::to_string(data_size) +
                 " bytes, the tensors cover " + std::to_string(covered) + ")");
    }
    return layout;
}

// The first 8 bytes: the header length, checked against the limit and the file's size.
std::uint64_t header_length(const unsigned char* prefix, std::uint64_t file_size,
                            const std::string& file) {
    std::uint64_t n = 0;
    for (int i = 7; i >= 0; --i) n = (n << 8) | prefix[i];
    if (n > kMaxHeaderBytes) {
        fail(file, "header length",
             std::to_string(n) + " bytes is above the limit of " + std::to_string(kMaxHeaderBytes) +
                 " (kMaxHeaderBytes)");
    }
    if (n > file_size - 8) {
        fail(file, "header length",
             std::to_string(n) + " bytes but only " + std::to_string(file_size - 8) +
                 " follow the 8-byte length");
    }
    return n;
}

void too_short(std::uint64_t file_size, const std::string& file) {
    if (file_size < 8) {
        fail(file, "header length",
             "the file has " + std::to_string(file_size) +
                 " bytes, fewer than the 8 of the header length");
    }
}

// Makes each entry's array and lets `read(entry, destination, bytes)` fill it.
template <class Read>
SafetensorsFile read_tensors(Layout layout, const LoadOptions& options, const std::string& file,
                             Read read) {
    SafetensorsFile result;
    result.metadata = std::move(layout.metadata);
    result.tensors.reserve(layout.entries.size());
    for (Entry& e : layout.entries) {
        Array a(e.shape);  // [e.shape], uninitialised until read
        if (a.size() > 0) read(e, a.data(), a.size() * kF64Bytes);
        if (options.require_finite) {
            const std::size_t i = first_non_finite(a);
            if (i < a.size()) {
                const double v = a.data()[i];
                fail(file, printable(e.name) + "[" + std::to_string(i) + "]",
                     std::string(std::isnan(v) ? "nan"
                                 : v > 0       ? "inf"
                                               : "-inf") +
                         " at this flat (row-major) index; LoadOptions::require_finite refuses "
                         "NaN and infinities");
            }
        }
        result.tensors.emplace_back(std::move(e.name), std::move(a));
    }
    return result;
}

// A file descriptor closed when it goes out of scope.
class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }
    // Closes now and reports close()'s error (a write-back failure can surface here).
    int close() {
        const int rc = ::close(fd_);
        fd_ = -1;
        return rc;
    }

private:
    int fd_;
};

// Reads `n` bytes at `offset`; false when the file ends first.
bool pread_exact(int fd, void* destination, std::size_t n, std::uint64_t offset,
                 const std::string& file) {
    auto* p = static_cast<char*>(destination);
    while (n > 0) {
        const std::size_t ask = std::min<std::size_t>(n, std::size_t{1} << 30);
        const ssize_t got = ::pread(fd, p, ask, static_cast<off_t>(offset));
        if (got < 0) {
            if (errno == EINTR) continue;
            fail(file, "read", std::strerror(errno));
        }
        if (got == 0) return false;
        p += got;
        n -= static_cast<std::size_t>(got);
        offset += static_cast<std::uint64_t>(got);
    }
    return true;
}

[[noreturn]] void system_fail(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

void write_all(int fd, const char* p, std::size_t n, const std::string& tmp) {
    while (n > 0) {
        const ssize_t put = ::write(fd, p, std::min<std::size_t>(n, std::size_t{1} << 30));
        if (put < 0) {
            if (errno == EINTR) continue;
            system_fail("save_safetensors: " + tmp + ": cannot write");
        }
        p += put;
        n -= static_cast<std::size_t>(put);
    }
}

// Throws when a name or metadata string is not valid UTF-8 (JSON strings must be).
void require_utf8(const std::string& s, const std::string& what, const std::string& where) {
    try {
        (void)json(s).dump();
    } catch (const json::type_error&) {
        throw std::invalid_argument(where + what + " \"" + printable(s, true) +
                                    "\" is not valid UTF-8");
    }
}

// The 8-byte length and the padded header, exactly as the reference implementation lays
// them out; `where` starts the messages of std::invalid_argument.
std::string encode_header(const std::vector<std::pair<std::string, const Array*>>& tensors,
                          const Metadata& metadata, const std::string& where) {
    json header = json::object();
    if (!metadata.empty()) {
        json m = json::object();
        for (const auto& [key, value] : metadata) {
            require_utf8(key, "metadata key", where);
            require_utf8(value, "metadata value of " + printable(key), where);
            m[key] = value;
        }
        header[kMetadataKey] = std::move(m);
    }
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const auto& [name, array] = tensors[i];
        const std::string which = "tensor " + std::to_string(i);
        if (name.empty()) throw std::invalid_argument(where + which + " has an empty name");
        if (name == kMetadataKey)
            throw std::invalid_argument(where + which + ": the name __metadata__ is reserved");
        require_utf8(name, which + "'s name", where);
        if (!names.insert(name).second)
            throw std::invalid_argument(where + printable(name) + ": name given twice");
        if (array == nullptr) throw std::invalid_argument(where + printable(name) + ": null array");
        const std::uint64_t bytes = array->size() * kF64Bytes;
        json entry = json::object();
        entry["dtype"] = "F64";
        entry["shape"] = json::array();
        for (const std::size_t n : array->shape()) entry["shape"].push_back(n);
        entry["data_offsets"] = json::array({offset, offset + bytes});
        header[name] = std::move(entry);
        offset += bytes;
    }
    std::string head = header.dump();
    head.append((8 - head.size() % 8) % 8, ' ');  // data section 8-byte aligned
    std::string first_chunk(8, '\0');
    for (int i = 0; i < 8; ++i)
        first_chunk[i] =
            static_cast<char>((static_cast<std::uint64_t>(head.size()) >> (8 * i)) & 0xff);
    first_chunk += head;
    return first_chunk;
}

}  // namespace

std::string safetensors_header(const std::vector<std::pair<std::string, const Array*>>& tensors,
                               const Metadata& metadata) {
    return encode_header(tensors, metadata, "safetensors_header: ");
}

SafetensorsFile parse_safetensors(const std::string& bytes, const std::string& name_for_messages,
                                  const LoadOptions& options) {
    const std::string& file = name_for_messages;
    too_short(bytes.size(), file);
    const std::uint64_t n =
        header_length(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), file);
    const std::size_t data_start = 8 + static_cast<std::size_t>(n);
    Layout layout =
        parse_header(bytes.substr(8, static_cast<std::size_t>(n)), bytes.size() - data_start, file);
    return read_tensors(std::move(layout), options, file,
                        [&](const Entry& e, double* destination, std::size_t count) {
                            std::memcpy(destination, bytes.data() + data_start + e.begin, count);
                        });
}

SafetensorsFile load_safetensors(const std::string& path, const LoadOptions& options) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) fail(path, "open", std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) fail(path, "open", std::strerror(errno));
    if (!S_ISREG(st.st_mode)) fail(path, "open", "not a regular file");
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    too_short(file_size, path);

    const std::string changed = "the file ended early (did it change while being read?)";
    unsigned char prefix[8];
    if (!pread_exact(fd.get(), prefix, 8, 0, path)) fail(path, "header length", changed);
    const std::uint64_t n = header_length(prefix, file_size, path);
    std::string header(static_cast<std::size_t>(n), '\0');
    if (n > 0 && !pread_exact(fd.get(), header.data(), header.size(), 8, path))
        fail(path, "header", changed);
    const std::uint64_t data_start = 8 + n;
    Layout layout = parse_header(header, file_size - data_start, path);
    return read_tensors(
        std::move(layout), options, path,
        [&](const Entry& e, double* destination, std::size_t count) {
            if (!pread_exact(fd.get(), destination, count, data_start + e.begin, path))
                fail(path, printable(e.name), changed);
        });
}

void save_safetensors(const std::string& path,
                      const std::vector<std::pair<std::string, const Array*>>& tensors,
                      const Metadata& metadata, const SaveOptions& options) {
    const std::string where = "save_safetensors: " + path + ": ";
    if (options.chunk_bytes == 0) throw std::invalid_argument(where + "chunk_bytes is 0");

    const std::string first_chunk = encode_header(tensors, metadata, where);
    std::size_t data_bytes = 0;
    for (const auto& t : tensors) data_bytes += t.second->size() * kF64Bytes;
    const std::size_t total = first_chunk.size() + data_bytes;

    // A fresh temporary file next to the target (same file system, so rename is atomic).
    static std::atomic<unsigned> counter{0};
    std::string tmp;
    int raw_fd = -1;
    do {
        tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
        raw_fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    } while (raw_fd < 0 && errno == EEXIST);
    if (raw_fd < 0) system_fail(where + "cannot create the temporary file " + tmp);
    Fd fd(raw_fd);
    try {
        std::size_t written = 0;
        write_all(fd.get(), first_chunk.data(), first_chunk.size(), tmp);
        written += first_chunk.size();
        if (options.after_chunk) options.after_chunk(written, total);
        for (const auto& [name, array] : tensors) {
            const char* p = reinterpret_cast<const char*>(array->data());
            std::size_t left = array->size() * kF64Bytes;
            while (left > 0) {
                const std::size_t n = std::min(left, options.chunk_bytes);
                write_all(fd.get(), p, n, tmp);
                p += n;
                left -= n;
                written += n;
                if (options.after_chunk) options.after_chunk(written, total);
            }
        }
        if (::fsync(fd.get()) != 0) system_fail(where + "cannot fsync " + tmp);
        if (fd.close() != 0) system_fail(where + "cannot close " + tmp);
        if (::rename(tmp.c_str(), path.c_str()) != 0)
            system_fail(where + "cannot rename " + tmp + " over it");
    } catch (...) {
        ::unlink(tmp.c_str());
        throw;
    }
    // The rename is durable only once the folder's entry is on disk.
    std::string folder = std::filesystem::path(path).parent_path().string();
    if (folder.empty()) folder = ".";
    Fd dir(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() < 0) system_fail(where + "written, but cannot open its folder to fsync it");
    // EINVAL: a file system that cannot sync a folder (the rename is as durable as it gets).
    if (::fsync(dir.get()) != 0 && errno != EINVAL)
        system_fail(where + "written, but cannot fsync its folder");
}

void save_checkpoint(const std::string& path, const NamedTensors& tensors, const Metadata& metadata,
                     const SaveOptions& options) {
    std::vector<std::pair<std::string, const Array*>> arrays;
    arrays.reserve(tensors.size());
    for (const NamedTensor& t : tensors) {
        if (!t.tensor.defined()) {
            throw std::invalid_argument("save_checkpoint: " + path + ": " + printable(t.name) +
                                        ": undefined tensor handle");
        }
        arrays.emplace_back(t.name, &t.tensor.value());
    }
    save_safetensors(path, arrays, metadata, options);
}

Metadata load_checkpoint(const std::string& path, const NamedTensors& expected,
                         const LoadOptions& options) {
    const std::string where = "load_checkpoint: " + path + ": ";
    std::map<std::string, const NamedTensor*> by_name;
    for (const NamedTensor& t : expected) {
        if (t.name.empty()) throw std::invalid_argument(where + "an expected tensor has no name");
        if (!t.tensor.defined())
            throw std::invalid_argument(where + printable(t.name) + ": undefined tensor handle");
        if (!by_name.emplace(t.name, &t).second)
            throw std::invalid_argument(where + printable(t.name) + ": expected twice");
    }

    SafetensorsFile file = load_safetensors(path, options);
    std::map<std::string, const Array*> loaded;
    for (const auto& [name, array] : file.tensors) loaded.emplace(name, &array);
    for (const NamedTensor& t : expected) {
        if (!loaded.count(t.name)) {
            fail(path, printable(t.name),
                 "missing from the file (the model expects shape " +
                     shape_string(t.tensor.shape()) + ")");
        }
    }
    for (const auto& [name, array] : file.tensors) {
        if (!by_name.count(name)) {
            fail(path, printable(name),
                 "unknown name: the model has no such tensor (" + std::to_string(expected.size()) +
                     " expected)");
        }
    }
    for (const NamedTensor& t : expected) {
        const Array& a = *loaded.at(t.name);
        if (!shapes_equal(a.shape(), t.tensor.shape())) {
            fail(path, printable(t.name),
                 "shape " + shape_text(a.shape()) + " in the file, the model expects " +
                     shape_string(t.tensor.shape()));
        }
    }
    // Everything checked: copy into the existing buffers (no throw from here on).
    for (const NamedTensor& t : expected) {
        const Array& a = *loaded.at(t.name);
        Array& value = t.tensor.data().value;
        std::copy(a.data(), a.data() + a.size(), value.data());
    }
    return std::move(file.metadata);
}

}  // namespace tapegrad

#include "examples/case_tool/case_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace tapegrad {

namespace {

using json = nlohmann::json;

[[noreturn]] void fail(const std::string& field, const std::string& what) {
    throw CaseError(field + ": " + what);
}

// "a string", "null", ... for "expected a number, got a string".
std::string kind_of(const json& j) {
    switch (j.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return "a boolean";
        case json::value_t::string:
            return "a string";
        case json::value_t::array:
            return "an array";
        case json::value_t::object:
            return "an object";
        default:
            return "a number";
    }
}

// "1 row", "2 rows".
std::string plural(std::size_t n, const std::string& one, const std::string& many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

// A number as JSON writes it (shortest form that reads back the same).
std::string number_text(double v) {
    return json(v).dump();
}

// A value as the case file wrote it, cut short for a one-line message.
std::string value_text(const json& j) {
    const std::string text = j.dump();
    return text.size() <= 40 ? text : text.substr(0, 37) + "...";
}

// Keeps a message printable: bytes outside printable ASCII (an ill-formed UTF-8 byte the JSON
// parser quotes back, a control character) become '?'.
std::string printable(std::string text) {
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f)
            ch = '?';
    return text;
}

double number_at(const json& j, const std::string& field) {
    if (!j.is_number()) fail(field, "expected a number, got " + kind_of(j));
    const double v = j.get<double>();
    // The JSON parser already refuses literals that overflow; this keeps the promise for
    // json values built any other way.
    if (!std::isfinite(v)) fail(field, "is not a finite number");
    return v;
}

// A whole number in [0, limit]: JSON integers, or numbers such as 2.0 / 2e0 that are whole.
// `what` names the range for the message ("W has V = 3 rows (0..2)").
std::size_t whole_number_at(const json& j, const std::string& field, double limit,
                            const std::string& what) {
    if (!j.is_number()) fail(field, "expected a whole number, got " + kind_of(j));
    if (j.is_number_unsigned()) {
        const auto u = j.get<std::uint64_t>();
        if (static_cast<double>(u) > limit)
            fail(field, value_text(j) + " is out of range: " + what);
        return static_cast<std::size_t>(u);
    }
    const double v = j.get<double>();  // signed integers fit a double exactly up to 2^53
    if (j.is_number_float() && v != std::floor(v))
        fail(field, "must be a whole number, got " + value_text(j));
    if (v < 0) fail(field, "must not be negative, got " + value_text(j));
    if (v > limit) fail(field, value_text(j) + " is out of range: " + what);
    return static_cast<std::size_t>(v);
}

// A non-empty array of numbers.
std::vector<double> numbers_at(const json& j, const std::string& field) {
    if (!j.is_array()) fail(field, "expected an array of numbers, got " + kind_of(j));
    if (j.empty()) fail(field, "is empty");
    std::vector<double> out;
    out.reserve(j.size());
    for (std::size_t i = 0; i < j.size(); ++i)
        out.push_back(number_at(j[i], field + "[" + std::to_string(i) + "]"));
    return out;
}

Array vector_array(const std::vector<double>& v) {
    Array a = xt::zeros<double>({v.size()});  // [n]
    std::copy(v.begin(), v.end(), a.begin());
    return a;
}

// A non-empty array of equally long, non-empty rows of numbers: [rows, cols].
Array matrix_at(const json& j, const std::string& field, const std::string& row_hint) {
    if (!j.is_array())
        fail(field, "expected an array of rows (" + row_hint + "), got " + kind_of(j));
    if (j.empty()) fail(field, "is empty");
    std::vector<std::vector<double>> rows;
    for (std::size_t r = 0; r < j.size(); ++r) {
        const std::string row_field = field + "[" + std::to_string(r) + "]";
        if (!j[r].is_array())
            fail(row_field, "expected a row (an array of numbers), got " + kind_of(j[r]));
        rows.push_back(numbers_at(j[r], row_field));
        if (rows[r].size() != rows[0].size()) {
            fail(row_field, "has " + plural(rows[r].size(), "number", "numbers") + " but " + field +
                                "[0] has " + std::to_string(rows[0].size()) +
                                " (all rows must be equally long)");
        }
    }
    Array m = xt::zeros<double>({rows.size(), rows[0].size()});  // [rows, cols]
    for (std::size_t r = 0; r < rows.size(); ++r)
        std::copy(rows[r].begin(), rows[r].end(), m.data() + r * rows[0].size());
    return m;
}

// Parses the text into a json value. Refuses nesting deeper than kMaxDepth and keys given
// twice in one object (nlohmann would keep the last silently); names the field whose number
// overflows a double as far as the object keys tell it.
json parse_json(const std::string& text) {
    std::vector<std::set<std::string>> keys_seen;  // one set per open object
    std::vector<std::string> key_path;             // the current key in each open object
    auto check = [&](int depth, json::parse_event_t event, json& parsed) {
        if (depth > kMaxDepth)
            fail("case", "nested deeper than " + std::to_string(kMaxDepth) + " levels");
        switch (event) {
            case json::parse_event_t::object_start:
                keys_seen.emplace_back();
                key_path.emplace_back();
                break;
            case json::parse_event_t::key: {
                const std::string& key = parsed.get_ref<const std::string&>();
                if (!keys_seen.back().insert(key).second) fail(key, "given twice in one object");
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
    try {
        return json::parse(text, check);
    } catch (const json::parse_error& e) {
        // "[json.exception.parse_error.101] parse error at line 1, column 5: ..." ->
        // "line 1, column 5: ..."
        std::string what = e.what();
        const std::string at = "parse error at ";
        const std::size_t pos = what.find(at);
        if (pos != std::string::npos) what = what.substr(pos + at.size());
        fail("case", "not valid JSON: " + printable(what));
    } catch (const json::out_of_range& e) {
        // Thrown for number literals beyond the range of a double (1e999).
        std::string field;
        for (const std::string& key : key_path) field += (field.empty() ? "" : ".") + key;
        std::string what = e.what();
        const std::size_t pos = what.find("] ");
        if (pos != std::string::npos) what = what.substr(pos + 2);
        if (what.size() > 80) what = what.substr(0, 77) + "...";
        fail(field.empty() ? "case" : field, printable(what) + " (beyond the range of a double)");
    }
}

const std::set<std::string> kKnownFields = {"W",     "b",  "logits", "x",    "target",
                                            "vocab", "lr", "steps",  "name", "comment"};

std::vector<slides::VocabEntry> vocab_at(const json& j, std::size_t V) {
    if (!j.is_array())
        fail("vocab", "expected an array of {\"id\": ..., \"token\": ...}, got " + kind_of(j));
    if (j.size() != V) {
        fail("vocab", "has " + plural(j.size(), "entry", "entries") + " but W has V = " +
                          plural(V, "row", "rows") + " (one entry per row of W)");
    }
    std::vector<slides::VocabEntry> vocab;
    for (std::size_t i = 0; i < j.size(); ++i) {
        const std::string field = "vocab[" + std::to_string(i) + "]";
        const json& e = j[i];
        if (!e.is_object())
            fail(field, "expected an object {\"id\": ..., \"token\": ...}, got " + kind_of(e));
        for (const auto& item : e.items()) {
            if (item.key() != "id" && item.key() != "token")
                fail(field + "." + item.key(), "unknown field (an entry has \"id\" and \"token\")");
        }
        if (!e.contains("id")) fail(field + ".id", "missing");
        if (!e.contains("token")) fail(field + ".token", "missing");
        const double max_id = 9007199254740992.0;  // 2^53: every id up to it is exact
        const std::size_t id = whole_number_at(e["id"], field + ".id", max_id, "at most 2^53");
        if (!e["token"].is_string())
            fail(field + ".token", "expected a string, got " + kind_of(e["token"]));
        vocab.push_back({static_cast<long>(id), e["token"].get<std::string>()});
    }
    return vocab;
}

// "x": one vector [d] (kept as one row) or rows [B, d].
void read_x(const json& root, Case& c) {
    if (!root.contains("x")) fail("x", "missing (one input of d numbers, or B rows of d)");
    const json& jx = root["x"];
    c.single_input = !(jx.is_array() && !jx.empty() && jx[0].is_array());
    if (c.single_input) {
        const std::vector<double> x = numbers_at(jx, "x");
        c.x = xt::zeros<double>({std::size_t{1}, x.size()});  // [1, d]
        std::copy(x.begin(), x.end(), c.x.begin());
    } else {
        c.x = matrix_at(jx, "x", "B rows of d numbers");  // [B, d]
    }
}

// W = z x^T / (x^T x) from "logits" and the single x, refusing x that make it impossible.
void build_W_from_logits(const json& root, Case& c) {
    c.W_from_logits = true;
    c.logits = vector_array(numbers_at(root["logits"], "logits"));  // [V]
    if (c.B() != 1) {
        fail("x", "has " + std::to_string(c.B()) + " rows, but logits go with a single input x " +
                      "(W = z x^T / (x^T x) is built from one x)");
    }
    if (root.contains("b"))
        fail("b", "not allowed with logits (W is built so that W x = z, with no bias)");
    double xx = 0.0;  // x^T x
    for (double v : c.x) xx += v * v;
    if (xx == 0.0) {
        const bool zero = std::all_of(c.x.begin(), c.x.end(), [](double v) { return v == 0.0; });
        fail("x", zero ? "is zero (x^T x = 0), so no W gives W x = logits"
                       : "is so small that x^T x underflows to 0 in double precision");
    }
    if (!std::isfinite(xx)) fail("x", "x^T x overflows a double");
    Array x_vec = xt::zeros<double>({c.x.shape()[1]});  // [d]
    std::copy(c.x.begin(), c.x.end(), x_vec.begin());
    c.W = slides::w_out_from_logits(c.logits, x_vec);  // [V, d]
    for (double w : c.W)
        if (!std::isfinite(w)) fail("x", "so small that z x^T / (x^T x) overflows a double");
}

// "W" (V rows of d numbers, d matching x) or "logits"; then the optional bias "b" [V].
void read_W_and_b(const json& root, Case& c) {
    const bool has_W = root.contains("W");
    const bool has_logits = root.contains("logits");
    if (has_W && has_logits) fail("W", "give either W or logits, not both");
    if (!has_W && !has_logits)
        fail("W", "missing (give W, V rows of d numbers, or logits, V numbers)");
    if (has_W) {
        c.W = matrix_at(root["W"], "W", "V rows of d numbers");  // [V, d]
        const std::size_t d_x = c.x.shape()[1];
        if (c.d() != d_x) {
            fail("x", (c.single_input ? "has " : "rows have ") + plural(d_x, "number", "numbers") +
                          " but W has d = " + plural(c.d(), "column", "columns"));
        }
    } else {
        build_W_from_logits(root, c);
    }
    if (root.contains("b")) {
        c.has_bias = true;
        c.b = vector_array(numbers_at(root["b"], "b"));  // [V]
        if (c.b.size() != c.V()) {
            fail("b", "has " + plural(c.b.size(), "number", "numbers") +
                          " but W has V = " + plural(c.V(), "row", "rows"));
        }
    }
}

// "target": one class index in [0, V) per row of x; a single index when x has one row.
void read_targets(const json& root, Case& c) {
    if (!root.contains("target")) fail("target", "missing (a class index per input row, 0-based)");
    const json& jt = root["target"];
    const std::size_t B = c.B(), V = c.V();
    const std::string range =
        "W has V = " + plural(V, "row", "rows") + " (indices 0.." + std::to_string(V - 1) + ")";
    if (jt.is_array()) {
        if (jt.empty()) fail("target", "is empty (give one class index per row of x)");
        if (jt.size() != B) {
            fail("target", plural(jt.size(), "class index", "class indices") + " given but x has " +
                               plural(B, "row", "rows"));
        }
        for (std::size_t r = 0; r < B; ++r)
            c.targets.push_back(whole_number_at(jt[r], "target[" + std::to_string(r) + "]",
                                                static_cast<double>(V - 1), range));
        return;
    }
    if (!jt.is_number())
        fail("target", "expected a class index or an array of them, got " + kind_of(jt));
    if (B != 1) {
        fail("target", "a single class index given but x has " + std::to_string(B) +
                           " rows (give one per row)");
    }
    c.targets.push_back(whole_number_at(jt, "target", static_cast<double>(V - 1), range));
}

// "name", "comment", "vocab", "lr", "steps": all optional.
void read_optional_fields(const json& root, Case& c) {
    if (root.contains("name")) {
        if (!root["name"].is_string())
            fail("name", "expected a string, got " + kind_of(root["name"]));
        c.name = root["name"].get<std::string>();
    }
    if (root.contains("comment") && !root["comment"].is_string())
        fail("comment", "expected a string, got " + kind_of(root["comment"]));
    if (root.contains("vocab")) c.vocab = vocab_at(root["vocab"], c.V());
    if (root.contains("lr")) {
        c.lr = number_at(root["lr"], "lr");
        if (c.lr < 0) fail("lr", "must not be negative, got " + number_text(c.lr));
    }
    if (root.contains("steps")) {
        c.steps = static_cast<int>(whole_number_at(root["steps"], "steps", kMaxSteps,
                                                   "at most " + std::to_string(kMaxSteps)));
    }
}

// Central differences over every W[i][j]: 2 V d losses of B V d multiply-adds each.
void check_finite_difference_work(const Case& c) {
    const double one_loss = static_cast<double>(c.B()) * c.V() * c.d();
    const double work = 2.0 * c.V() * c.d() * one_loss;
    if (work > kMaxFiniteDifferenceWork) {
        fail("W", "too large to check by finite differences: W " + shape_string(c.W.shape()) +
                      " and " + plural(c.B(), "row", "rows") + " of x take " + number_text(work) +
                      " multiply-adds (limit " + number_text(kMaxFiniteDifferenceWork) + ")");
    }
}

}  // namespace

Case parse_case(const std::string& json_text) {
    const json root = parse_json(json_text);
    if (!root.is_object())
        fail("case", "expected a JSON object at the top level, got " + kind_of(root));
    for (const auto& item : root.items()) {
        if (!kKnownFields.count(item.key())) {
            fail(item.key(),
                 "unknown field (known: W, b, logits, x, target, vocab, lr, steps, "
                 "name, comment)");
        }
    }
    // In this order, so that each check can name the sizes it compares against.
    Case c;
    read_x(root, c);
    read_W_and_b(root, c);
    read_targets(root, c);
    read_optional_fields(root, c);
    check_finite_difference_work(c);
    return c;
}

std::string read_case_file(const std::string& path) {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(st))
        throw CaseError(path + ": cannot open: " + (ec ? ec.message() : "no such file"));
    if (std::filesystem::is_directory(st)) throw CaseError(path + ": cannot open: is a directory");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw CaseError(path + ": cannot open: " + std::strerror(errno));
    std::string text;
    char buffer[65536];
    while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
        text.append(buffer, static_cast<std::size_t>(in.gcount()));
        if (text.size() > kMaxCaseFileBytes) {
            throw CaseError(path + ": larger than " + std::to_string(kMaxCaseFileBytes >> 20) +
                            " MiB, not a case file");
        }
    }
    if (in.bad()) throw CaseError(path + ": cannot read: " + std::strerror(errno));
    return text;
}

Case load_case(const std::string& path) {
    const std::string text = read_case_file(path);
    try {
        return parse_case(text);
    } catch (const CaseError& e) {
        throw CaseError(path + ": " + e.what());
    }
}

Case bsp1_case(double lr, int steps) {
    const slides::Example ex = slides::bsp1();
    Case c;
    c.name = ex.name;
    c.W_from_logits = true;
    c.logits = ex.z;                                         // [V]
    c.W = slides::w_out_from_logits(ex.z, ex.x);             // [V, d]
    c.x = xt::zeros<double>({std::size_t{1}, ex.x.size()});  // [1, d]
    std::copy(ex.x.begin(), ex.x.end(), c.x.begin());
    c.single_input = true;
    c.targets = {ex.target};
    c.vocab = slides::teil1_vocab();
    c.lr = lr;
    c.steps = steps;
    return c;
}

}  // namespace tapegrad

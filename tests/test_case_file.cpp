// Tests of examples/case_tool/case_file: every broken case in tests/cases/invalid is refused
// with a one-line message naming the field, every case in tests/cases/valid is read as written.

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <set>
#include <string>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_result.hpp"
#include "source_paths.hpp"

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using namespace tapegrad;

namespace test_case_file {

const std::string kCases = test::cases_dir();

/// A broken case file and the start of the message that must refuse it. `when_run`: the file
/// parses (each number is fine) but computing it overflows, so run_case must refuse it.
struct BrokenCase {
    const char* file;
    const char* message;
    bool when_run = false;
};
std::ostream& operator<<(std::ostream& out, const BrokenCase& c) {
    return out << c.file;
}

const BrokenCase kBrokenCases[] = {
    // not JSON, or not a case at all
    {"not_json.json",
     "case: not valid JSON: line 1, column 1: syntax error while parsing value - invalid literal"},
    {"empty_file.json",
     "case: not valid JSON: line 1, column 1: syntax error while parsing value - unexpected end of "
     "input"},
    {"truncated.json",
     "case: not valid JSON: line 2, column 1: syntax error while parsing array - unexpected end of "
     "input"},
    {"trailing_garbage.json",
     "case: not valid JSON: line 1, column 43: syntax error while parsing value - invalid literal"},
    {"invalid_utf8.json",
     "case: not valid JSON: line 1, column 52: syntax error while parsing value - invalid string: "
     "ill-formed UTF-8 byte"},
    {"top_level_array.json", "case: expected a JSON object at the top level, got an array"},
    {"top_level_null.json", "case: expected a JSON object at the top level, got null"},
    {"top_level_number.json", "case: expected a JSON object at the top level, got a number"},
    {"top_level_string.json", "case: expected a JSON object at the top level, got a string"},
    {"deep_nesting.json", "case: nested deeper than 32 levels"},
    {"deep_nesting_in_W.json", "case: nested deeper than 32 levels"},
    {"duplicate_field.json", "W: given twice in one object"},
    {"unknown_field.json",
     "step: unknown field (known: W, b, logits, x, target, vocab, lr, steps, name, comment)"},
    {"name_number.json", "name: expected a string, got a number"},
    // missing fields
    {"missing_W_and_logits.json", "W: missing (give W, V rows of d numbers, or logits, V numbers)"},
    {"missing_x.json", "x: missing (one input of d numbers, or B rows of d)"},
    {"missing_target.json", "target: missing (a class index per input row, 0-based)"},
    {"W_and_logits.json", "W: give either W or logits, not both"},
    // shapes
    {"ragged_W.json", "W[1]: has 3 numbers but W[0] has 2 (all rows must be equally long)"},
    {"ragged_x.json", "x[1]: has 1 number but x[0] has 2 (all rows must be equally long)"},
    {"empty_W.json", "W: is empty"},
    {"empty_W_rows.json", "W[0]: is empty"},
    {"empty_x.json", "x: is empty"},
    {"empty_x_row.json", "x[0]: is empty"},
    {"empty_logits.json", "logits: is empty"},
    {"empty_b.json", "b: is empty"},
    {"empty_target.json", "target: is empty (give one class index per row of x)"},
    {"empty_vocab.json", "vocab: has 0 entries but W has V = 1 row (one entry per row of W)"},
    {"W_three_levels.json", "W[0][0]: expected a number, got an array"},
    {"W_not_array.json", "W: expected an array of rows (V rows of d numbers), got a number"},
    {"W_row_not_array.json", "W[0]: expected a row (an array of numbers), got a number"},
    {"x_rows_then_number.json", "x[1]: expected a row (an array of numbers), got a number"},
    {"x_number_then_row.json", "x[1]: expected a number, got an array"},
    {"x_wrong_length.json", "x: has 3 numbers but W has d = 2 columns"},
    {"x_rows_wrong_length.json", "x: rows have 3 numbers but W has d = 2 columns"},
    {"b_wrong_length.json", "b: has 2 numbers but W has V = 3 rows"},
    {"vocab_wrong_length.json",
     "vocab: has 2 entries but W has V = 3 rows (one entry per row of W)"},
    // targets
    {"target_out_of_range.json", "target: 3 is out of range: W has V = 3 rows (indices 0..2)"},
    {"target_row_out_of_range.json",
     "target[1]: 5 is out of range: W has V = 3 rows (indices 0..2)"},
    {"target_huge.json", "target: 1e+300 is out of range: W has V = 3 rows (indices 0..2)"},
    {"target_negative.json", "target: must not be negative, got -1"},
    {"target_row_negative.json", "target[1]: must not be negative, got -2"},
    {"target_fractional.json", "target: must be a whole number, got 1.5"},
    {"target_string.json", "target: expected a class index or an array of them, got a string"},
    {"target_row_string.json", "target[0]: expected a whole number, got a string"},
    {"target_null.json", "target: expected a class index or an array of them, got null"},
    {"target_boolean.json", "target[0]: expected a whole number, got a boolean"},
    {"too_few_targets.json", "target: 1 class index given but x has 2 rows"},
    {"too_many_targets.json", "target: 3 class indices given but x has 2 rows"},
    {"one_target_for_two_rows.json",
     "target: a single class index given but x has 2 rows (give one per row)"},
    // non-numbers where numbers belong
    {"W_string.json", "W[0][1]: expected a number, got a string"},
    {"W_null.json", "W[1][0]: expected a number, got null"},
    {"W_boolean.json", "W[1][1]: expected a number, got a boolean"},
    {"x_string.json", "x[0]: expected a number, got a string"},
    {"x_null.json", "x: expected an array of numbers, got null"},
    {"x_row_boolean.json", "x[1][0]: expected a number, got a boolean"},
    {"b_boolean.json", "b[0]: expected a number, got a boolean"},
    {"b_string.json", "b: expected an array of numbers, got a string"},
    {"logits_null.json", "logits[1]: expected a number, got null"},
    {"logits_object.json", "logits: expected an array of numbers, got an object"},
    // numbers that overflow a double
    {"W_overflow.json", "W: number overflow parsing '1e999' (beyond the range of a double)"},
    {"x_overflow_negative.json",
     "x: number overflow parsing '-1e400' (beyond the range of a double)"},
    {"lr_overflow.json", "lr: number overflow parsing '1e309' (beyond the range of a double)"},
    {"logits_huge_integer.json", "logits: number overflow parsing '9999999999"},
    {"vocab_id_overflow.json",
     "vocab.id: number overflow parsing '1e999' (beyond the range of a double)"},
    // the logits form
    {"zero_x_with_logits.json", "x: is zero (x^T x = 0), so no W gives W x = logits"},
    {"underflowing_x_with_logits.json",
     "x: is so small that x^T x underflows to 0 in double precision"},
    {"overflowing_x_with_logits.json", "x: x^T x overflows a double"},
    {"logits_with_two_rows.json", "x: has 2 rows, but logits go with a single input x"},
    {"logits_with_bias.json",
     "b: not allowed with logits (W is built so that W x = z, with no bias)"},
    // steps and lr
    {"steps_negative.json", "steps: must not be negative, got -1"},
    {"steps_fractional.json", "steps: must be a whole number, got 2.5"},
    {"steps_string.json", "steps: expected a whole number, got a string"},
    {"steps_too_many.json", "steps: 10000000.0 is out of range: at most 1000000"},
    {"lr_string.json", "lr: expected a number, got a string"},
    {"lr_null.json", "lr: expected a number, got null"},
    {"lr_boolean.json", "lr: expected a number, got a boolean"},
    {"lr_array.json", "lr: expected a number, got an array"},
    {"lr_negative.json", "lr: must not be negative, got -0.1"},
    // the vocabulary
    {"vocab_entry_string.json",
     "vocab[0]: expected an object {\"id\": ..., \"token\": ...}, got a string"},
    {"vocab_missing_token.json", "vocab[0].token: missing"},
    {"vocab_missing_id.json", "vocab[0].id: missing"},
    {"vocab_id_negative.json", "vocab[0].id: must not be negative, got -5"},
    {"vocab_id_string.json", "vocab[0].id: expected a whole number, got a string"},
    {"vocab_token_number.json", "vocab[0].token: expected a string, got a number"},
    {"vocab_unknown_field.json",
     "vocab[0].tokn: unknown field (an entry has \"id\" and \"token\")"},
    {"vocab_duplicate_id_key.json", "id: given twice in one object"},
    // every number fine, but not together
    {"z_overflows.json", "W, x: z = x W^T overflows a double; scale the numbers down", true},
    {"lr_diverges.json",
     "lr: SGD diverged at step 1 (the loss is no longer a finite number); try a smaller lr", true},
};

std::string invalid_path(const std::string& file) {
    return kCases + "/invalid/" + file;
}
std::string valid_path(const std::string& file) {
    return kCases + "/valid/" + file;
}

/// The message of the CaseError that `f` throws, or "" when it throws none.
template <class F>
std::string case_error_of(F f) {
    try {
        f();
    } catch (const CaseError& e) {
        return e.what();
    }
    return "";
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace test_case_file

BOOST_AUTO_TEST_SUITE(test_case_file)

BOOST_DATA_TEST_CASE(each_broken_case_is_refused_naming_its_field, bdata::make(kBrokenCases),
                     broken) {
    const std::string text = read_case_file(invalid_path(broken.file));
    std::string message;
    if (broken.when_run) {
        const Case c = parse_case(text);  // must parse: the problem shows only when computing
        message = case_error_of([&] { run_case(c); });
    } else {
        message = case_error_of([&] { parse_case(text); });
    }
    BOOST_TEST_INFO("message: " << message);
    BOOST_TEST(starts_with(message, broken.message));
    BOOST_TEST(message.find('\n') == std::string::npos);
}

BOOST_AUTO_TEST_CASE(every_broken_case_file_is_in_the_table_and_every_entry_has_a_file) {
    std::set<std::string> files;
    for (const auto& entry : fs::directory_iterator(kCases + "/invalid"))
        files.insert(entry.path().filename().string());
    std::set<std::string> listed;
    for (const BrokenCase& c : kBrokenCases) listed.insert(c.file);
    BOOST_TEST(files == listed, boost::test_tools::per_element());
    BOOST_TEST(listed.size() == std::size(kBrokenCases));  // no file listed twice
}

BOOST_AUTO_TEST_CASE(each_valid_case_file_parses) {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(kCases + "/valid")) {
        BOOST_TEST_INFO("file: " << entry.path());
        BOOST_CHECK_NO_THROW(load_case(entry.path().string()));
        ++count;
    }
    BOOST_TEST(count >= 5u);
}

BOOST_AUTO_TEST_CASE(bsp1_file_is_the_built_in_bsp1) {
    const Case file = load_case(valid_path("bsp1.json"));
    const Case built_in = bsp1_case(0.5, 5);
    BOOST_TEST(file.W == built_in.W);  // the same formula on the same numbers: bit for bit
    BOOST_TEST(file.x == built_in.x);
    BOOST_TEST(file.logits == built_in.logits);
    BOOST_TEST(file.targets == built_in.targets, boost::test_tools::per_element());
    BOOST_TEST(file.single_input);
    BOOST_TEST(file.W_from_logits);
    BOOST_TEST(!file.has_bias);
    BOOST_TEST(file.lr == 0.5);
    BOOST_TEST(file.steps == 5);
    BOOST_REQUIRE(file.vocab.size() == 3u);
    BOOST_TEST(file.vocab[0].id == 12856);
    BOOST_TEST(file.vocab[1].token == "Deutschland");
}

BOOST_AUTO_TEST_CASE(a_batch_case_keeps_rows_bias_and_targets) {
    const Case c = load_case(valid_path("batch_with_bias.json"));
    BOOST_TEST(c.V() == 4u);
    BOOST_TEST(c.d() == 3u);
    BOOST_TEST(c.B() == 3u);
    BOOST_TEST(!c.single_input);
    BOOST_TEST(c.has_bias);
    BOOST_TEST(c.b(2) == 0.2);
    BOOST_TEST(c.x(1, 2) == 0.9);
    BOOST_TEST(c.W(3, 2) == -1.3);
    BOOST_TEST(c.targets == (std::vector<std::size_t>{1, 2, 0}), boost::test_tools::per_element());
    BOOST_TEST(c.lr == 0.3);
    BOOST_TEST(c.steps == 8);
    BOOST_TEST(c.name == "three inputs, a bias, four tokens");
}

BOOST_AUTO_TEST_CASE(whole_numbers_written_as_decimals_are_indices_and_defaults_apply) {
    const Case c = parse_case(R"({"W": [[1, 2], [3, 4], [5, 6]], "x": [[1, 2]], "target": [2.0]})");
    BOOST_TEST(c.targets.at(0) == 2u);
    BOOST_TEST(!c.single_input);  // [[...]] is one row, not a single vector
    BOOST_TEST(c.lr == 0.5);      // the walkthrough's defaults
    BOOST_TEST(c.steps == 5);
    BOOST_TEST(parse_case(R"({"W": [[1]], "x": [1], "target": 0, "steps": 2e0})").steps == 2);
}

BOOST_AUTO_TEST_CASE(a_million_nested_brackets_are_refused_without_a_crash) {
    const std::string deep(1000000, '[');
    BOOST_TEST(case_error_of([&] { parse_case(deep); }) == "case: nested deeper than 32 levels");
    const std::string deep_field = R"({"x": )" + deep;
    BOOST_TEST(case_error_of([&] { parse_case(deep_field); }) ==
               "case: nested deeper than 32 levels");
}

BOOST_AUTO_TEST_CASE(a_case_too_large_for_finite_differences_is_refused_before_computing) {
    // W [100, 100], 20 rows: 2 * 1e4 losses of 2e5 multiply-adds = 4e9 > kMaxFiniteDifferenceWork.
    std::string row = "[" + std::string(199, '0') + "]";
    for (std::size_t k = 1; k < 199; k += 2) row[k + 1] = ',';
    std::string W = "[" + row;
    for (int i = 1; i < 100; ++i) W += "," + row;
    W += "]";
    std::string x = "[" + row;
    for (int i = 1; i < 20; ++i) x += "," + row;
    x += "]";
    const std::string text = R"({"W": )" + W + R"(, "x": )" + x +
                             R"(, "target": [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]})";
    const std::string message = case_error_of([&] { parse_case(text); });
    BOOST_TEST_INFO("message: " << message);
    BOOST_TEST(starts_with(
        message, "W: too large to check by finite differences: W [100, 100] and 20 rows"));
}

BOOST_AUTO_TEST_CASE(files_that_cannot_be_read_are_named) {
    const std::string missing = kCases + "/no_such_case.json";
    BOOST_TEST(case_error_of([&] { read_case_file(missing); }) ==
               missing + ": cannot open: No such file or directory");
    BOOST_TEST(case_error_of([&] { read_case_file(kCases); }) ==
               kCases + ": cannot open: is a directory");
}

BOOST_AUTO_TEST_CASE(load_case_puts_the_path_before_the_field) {
    const std::string path = invalid_path("ragged_W.json");
    BOOST_TEST(
        starts_with(case_error_of([&] { load_case(path); }), path + ": W[1]: has 3 numbers"));
}

BOOST_AUTO_TEST_CASE(case_error_is_an_invalid_argument) {
    BOOST_CHECK_THROW(parse_case("[]"), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

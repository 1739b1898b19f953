// Tests of examples/case_tool/case_report: the JSON document has the issue's schema and every
// number reads back to the very double computed; the tables show what they promise.

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_report.hpp"
#include "examples/case_tool/case_result.hpp"
#include "examples/text/pad.hpp"
#include "source_paths.hpp"

using namespace tapegrad;
using json = nlohmann::ordered_json;

namespace test_case_report {

const std::string kCases = test::cases_dir();

std::vector<std::string> keys(const json& j) {
    std::vector<std::string> out;
    for (const auto& item : j.items()) out.push_back(item.key());
    return out;
}

// Every element of `a` equals the JSON numbers (rows of) `j` exactly.
bool same_numbers(const json& j, const Array& a) {
    std::vector<double> flat;
    if (a.dimension() == 1) {
        for (const json& v : j) flat.push_back(v.get<double>());
    } else {
        for (const json& row : j)
            for (const json& v : row) flat.push_back(v.get<double>());
    }
    return flat.size() == a.size() && std::equal(flat.begin(), flat.end(), a.begin());
}

}  // namespace test_case_report

BOOST_AUTO_TEST_SUITE(test_case_report)

BOOST_AUTO_TEST_CASE(json_has_the_schema_fields_in_order) {
    const Case c = bsp1_case(0.5, 5);
    const json doc = json::parse(result_json_text(c, run_case(c)));
    BOOST_TEST(keys(doc) == (std::vector<std::string>{"probs", "loss", "prediction", "grads",
                                                      "max_abs_diff", "sgd"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys(doc["grads"]) == (std::vector<std::string>{"W", "x", "logits"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys(doc["grads"]["W"]) ==
                   (std::vector<std::string>{"autodiff", "closed_form", "finite_difference"}),
               boost::test_tools::per_element());
    BOOST_TEST(doc["prediction"] ==
               json::parse(R"([{"index": 0, "id": 12856, "token": "Frankreich"}])"));
    BOOST_TEST(
        keys(doc["max_abs_diff"]) ==
            (std::vector<std::string>{"autodiff_vs_closed_form", "autodiff_vs_finite_difference"}),
        boost::test_tools::per_element());
    BOOST_TEST(doc["sgd"].size() == 6u);
    BOOST_TEST(keys(doc["sgd"][0]) == (std::vector<std::string>{"step", "loss", "p_target"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bias_gradients_appear_only_with_a_bias_and_ids_only_with_a_vocab) {
    const Case with_bias = load_case(kCases + "/valid/batch_with_bias.json");
    const json doc = result_json(with_bias, run_case(with_bias));
    BOOST_TEST(keys(doc["grads"]) == (std::vector<std::string>{"W", "b", "x", "logits"}),
               boost::test_tools::per_element());
    BOOST_TEST(keys(doc["grads"]["b"]) == (std::vector<std::string>{"autodiff", "closed_form"}),
               boost::test_tools::per_element());
    const Case no_vocab = load_case(kCases + "/valid/bsp2.json");
    const json plain = result_json(no_vocab, run_case(no_vocab));
    BOOST_TEST(plain["prediction"] == json::parse(R"([{"index": 0}])"));
}

BOOST_AUTO_TEST_CASE(every_number_reads_back_to_the_same_double) {
    const Case c = load_case(kCases + "/valid/batch_with_bias.json");
    const CaseResult r = run_case(c);
    const json doc = json::parse(result_json_text(c, r));
    BOOST_TEST(same_numbers(doc["probs"], r.probs));
    BOOST_TEST(doc["loss"].get<double>() == r.loss);
    BOOST_TEST(same_numbers(doc["grads"]["W"]["autodiff"], r.grad_W.autodiff));
    BOOST_TEST(same_numbers(doc["grads"]["W"]["finite_difference"], r.grad_W.finite_difference));
    BOOST_TEST(same_numbers(doc["grads"]["b"]["closed_form"], r.grad_b.closed_form));
    BOOST_TEST(same_numbers(doc["grads"]["x"]["autodiff"], r.grad_x.autodiff));
    BOOST_TEST(same_numbers(doc["grads"]["logits"]["closed_form"], r.grad_logits.closed_form));
    BOOST_TEST(doc["max_abs_diff"]["autodiff_vs_finite_difference"].get<double>() ==
               r.max_abs_diff_autodiff_vs_finite_difference);
    for (std::size_t k = 0; k < r.sgd.size(); ++k) {
        BOOST_TEST(doc["sgd"][k]["loss"].get<double>() == r.sgd[k].loss);
        BOOST_TEST(doc["sgd"][k]["p_target"].get<double>() == r.sgd[k].p_target);
    }
}

BOOST_AUTO_TEST_CASE(doubles_that_need_17_digits_survive) {
    // 0.1 + 0.2 = 0.30000000000000004 and the smallest subnormal need every digit.
    for (double v : {0.1 + 0.2, 5e-324, 1.0 / 3.0, 2.0 / 3.0 * 1e-300, 1.7976931348623157e308}) {
        const json j = v;
        BOOST_TEST(json::parse(j.dump()).get<double>() == v);
    }
}

BOOST_AUTO_TEST_CASE(report_shows_rows_loss_gradients_and_sgd) {
    const Case c = load_case(kCases + "/valid/batch_with_bias.json");
    const CaseResult r = run_case(c);
    const std::string text = report_text(c, r, "batch_with_bias.json");
    char loss_line[64], last_step[64];
    std::snprintf(loss_line, sizeof loss_line, "loss L = %.6f  (mean over 3 rows)", r.loss);
    std::snprintf(last_step, sizeof last_step, "   8 | %10.6f | %10.6f", r.sgd.back().loss,
                  r.sgd.back().p_target);
    // Row 2: z = x W^T + b = [1.37, -0.86, 1.64, -2.19] by hand, so Spanien is the argmax.
    for (const char* line :
         {"== Case batch_with_bias.json: three inputs, a bias, four tokens ==",
          "row 2: x = [ -0.400000,   0.600000,   1.700000], target Frankreich (id 12856)",
          "  Spanien (id 9021)            |     1.6400 |", "prediction (argmax): Spanien (id 9021)",
          static_cast<const char*>(loss_line), "finite differences (central, on every element)",
          "dL/db [V]:", "max |autodiff - finite differences| over W:",
          static_cast<const char*>(last_step)}) {
        BOOST_TEST_INFO("line: " << line);
        BOOST_TEST(text.find(line) != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(table_columns_stay_aligned_with_umlauts) {
    Case c = load_case(kCases + "/valid/batch_with_bias.json");
    c.vocab[0].token = "B\xC3\xA4r";  // "Bär": 4 bytes, 3 characters
    c.vocab[1].token =
        "Gr\xC3\xB6\xC3\x9F"
        "e";  // "Größe": 7 bytes, 5 characters
    const std::string text = report_text(c, run_case(c), "umlauts.json");
    // In every class row of the tables, the first '|' is in the same character column.
    std::size_t rows = 0;
    std::size_t column = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::string line = text.substr(start, end - start);
        start = end == std::string::npos ? text.size() : end + 1;
        if (line.find(" (id ") == std::string::npos || line.find('|') == std::string::npos)
            continue;
        const std::size_t bar = text::display_width(line.substr(0, line.find('|')));
        if (rows++ == 0) column = bar;
        BOOST_TEST(bar == column, "line: " << line);
    }
    BOOST_TEST(rows >= 8u);  // 4 classes in each of the 3 rows' tables
}

BOOST_AUTO_TEST_SUITE_END()

// Tests of examples/case_tool/case_result: autodiff, closed form and finite differences agree
// on every valid case, the slide's Bsp. 1 comes out as printed, SGD does what the formulas say.

#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <xtensor/xio.hpp>

#include "engine/inspect/non_finite_error.hpp"
#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_result.hpp"
#include "source_paths.hpp"
#include "test_helpers.hpp"

namespace bdata = boost::unit_test::data;
namespace tt = boost::test_tools;
using namespace tapegrad;

namespace test_case_result {

const std::string kCases = test::cases_dir();

// Autodiff (BLAS, its own summation order) and the plain loops sum the same few products of
// numbers of order 1: they differ by a few ulps (~1e-16 measured). 1e-12 catches any real
// error (a missing 1/B, a wrong sign) with room for cases with larger numbers.
constexpr double kAutodiffVsClosedForm = 1e-12;
// Central differences with h = cbrt(eps) max(1, |w|) are good to ~eps^(2/3) ~ 4e-11 times
// the size of the loss (rounding eps |L| / h); measured 2e-11..4e-11 on the order-1 cases and
// 1.2e-8 on large_logits.json (L ~ 1500). The bound is 1e-8 * max(1, |L|).
constexpr double kFiniteDifferenceRelative = 1e-8;
// The slide prints p to 4 decimals: half a unit of the last digit.
constexpr double kSlideFourDecimals = 5e-5;
// The slide's dL/dW = (p_slide - y) x^T, rounded to 4 decimals: the rounding of p times
// max |x_j| = 1.5, plus its own rounding.
constexpr double kSlideGradW = kSlideFourDecimals * 1.5 + kSlideFourDecimals;

const char* const kValidCases[] = {
    "bsp1.json",         "bsp2.json",         "batch_with_bias.json", "single_row_matrix_x.json",
    "large_logits.json", "tricky_tokens.json"};

// The shared helper: checks the shapes, and lets a NaN show instead of hiding it.
using tapegrad::test::max_abs_diff;

}  // namespace test_case_result

BOOST_AUTO_TEST_SUITE(test_case_result)

BOOST_DATA_TEST_CASE(autodiff_closed_form_and_finite_differences_agree, bdata::make(kValidCases),
                     file) {
    const Case c = load_case(kCases + "/valid/" + file);
    const CaseResult r = run_case(c);
    BOOST_TEST(shapes_equal(r.grad_W.autodiff.shape(), c.W.shape()));
    BOOST_TEST(shapes_equal(r.grad_x.autodiff.shape(), c.x.shape()));
    BOOST_TEST(shapes_equal(r.grad_logits.autodiff.shape(), r.probs.shape()));
    BOOST_TEST(r.probs.shape()[0] == c.B());
    BOOST_TEST(max_abs_diff(r.grad_W.autodiff, r.grad_W.closed_form) <= kAutodiffVsClosedForm);
    BOOST_TEST(max_abs_diff(r.grad_x.autodiff, r.grad_x.closed_form) <= kAutodiffVsClosedForm);
    BOOST_TEST(max_abs_diff(r.grad_logits.autodiff, r.grad_logits.closed_form) <=
               kAutodiffVsClosedForm);
    if (c.has_bias)
        BOOST_TEST(max_abs_diff(r.grad_b.autodiff, r.grad_b.closed_form) <= kAutodiffVsClosedForm);
    const double fd_bound = kFiniteDifferenceRelative * std::max(1.0, std::abs(r.loss));
    BOOST_TEST(max_abs_diff(r.grad_W.finite_difference, r.grad_W.closed_form) <= fd_bound);
    BOOST_TEST(r.max_abs_diff_autodiff_vs_finite_difference ==
               max_abs_diff(r.grad_W.autodiff, r.grad_W.finite_difference));
    BOOST_TEST(r.max_abs_diff_autodiff_vs_closed_form <= kAutodiffVsClosedForm);
    BOOST_TEST(r.sgd.size() == static_cast<std::size_t>(c.steps) + 1);
    BOOST_TEST(r.sgd.front().loss == r.loss);  // entry 0 is before any update
}

BOOST_AUTO_TEST_CASE(bsp1_gives_the_slide_numbers) {
    const CaseResult r = run_case(bsp1_case(0.5, 5));
    const Array slide_p = {{0.6590, 0.2424, 0.0986}};  // [1, 3]
    BOOST_TEST(max_abs_diff(r.probs, slide_p) <= kSlideFourDecimals);
    BOOST_TEST(std::abs(r.loss - 0.417) <= 5e-4);  // the slide prints L to 3 decimals
    const Array slide_grad_W = {{-0.5115, -0.1705}, {0.3636, 0.1212}, {0.1479, 0.0493}};  // [3, 2]
    BOOST_TEST(max_abs_diff(r.grad_W.autodiff, slide_grad_W) <= kSlideGradW);
    BOOST_TEST(r.prediction == std::vector<std::size_t>{0}, tt::per_element());
}

BOOST_AUTO_TEST_CASE(logits_of_plus_minus_1000_give_the_exact_loss) {
    // Row 0: z = [1000, -1000, 0.5], target 1: L = 1000 + log(1 + e^-2000 + e^-999.5) + 1000
    // = 2000 in double. Row 1: z = [-1000, 1000, 2.5], target 2: L = 1000 - 2.5 = 997.5.
    const CaseResult r = run_case(load_case(kCases + "/valid/large_logits.json"));
    BOOST_TEST(r.loss == (2000.0 + 997.5) / 2);
    const Array grad_z = {{0.5, -0.5, 0.0}, {0.0, 0.5, -0.5}};  // (P - Y) / B   [2, 3]
    BOOST_TEST(r.grad_logits.autodiff == grad_z);  // exact: e^-999.5 vanishes next to 1
}

BOOST_AUTO_TEST_CASE(logits_of_plus_minus_1e300_are_handled_exactly) {
    // W = z x^T / (x^T x) keeps z = [1e300, -1e300, 0] exactly representable; target 1:
    // L = log(e^1e300 + ...) + 1e300 = 1e300 + 1e300 = 2e300 (finite), p = [1, 0, 0],
    // dL/dz = p - y = [1, -1, 0], dL/dW = (p - y) x^T. Nothing overflows in the fused form.
    const CaseResult r = run_case(
        parse_case(R"({"logits": [1e300, -1e300, 0], "x": [1.5, 0.5], "target": 1, "steps": 2})"));
    BOOST_TEST(r.loss == 2e300);
    const Array grad_z = {{1.0, -1.0, 0.0}};                      // [1, 3]
    const Array grad_W = {{1.5, 0.5}, {-1.5, -0.5}, {0.0, 0.0}};  // [3, 2]
    BOOST_TEST(r.grad_logits.autodiff == grad_z);
    BOOST_TEST(r.grad_W.autodiff == grad_W);
    BOOST_TEST(r.grad_W.closed_form == grad_W);
    for (const SgdEntry& e : r.sgd) BOOST_TEST(std::isfinite(e.loss));
}

BOOST_AUTO_TEST_CASE(infinities_in_a_case_are_refused_never_computed_with) {
    // JSON has no inf or nan; their spellings and overflowing literals are refused by name.
    for (const char* text : {R"({"logits": [Infinity, 1], "x": [1], "target": 0})",
                             R"({"logits": [1e999, -1e999], "x": [1], "target": 0})",
                             R"({"logits": [NaN, 1], "x": [1], "target": 0})",
                             R"({"W": [[-1e400], [1]], "x": [1], "target": 0})"}) {
        BOOST_CHECK_THROW(parse_case(text), CaseError);
    }
    // Finite alone, infinite together: z = x W^T overflows; refused, never a silent nan.
    BOOST_CHECK_THROW(run_case(parse_case(R"({"W": [[1e300], [1]], "x": [1e10], "target": 0})")),
                      CaseError);
    BOOST_CHECK_THROW(
        run_case(parse_case(R"({"W": [[1e300], [1]], "x": [1e10], "target": 0})"), true),
        NonFiniteError);
}

BOOST_AUTO_TEST_CASE(one_sgd_step_is_w_minus_lr_times_the_gradient) {
    const Case c = load_case(kCases + "/valid/batch_with_bias.json");
    const CaseResult r = run_case(c);
    // Do the first update by hand from the closed form and evaluate the loss by plain loops.
    Case after = c;
    after.W = c.W - c.lr * r.grad_W.closed_form;  // [V, d]
    after.b = c.b - c.lr * r.grad_b.closed_form;  // [V]
    BOOST_TEST(r.sgd[1].loss == case_loss(after, after.W), tt::tolerance(1e-13));
    for (std::size_t k = 1; k < r.sgd.size(); ++k) {
        BOOST_TEST(r.sgd[k].loss < r.sgd[k - 1].loss);
        BOOST_TEST(r.sgd[k].p_target > r.sgd[k - 1].p_target);
    }
}

BOOST_AUTO_TEST_CASE(p_target_is_the_mean_target_probability_over_rows) {
    const Case c = load_case(kCases + "/valid/batch_with_bias.json");
    const CaseResult r = run_case(c);
    const double before = (r.probs(0, 1) + r.probs(1, 2) + r.probs(2, 0)) / 3;
    BOOST_TEST(r.sgd.front().p_target == before, tt::tolerance(1e-15));
    const Array& p = r.probs_after_sgd;  // [B, V]
    const double after = (p(0, 1) + p(1, 2) + p(2, 0)) / 3;
    BOOST_TEST(r.sgd.back().p_target == after, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(zero_steps_give_one_entry_and_unchanged_probabilities) {
    Case c = bsp1_case(0.5, 0);
    const CaseResult r = run_case(c);
    BOOST_TEST(r.sgd.size() == 1u);
    BOOST_TEST(r.probs_after_sgd == r.probs, tt::tolerance(1e-15) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(the_finite_difference_step_is_cbrt_of_epsilon) {
    BOOST_TEST(finite_difference_step_scale() == std::cbrt(std::numeric_limits<double>::epsilon()));
    BOOST_TEST(finite_difference_step_scale() == 6.0554544523933395e-06, tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(case_loss_is_the_tape_loss) {
    const Case c = load_case(kCases + "/valid/bsp2.json");
    BOOST_TEST(case_loss(c, c.W) == run_case(c).loss, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_SUITE_END()

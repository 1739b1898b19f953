// Tests of examples/tiny_decoder/lib/explain: Teil 2's check — dL/dW_out and dL/db_out from a
// backward pass through the whole tape against the closed forms (p - y) h^T and p - y — holds
// for any prompt and target, whether explain picks the target (the model's own prediction) or
// is given one, and however often it runs on one model: explain owns the gradients it reads.

#include <boost/test/unit_test.hpp>

#include <cstddef>
#include <stdexcept>
#include <vector>

#include "examples/tiny_decoder/lib/explain.hpp"
#include "small_decoder.hpp"

using namespace tapegrad;

namespace test_explain {

TinyDecoderConfig small() {
    return test::small_decoder();
}

// float64 through the whole tape: the differences are a few ulps of the gradients (~1e-17 here).
constexpr double max_diff = 1e-12;

void check_closed_form(const ExplainResult& r, int expected_target) {
    BOOST_TEST(r.target == expected_target);
    BOOST_TEST(r.max_diff_W_out <= max_diff);
    BOOST_TEST(r.max_diff_b_out <= max_diff);
    BOOST_TEST(r.max_diff_grad_z <= max_diff);
}

}  // namespace test_explain

BOOST_AUTO_TEST_SUITE(test_explain)

BOOST_AUTO_TEST_CASE(the_tape_equals_the_closed_form_for_many_prompts_with_and_without_target) {
    const TinyDecoder model(small(), 7);
    const std::vector<std::vector<int>> prompts = {
        {1, 2, 3}, {4}, {10, 20, 30, 40, 49, 0}, {7, 7, 7, 7}, {33, 12}};
    for (const std::vector<int>& ids : prompts) {
        BOOST_TEST_CONTEXT("prompt of " << ids.size() << " pieces starting " << ids[0]) {
            // The same model explained again and again, as a session of one's own would:
            // no pass may see the previous pass's gradients.
            const ExplainResult own = explain(model, ids, predicted_target, 0.5, 2);
            check_closed_form(own, own.argmax);
            const int other = (own.argmax + 1) % 50;
            check_closed_form(explain(model, ids, other, 0.5, 2), other);
            const ExplainResult again = explain(model, ids, predicted_target, 0.5, 2);
            check_closed_form(again, own.argmax);
            BOOST_TEST(again.grad_W_out == own.grad_W_out);  // the same doubles
        }
    }
}

BOOST_AUTO_TEST_CASE(a_target_outside_the_vocabulary_is_refused) {
    const TinyDecoder model(small(), 7);
    BOOST_CHECK_THROW(explain(model, {1, 2}, 50, 0.5, 0), std::invalid_argument);
    BOOST_CHECK_THROW(explain(model, {1, 2}, -2, 0.5, 0), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

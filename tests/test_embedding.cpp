#include "ops/embedding.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_embedding)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

const Array table{{0.1, 0.2}, {1.0, 2.0}, {-3.0, 0.5}, {4.0, -4.5}};  // [n = 4, d = 2]

BOOST_AUTO_TEST_CASE(forward_copies_the_rows_of_the_ids) {
    Tape tape;
    Tensor y = embedding(tape, Tensor(table), {2, 0, 2});
    const Array expected{{-3.0, 0.5}, {0.1, 0.2}, {-3.0, 0.5}};  // rows 2, 0, 2
    BOOST_TEST(y.value() == expected, tt::per_element());
}

// L = sum w y, so dL/dy = w and dL/dW[t] = sum of the rows of w whose id is t.
BOOST_AUTO_TEST_CASE(backward_scatters_into_used_rows_summing_repeated_ids) {
    const Array w{{0.5, -1.0}, {2.0, 3.0}, {0.25, 0.75}};  // [3, 2]
    Tape tape;
    Tensor W = Tensor::parameter(table, "W");
    tape.backward(tape.apply(WeightedSum{w}, embedding(tape, W, {2, 0, 2})));
    const Array expected{{2.0, 3.0},     // id 0: row 1 of w
                         {0.0, 0.0},     // id 1: unused
                         {0.75, -0.25},  // id 2: rows 0 and 2 of w
                         {0.0, 0.0}};    // id 3: unused
    BOOST_TEST(W.grad() == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(two_lookups_in_one_table_add_up) {
    Tape tape;
    Tensor W = Tensor::parameter(table, "W");
    Tensor first = embedding(tape, W, {1});        // [1, 2]
    Tensor second = embedding(tape, W, {1});       // [1, 2]
    const Array w1{{1.0, 2.0}}, w2{{10.0, 20.0}};  // [1, 2]
    tape.backward(tape.apply(WeightedPair{w1, w2}, first, second));
    const Array expected{{0.0, 0.0}, {11.0, 22.0}, {0.0, 0.0}, {0.0, 0.0}};
    BOOST_TEST(W.grad() == expected, tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport r =
        gradcheck_op(Embedding{{3, 1, 3, 4, 1}}, random_array({5, 3}, seed));  // id 0, 2 unused
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(an_id_out_of_range_throws_naming_op_id_and_shape) {
    Tape tape;
    check_invalid_argument(
        [&] {
            embedding(tape, Tensor(table), {1, 4});
        },
        {"Embedding", "token id 4", "position 1", "[4, 2]"});
}

BOOST_AUTO_TEST_CASE(a_table_that_is_not_a_matrix_or_no_ids_throw) {
    Tape tape;
    check_invalid_argument(
        [&] {
            embedding(tape, Tensor(Array{1.0, 2.0}), {0});
        },
        {"Embedding", "[n, d]", "[2]"});
    check_invalid_argument([&] { embedding(tape, Tensor(table), {}); },
                           {"Embedding", "no token ids", "[4, 2]"});
}

BOOST_AUTO_TEST_SUITE_END()

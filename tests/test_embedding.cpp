#include "ops/embedding.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "replay_memory.hpp"
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
        gradcheck_op(Embedding{{3, 1, 3, 4, 1}, {}}, random_array({5, 3}, seed));  // id 0, 2 unused
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

// ids of shape [B, T] = [2, 3], read row-major: y[b, t, :] = W[ids[b T + t], :].
BOOST_AUTO_TEST_CASE(ids_with_a_shape_give_an_output_of_that_shape_times_d) {
    Tape tape;
    Tensor y = embedding(tape, Tensor(table), {2, 0, 3, 1, 1, 2}, {2, 3});
    const Array expected{{{-3.0, 0.5}, {0.1, 0.2}, {4.0, -4.5}},  // ids 2, 0, 3
                         {{1.0, 2.0}, {1.0, 2.0}, {-3.0, 0.5}}};  // ids 1, 1, 2
    BOOST_TEST(y.value() == expected, tt::per_element());
    const Embedding flat{{1, 2}, {}};
    BOOST_TEST(flat.ids_shape.empty());  // the flat list by default
}

BOOST_AUTO_TEST_CASE(backward_with_an_ids_shape_scatters_the_same_rows) {
    const Array w = random_array({2, 2, 2}, 3);  // [B, T, d]
    Tape tape;
    Tensor W = Tensor::parameter(table, "W");
    tape.backward(tape.apply(WeightedSum{w}, embedding(tape, W, {3, 1, 3, 0}, {2, 2})));
    const Array expected{{w(1, 1, 0), w(1, 1, 1)},                             // id 0
                         {w(0, 1, 0), w(0, 1, 1)},                             // id 1
                         {0.0, 0.0},                                           // id 2: unused
                         {w(0, 0, 0) + w(1, 0, 0), w(0, 0, 1) + w(1, 0, 1)}};  // id 3 twice
    BOOST_TEST(W.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
    // The same numbers as central differences of L(W) = sum w y.
    const Array numeric = finite_difference(
        [&](const Array& Wv) {
            Tape t;
            return t.apply(WeightedSum{w}, embedding(t, Tensor(Wv), {3, 1, 3, 0}, {2, 2}))
                .value()();
        },
        table);
    BOOST_TEST(W.grad() == numeric, tt::tolerance(fd_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(gradcheck_passes_with_an_ids_shape, bdata::make({1u, 2u}), seed) {
    const GradcheckReport r =
        gradcheck_op(Embedding{{3, 1, 3, 4, 1, 0}, {2, 3}}, random_array({5, 3}, seed));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(an_ids_shape_that_does_not_hold_the_ids_throws) {
    Tape tape;
    check_invalid_argument(
        [&] {
            embedding(tape, Tensor(table), {1, 2, 3}, {2, 2});
        },
        {"Embedding", "ids_shape [2, 2]", "4 ids", "3 were given", "[4, 2]"});
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Tensor W = Tensor::parameter(random_array({50, 16}, 4), "W");  // [50, 16]
    std::vector<std::size_t> ids(4 * 8);
    for (std::size_t r = 0; r < ids.size(); ++r) ids[r] = (r * 13) % 50;
    const Array w = random_array({4, 8, 16}, 5);  // [4, 8, 16]
    check_replay_allocates_nothing([&](Tape& tape) {
        W.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, embedding(tape, W, ids, {4, 8})));
    });
}

BOOST_AUTO_TEST_SUITE_END()

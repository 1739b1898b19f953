#include "ops/linear_cross_entropy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "engine/optim/sgd.hpp"
#include "ops/add.hpp"
#include "ops/linear.hpp"
#include "ops/scale.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "ops/sum.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_linear_cross_entropy)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

namespace {

/// max |a - b| relative to max |b|: the chunked GEMMs add the rows in another grouping than
/// one GEMM over all rows (dW is a sum of chunk products), so elements that cancel to near 0
/// differ by rounding relative to the array's scale, not to themselves.
double relative_diff(const Array& a, const Array& b) {
    const double scale = xt::amax(xt::abs(b))();
    return max_abs_diff(a, b) / (scale > 0.0 ? scale : 1.0);
}

/// chunk_bytes that gives exactly `rows` rows per chunk at V classes.
std::size_t bytes_for_rows(std::size_t rows, std::size_t V) {
    return rows * V * sizeof(double);
}

struct Result {
    double loss;
    Array grad_x, grad_W, grad_b;
};

Result fused(const Array& x0, const Array& W0, const Array& b0,
             const std::vector<std::int64_t>& targets, std::size_t chunk_bytes) {
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x"), W = Tensor::parameter(W0, "W"),
           b = Tensor::parameter(b0, "b");
    Tensor loss = linear_cross_entropy(tape, x, W, b, targets, default_ignore_index, chunk_bytes);
    tape.backward(loss);
    return {loss.value()(), x.grad(), W.grad(), b.grad()};
}

Result three_nodes(const Array& x0, const Array& W0, const Array& b0,
                   const std::vector<std::int64_t>& targets) {
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x"), W = Tensor::parameter(W0, "W"),
           b = Tensor::parameter(b0, "b");
    Tensor loss = softmax_cross_entropy(tape, linear(tape, x, W, b), targets);
    tape.backward(loss);
    return {loss.value()(), x.grad(), W.grad(), b.grad()};
}

void check_same(const Result& a, const Result& b) {
    BOOST_TEST(a.loss == b.loss, tt::tolerance(exact_tol));
    BOOST_TEST(relative_diff(a.grad_x, b.grad_x) <= exact_tol);
    BOOST_TEST(relative_diff(a.grad_W, b.grad_W) <= exact_tol);
    BOOST_TEST(relative_diff(a.grad_b, b.grad_b) <= exact_tol);
}

}  // namespace

BOOST_AUTO_TEST_CASE(chunk_rows_follow_the_memory_budget) {
    // floor(64 MiB / (8 * 32000)) = 262 rows at the V, rounded down to 256 (BLAS's
    // block of the inner dimension); at least 1, at most all rows.
    BOOST_TEST(LinearCrossEntropy::chunk_rows(8192, 32000,
                                              LinearCrossEntropy::default_chunk_bytes) == 256u);
    BOOST_TEST(LinearCrossEntropy::chunk_rows(5, 3, 1) == 1u);
    BOOST_TEST(LinearCrossEntropy::chunk_rows(5, 3, std::size_t{1} << 30) == 5u);
    BOOST_TEST(LinearCrossEntropy::chunk_rows(10, 4, bytes_for_rows(3, 4)) == 3u);
    BOOST_TEST(LinearCrossEntropy::chunk_rows(10000, 4, bytes_for_rows(255, 4)) == 255u);
    BOOST_TEST(LinearCrossEntropy::chunk_rows(10000, 4, bytes_for_rows(600, 4)) == 512u);
}

BOOST_AUTO_TEST_CASE(forward_by_hand_on_a_tiny_case) {
    // x = [1, 2], W = [[1, 0], [0, 1], [1, -1]], b = [0.5, -0.5, 0]: z = [1.5, 1.5, -1],
    // target 2: L = log(e^1.5 + e^1.5 + e^-1) - (-1), and dL/db = p - y.
    const Array x{{1.0, 2.0}};                           // [1, 2]
    const Array W{{1.0, 0.0}, {0.0, 1.0}, {1.0, -1.0}};  // [3, 2]
    const Array b{0.5, -0.5, 0.0};                       // [3]
    const Result r = fused(x, W, b, {2}, LinearCrossEntropy::default_chunk_bytes);
    const double s = 2.0 * std::exp(1.5) + std::exp(-1.0);
    BOOST_TEST(r.loss == std::log(s) + 1.0, tt::tolerance(exact_tol));
    const Array p{std::exp(1.5) / s, std::exp(1.5) / s, std::exp(-1.0) / s};  // [3]
    const Array grad_b{p(0), p(1), p(2) - 1.0};                               // [3]
    BOOST_TEST(r.grad_b == grad_b, tt::tolerance(exact_tol) << tt::per_element());
    // dL/dW = (p - y)^T x: row j of dW is (p - y)_j [1, 2].
    for (std::size_t j = 0; j < 3; ++j) {
        BOOST_TEST(r.grad_W(j, 0) == grad_b(j), tt::tolerance(exact_tol));
        BOOST_TEST(r.grad_W(j, 1) == 2.0 * grad_b(j), tt::tolerance(exact_tol));
    }
}

// Rows 7 in chunks of 1, 3 (the last chunk short), 7 and more than all: always the three-node
// graph's numbers.
BOOST_DATA_TEST_CASE(equals_linear_then_softmax_cross_entropy_for_every_chunk_size,
                     bdata::make({1u, 2u, 3u, 7u, 100u}), rows_per_chunk) {
    const std::size_t rows = 7, d = 5, V = 6;
    const Array x = random_array({rows, d}, 1, -2.0, 2.0);  // [7, 5]
    const Array W = random_array({V, d}, 2, -1.0, 1.0);     // [6, 5]
    const Array b = random_array({V}, 3, -0.5, 0.5);        // [6]
    const std::vector<std::int64_t> targets{0, 5, 2, 2, 4, 1, 3};
    check_same(fused(x, W, b, targets, bytes_for_rows(rows_per_chunk, V)),
               three_nodes(x, W, b, targets));
}

BOOST_AUTO_TEST_CASE(equals_the_three_node_graph_at_a_size_where_blas_runs) {
    // 300 rows in chunks of 64 (the last has 44); products far above gemm's small-product loop.
    const std::size_t rows = 300, d = 32, V = 200;
    const Array x = random_array({rows, d}, 4, -1.0, 1.0);  // [300, 32]
    const Array W = random_array({V, d}, 5, -1.0, 1.0);     // [200, 32]
    const Array b = random_array({V}, 6, -1.0, 1.0);        // [200]
    std::vector<std::int64_t> targets(rows);
    for (std::size_t r = 0; r < rows; ++r)
        targets[r] = r % 11 == 3 ? -100 : static_cast<std::int64_t>((r * 37) % V);
    check_same(fused(x, W, b, targets, bytes_for_rows(64, V)), three_nodes(x, W, b, targets));
}

BOOST_AUTO_TEST_CASE(dW_in_blocks_of_vocabulary_rows_equals_the_three_node_graph) {
    // 40 rows in chunks of 32 (the last has 8), V = 40,000: a chunk's G_c has 32 x 40,000
    // doubles (9.8 MiB), so dW goes in blocks of 32,768 rows and a short last block; the
    // chunk of 8 rows needs one block.
    BOOST_TEST(LinearCrossEntropy::dW_block_rows(32) == 32768u);
    BOOST_TEST(LinearCrossEntropy::dW_block_rows(8) == 131072u);
    BOOST_TEST(LinearCrossEntropy::dW_block_rows(1u << 24) == 1u);
    const std::size_t V = 40000;
    const Array x = random_array({40, 3}, 60, -1.0, 1.0);  // [40, 3]
    const Array W = random_array({V, 3}, 61, -1.0, 1.0);   // [V, 3]
    const Array b = random_array({V}, 62, -1.0, 1.0);      // [V]
    std::vector<std::int64_t> targets(40);
    for (std::size_t r = 0; r < targets.size(); ++r)
        targets[r] = static_cast<std::int64_t>((r * 997) % V);
    check_same(fused(x, W, b, targets, bytes_for_rows(32, V)), three_nodes(x, W, b, targets));
}

BOOST_AUTO_TEST_CASE(rank3_and_rank1_inputs_are_their_rows) {
    const Array x3 = random_array({2, 3, 4}, 7, -1.0, 1.0);  // [2, 3, 4]
    const Array W = random_array({5, 4}, 8, -1.0, 1.0);      // [5, 4]
    const Array b = random_array({5}, 9, -1.0, 1.0);         // [5]
    const std::vector<std::int64_t> targets{4, 0, -100, 1, 3, 3};
    const Result r3 = fused(x3, W, b, targets, bytes_for_rows(4, 5));
    BOOST_TEST(r3.grad_x.shape() == x3.shape(), tt::per_element());
    check_same(r3, three_nodes(x3, W, b, targets));
    const Array x1 = random_array({4}, 10, -1.0, 1.0);  // [4]: one row
    check_same(fused(x1, W, b, {2}, 1), three_nodes(x1, W, b, {2}));
}

BOOST_AUTO_TEST_CASE(one_row) {
    const Array x = random_array({1, 6}, 11, -2.0, 2.0);  // [1, 6]
    const Array W = random_array({9, 6}, 12, -1.0, 1.0);  // [9, 6]
    const Array b = random_array({9}, 13, -1.0, 1.0);     // [9]
    check_same(fused(x, W, b, {8}, LinearCrossEntropy::default_chunk_bytes),
               three_nodes(x, W, b, {8}));
}

BOOST_AUTO_TEST_CASE(logits_of_plus_minus_1000_give_a_finite_exact_loss_and_gradient) {
    // z = x W^T = [1000, 999, -1000] in row 0 and [-1000, -999, 1000] in row 1: p underflows to
    // 0 for the -1000 classes, the loss does not. Row 0, target 2: 2000 + log(1 + e^-1);
    // row 1, target 0: 2000 + log(1 + e^-1999 + e^-2000) = 2000.
    Array x = Array::from_shape({2, 1});  // [2, 1]
    x(0, 0) = 1.0;
    x(1, 0) = -1.0;
    Array W = Array::from_shape({3, 1});  // [3, 1]
    W(0, 0) = 1000.0;
    W(1, 0) = 999.0;
    W(2, 0) = -1000.0;
    const Array b = xt::zeros<double>({3});  // [3]
    const std::vector<std::int64_t> targets{2, 0};
    const Result r = fused(x, W, b, targets, bytes_for_rows(1, 3));
    BOOST_TEST(std::isfinite(r.loss));
    BOOST_TEST(r.loss == (4000.0 + std::log1p(std::exp(-1.0))) / 2.0, tt::tolerance(exact_tol));
    check_same(r, three_nodes(x, W, b, targets));
}

BOOST_AUTO_TEST_CASE(ignored_targets_give_no_loss_and_no_gradient) {
    const Array x = random_array({5, 3}, 14, -1.0, 1.0);  // [5, 3]
    const Array W = random_array({4, 3}, 15, -1.0, 1.0);  // [4, 3]
    const Array b = random_array({4}, 16, -1.0, 1.0);     // [4]
    const std::vector<std::int64_t> targets{-100, 3, -100, -100, 0};
    const Result r = fused(x, W, b, targets, bytes_for_rows(2, 4));
    check_same(r, three_nodes(x, W, b, targets));
    for (std::size_t row : {0u, 2u, 3u})
        for (std::size_t j = 0; j < 3; ++j) BOOST_TEST(r.grad_x(row, j) == 0.0);
    // The same loss as the two rows that count alone.
    const Array x_kept{{x(1, 0), x(1, 1), x(1, 2)}, {x(4, 0), x(4, 1), x(4, 2)}};  // [2, 3]
    BOOST_TEST(r.loss == fused(x_kept, W, b, {3, 0}, 1).loss, tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(ignore_index_is_configurable) {
    const Array x = random_array({3, 2}, 17, -1.0, 1.0);  // [3, 2]
    const Array W = random_array({4, 2}, 18, -1.0, 1.0);  // [4, 2]
    const Array b = random_array({4}, 19, -1.0, 1.0);     // [4]
    Tape tape;
    Tensor loss = linear_cross_entropy(tape, Tensor::parameter(x, "x"), Tensor::parameter(W, "W"),
                                       Tensor::parameter(b, "b"), {0, 2, 3}, 0);
    BOOST_TEST(loss.value()() == fused(x, W, b, {-100, 2, 3}, 1).loss, tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(all_targets_ignored_give_a_nan_loss_and_zero_gradients) {
    const Array x = random_array({3, 2}, 20, -1.0, 1.0);  // [3, 2]
    const Array W = random_array({4, 2}, 21, -1.0, 1.0);  // [4, 2]
    const Array b = random_array({4}, 22, -1.0, 1.0);     // [4]
    const Result r = fused(x, W, b, {-100, -100, -100}, bytes_for_rows(2, 4));
    BOOST_TEST(std::isnan(r.loss));
    BOOST_TEST(std::isnan(three_nodes(x, W, b, {-100, -100, -100}).loss));
    BOOST_TEST(xt::amax(xt::abs(r.grad_x))() == 0.0);
    BOOST_TEST(xt::amax(xt::abs(r.grad_W))() == 0.0);
    BOOST_TEST(xt::amax(xt::abs(r.grad_b))() == 0.0);
}

BOOST_AUTO_TEST_CASE(backward_scales_the_saved_gradients_by_the_incoming_gradient) {
    // L' = 2.5 L: every gradient 2.5 times, as through the three-node graph.
    const Array x = random_array({4, 3}, 23, -1.0, 1.0);  // [4, 3]
    const Array W = random_array({5, 3}, 24, -1.0, 1.0);  // [5, 3]
    const Array b = random_array({5}, 25, -1.0, 1.0);     // [5]
    const std::vector<std::int64_t> targets{1, 4, 0, 2};
    Tape a_tape, b_tape;
    Tensor xa = Tensor::parameter(x, "x"), Wa = Tensor::parameter(W, "W"),
           ba = Tensor::parameter(b, "b");
    Tensor xb = Tensor::parameter(x, "x"), Wb = Tensor::parameter(W, "W"),
           bb = Tensor::parameter(b, "b");
    a_tape.backward(scale(a_tape, linear_cross_entropy(a_tape, xa, Wa, ba, targets, -100, 1), 2.5));
    b_tape.backward(
        scale(b_tape, softmax_cross_entropy(b_tape, linear(b_tape, xb, Wb, bb), targets), 2.5));
    BOOST_TEST(relative_diff(xa.grad(), xb.grad()) <= exact_tol);
    BOOST_TEST(relative_diff(Wa.grad(), Wb.grad()) <= exact_tol);
    BOOST_TEST(relative_diff(ba.grad(), bb.grad()) <= exact_tol);
}

BOOST_AUTO_TEST_CASE(the_gradients_are_the_op_buffers_handed_over_not_copies) {
    // Backward swaps each gradient the op computed in forward into the tensor: the buffer x's
    // gradient holds after backward is the one `saved` held after forward. From step 2 on the
    // op and x swap two buffers back and forth: nothing is allocated.
    const Array x0 = random_array({6, 4}, 50, -1.0, 1.0);  // [6, 4]
    const Array W0 = random_array({7, 4}, 51, -1.0, 1.0);  // [7, 4]
    const Array b0 = random_array({7}, 52, -1.0, 1.0);     // [7]
    const std::vector<std::int64_t> targets{6, 0, -100, 3, 3, 1};
    Tensor x = Tensor::parameter(x0, "x"), W = Tensor::parameter(W0, "W"),
           b = Tensor::parameter(b0, "b");
    const Result expected = three_nodes(x0, W0, b0, targets);
    Tape tape;
    std::vector<const double*> handed_over;  // x's gradient buffer after each step
    for (int step = 1; step <= 4; ++step) {
        tape.rewind();
        x.zero_grad();
        W.zero_grad();
        b.zero_grad();
        Tensor loss = linear_cross_entropy(tape, x, W, b, targets, -100, bytes_for_rows(4, 7));
        const auto& node = dynamic_cast<const OpNode<LinearCrossEntropy, 3>&>(tape.node(0));
        const double* computed_in = node.op.saved.grad_x.data();
        tape.backward(loss);
        BOOST_TEST(x.grad().data() == computed_in, "step " << step);
        handed_over.push_back(x.grad().data());
        if (step >= 3) BOOST_TEST(handed_over[step - 1] == handed_over[step - 3], "step " << step);
        check_same({expected.loss, x.grad(), W.grad(), b.grad()}, expected);
    }
}

BOOST_AUTO_TEST_CASE(a_second_backward_adds_the_same_gradients_again) {
    const Array x0 = random_array({5, 3}, 53, -1.0, 1.0);  // [5, 3]
    const Array W0 = random_array({4, 3}, 54, -1.0, 1.0);  // [4, 3]
    const Array b0 = random_array({4}, 55, -1.0, 1.0);     // [4]
    const std::vector<std::int64_t> targets{3, 0, 2, -100, 1};
    const Result once = three_nodes(x0, W0, b0, targets);
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x"), W = Tensor::parameter(W0, "W"),
           b = Tensor::parameter(b0, "b");
    Tensor loss = linear_cross_entropy(tape, x, W, b, targets, -100, bytes_for_rows(2, 4));
    tape.backward(loss);  // hands the gradients over
    tape.backward(loss);  // computes them again from the inputs
    const Array two_x = 2.0 * once.grad_x, two_W = 2.0 * once.grad_W, two_b = 2.0 * once.grad_b;
    check_same({loss.value()(), x.grad(), W.grad(), b.grad()}, {once.loss, two_x, two_W, two_b});
}

BOOST_AUTO_TEST_CASE(gradients_accumulate_over_two_recordings_without_zero_grad) {
    const Array x0 = random_array({5, 3}, 56, -1.0, 1.0);  // [5, 3]
    const Array W0 = random_array({4, 3}, 57, -1.0, 1.0);  // [4, 3]
    const Array b0 = random_array({4}, 58, -1.0, 1.0);     // [4]
    const std::vector<std::int64_t> first{3, 0, 2, 1, 1}, second{0, 0, -100, 2, 3};
    Tensor x = Tensor::parameter(x0, "x"), W = Tensor::parameter(W0, "W"),
           b = Tensor::parameter(b0, "b");
    Tensor x3 = Tensor::parameter(x0, "x"), W3 = Tensor::parameter(W0, "W"),
           b3 = Tensor::parameter(b0, "b");
    Tape tape, tape3;
    for (const auto& targets : {first, second}) {  // micro-batches: no zero_grad in between
        tape.rewind();
        tape.backward(linear_cross_entropy(tape, x, W, b, targets, -100, bytes_for_rows(2, 4)));
        tape3.rewind();
        tape3.backward(softmax_cross_entropy(tape3, linear(tape3, x3, W3, b3), targets));
    }
    BOOST_TEST(relative_diff(x.grad(), x3.grad()) <= exact_tol);
    BOOST_TEST(relative_diff(W.grad(), W3.grad()) <= exact_tol);
    BOOST_TEST(relative_diff(b.grad(), b3.grad()) <= exact_tol);
}

BOOST_AUTO_TEST_CASE(an_x_that_another_node_also_uses_gets_both_gradients) {
    // Step 1 L = LinearCrossEntropy(x, W, b): the op hands its dL/dx buffer to x. Step 2
    // L = LinearCrossEntropy(x, W, b) + sum(2 x): Scale's backward (earlier in the pass) writes
    // x's gradient into x's buffer, and the op's take() adds to it, keeping its own. From then on
    // both buffers stay (the op and x swap them, nothing is allocated), in steps of either kind.
    // Each step as the three-node graph gives.
    const Array x0 = random_array({5, 3}, 63, -1.0, 1.0);  // [5, 3]
    const Array W0 = random_array({4, 3}, 64, -1.0, 1.0);  // [4, 3]
    const Array b0 = random_array({4}, 65, -1.0, 1.0);     // [4]
    const std::vector<std::int64_t> targets{3, 0, 2, -100, 1};
    Tensor x = Tensor::parameter(x0, "x"), W = Tensor::parameter(W0, "W"),
           b = Tensor::parameter(b0, "b");
    Tensor x3 = Tensor::parameter(x0, "x"), W3 = Tensor::parameter(W0, "W"),
           b3 = Tensor::parameter(b0, "b");
    Tape tape, tape3;
    for (int step = 1; step <= 4; ++step) {
        const bool twice = step % 2 == 0;
        for (Tensor* t : {&x, &W, &b, &x3, &W3, &b3}) t->zero_grad();
        tape.rewind();
        Tensor L = linear_cross_entropy(tape, x, W, b, targets, -100, bytes_for_rows(2, 4));
        tape.backward(twice ? add(tape, L, sum(tape, scale(tape, x, 2.0))) : L);
        tape3.rewind();
        Tensor L3 = softmax_cross_entropy(tape3, linear(tape3, x3, W3, b3), targets);
        tape3.backward(twice ? add(tape3, L3, sum(tape3, scale(tape3, x3, 2.0))) : L3);
        const auto& node = dynamic_cast<const OpNode<LinearCrossEntropy, 3>&>(tape.node(0));
        BOOST_TEST((node.op.saved.grad_x.size() == x0.size()) == (step >= 2), "step " << step);
        BOOST_TEST(relative_diff(x.grad(), x3.grad()) <= exact_tol, "step " << step);
        BOOST_TEST(relative_diff(W.grad(), W3.grad()) <= exact_tol, "step " << step);
        BOOST_TEST(relative_diff(b.grad(), b3.grad()) <= exact_tol, "step " << step);
    }
}

BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const Array x = random_array({5, 3}, seed, -1.5, 1.5);       // [5, 3]
    const Array W = random_array({4, 3}, seed + 10, -1.0, 1.0);  // [4, 3]
    const Array b = random_array({4}, seed + 20, -1.0, 1.0);     // [4]
    const GradcheckReport r = gradcheck_op(
        LinearCrossEntropy{{3, 0, -100, 2, 1}, default_ignore_index, bytes_for_rows(2, 4)}, x, W,
        b);
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(bad_shapes_and_targets_throw_naming_the_op_and_the_shapes) {
    Tape tape;
    Tensor x = Tensor::parameter(random_array({2, 3}, 30), "x");      // [2, 3]
    Tensor W = Tensor::parameter(random_array({4, 3}, 31), "W");      // [4, 3]
    Tensor b = Tensor::parameter(random_array({4}, 32), "b");         // [4]
    Tensor W_bad = Tensor::parameter(random_array({4, 2}, 33), "W");  // [4, 2]
    Tensor b_bad = Tensor::parameter(random_array({5}, 34), "b");     // [5]
    check_invalid_argument(
        [&] {
            linear_cross_entropy(tape, x, W_bad, b, {0, 1});
        },
        {"LinearCrossEntropy", "x [2, 3]", "W [4, 2]", "b [4]"});
    check_invalid_argument(
        [&] {
            linear_cross_entropy(tape, x, W, b_bad, {0, 1});
        },
        {"LinearCrossEntropy", "x [2, 3]", "W [4, 3]", "b [5]"});
    check_invalid_argument([&] { linear_cross_entropy(tape, x, W, b, {0}); },
                           {"LinearCrossEntropy", "x [2, 3]", "2 row(s)", "1 target(s)"});
    check_invalid_argument(
        [&] {
            linear_cross_entropy(tape, x, W, b, {0, 4});
        },
        {"LinearCrossEntropy", "target 4", "row 1", "[0, 4)", "W [4, 3]"});
    check_invalid_argument(
        [&] {
            linear_cross_entropy(tape, x, W, b, {-1, 0});
        },
        {"LinearCrossEntropy", "target -1", "ignore_index -100"});
    BOOST_TEST(tape.size() == 0u);
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    // 40 rows in chunks of 16 (the last has 8): every saved array keeps its memory.
    Tensor x = Tensor::parameter(random_array({4, 10, 8}, 40, -1.0, 1.0), "x");  // [4, 10, 8]
    Tensor W = Tensor::parameter(random_array({64, 8}, 41, -1.0, 1.0), "W");     // [64, 8]
    Tensor b = Tensor::parameter(random_array({64}, 42, -1.0, 1.0), "b");        // [64]
    std::vector<std::int64_t> targets(40);
    for (std::size_t r = 0; r < targets.size(); ++r)
        targets[r] = r % 5 == 4 ? -100 : static_cast<std::int64_t>((r * 7) % 64);
    check_replay_allocates_nothing([&](Tape& tape) {
        x.zero_grad();
        W.zero_grad();
        b.zero_grad();
        tape.backward(linear_cross_entropy(tape, x, W, b, targets, default_ignore_index,
                                           bytes_for_rows(16, 64)));
    });
}

BOOST_AUTO_TEST_SUITE_END()

#include "ops/causal_attention.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "engine/inspect/gradcheck.hpp"
#include "ops/layers/causal_self_attention.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_causal_attention)

using namespace tapegrad;
using namespace tapegrad::test;

// One sequence of T = 2 tokens, C = 1 channel, one head (D = 1): qkv rows (q, k, v).
const Array qkv_small{{{1.0, 2.0, 3.0}, {0.5, -1.0, 5.0}}};  // [1, 2, 3]

BOOST_AUTO_TEST_CASE(forward_matches_the_formula_by_hand) {
    Tape tape;
    const Tensor y = causal_attention(tape, Tensor(qkv_small), 1);  // [1, 2, 1]
    BOOST_TEST_REQUIRE(shape_string(y.value()) == "[1, 2, 1]");
    // Position 0 sees only itself: y0 = v0 = 3.
    BOOST_TEST(y.value()(0, 0, 0) == 3.0);
    // Position 1: scores q1 k0 = 0.5 * 2 = 1 and q1 k1 = 0.5 * -1 = -0.5 (sqrt(D) = 1),
    // p = softmax(1, -0.5) = (e^1.5, 1) / (e^1.5 + 1) = (0.8175745, 0.1824255),
    // y1 = 3 p0 + 5 p1 = 3.3648510.
    const double p0 = std::exp(1.5) / (std::exp(1.5) + 1.0), p1 = 1.0 - p0;
    BOOST_TEST(y.value()(0, 1, 0) == 3.0 * p0 + 5.0 * p1, tt::tolerance(exact_tol));
    BOOST_TEST(y.value()(0, 1, 0) == 3.3648510476, tt::tolerance(1e-10));
}

BOOST_AUTO_TEST_CASE(backward_matches_the_closed_form_by_hand) {
    // L = y1: dL/dv_j = p_j;  dL/ds_j = p_j (v_j - y1);  dL/dk_j = dL/ds_j q1;
    // dL/dq1 = sum_j dL/ds_j k_j;  q0 reaches no score row but its own (j <= 0), whose
    // softmax over one element is constant: dL/dq0 = 0, and y0 does not enter L.
    Tape tape;
    Tensor qkv = Tensor::parameter(qkv_small, "qkv");
    Array w = xt::zeros<double>({1, 2, 1});  // [1, 2, 1]: L = y1
    w(0, 1, 0) = 1.0;
    tape.backward(tape.apply(WeightedSum{w}, causal_attention(tape, qkv, 1)));
    const double p0 = std::exp(1.5) / (std::exp(1.5) + 1.0), p1 = 1.0 - p0;
    const double y1 = 3.0 * p0 + 5.0 * p1;
    const double ds0 = p0 * (3.0 - y1), ds1 = p1 * (5.0 - y1);
    const Array expected{{{0.0, ds0 * 0.5, p0}, {ds0 * 2.0 + ds1 * -1.0, ds1 * 0.5, p1}}};
    BOOST_TEST(qkv.grad() == expected, tt::tolerance(exact_tol) << tt::per_element());
}

/// y and dL/dqkv for L = sum(w y), through `attention`.
template <class F>
std::pair<Array, Array> value_and_gradient(const Array& qkv0, const Array& w, F attention) {
    Tape tape;
    Tensor qkv = Tensor::parameter(qkv0, "qkv");
    const Tensor y = attention(tape, qkv);
    tape.backward(tape.apply(WeightedSum{w}, y));
    return {y.value(), qkv.grad()};
}

BOOST_AUTO_TEST_CASE(gives_the_same_doubles_as_the_fifteen_node_composition) {
    // The same arithmetic in the same order: not close, equal (also across the BLAS path,
    // T = 7 and D = 4 give products above gemm's small-product loop).
    for (const std::size_t H : {1, 2, 3}) {
        const Array qkv0 = random_array({2, 7, 36}, 20 + H, -2.0, 2.0);  // [B, T, 3C], C = 12
        const Array w = random_array({2, 7, 12}, 30 + H);                // [B, T, C]
        const auto fused = value_and_gradient(
            qkv0, w, [H](Tape& t, const Tensor& q) { return causal_attention(t, q, H); });
        const auto composed = value_and_gradient(
            qkv0, w, [H](Tape& t, const Tensor& q) { return causal_self_attention(t, q, H); });
        BOOST_TEST(max_abs_diff(fused.first, composed.first) == 0.0, "y, H = " << H);
        BOOST_TEST(max_abs_diff(fused.second, composed.second) == 0.0, "dL/dqkv, H = " << H);
    }
}

BOOST_AUTO_TEST_CASE(gradient_matches_finite_differences_and_gradcheck) {
    const Array qkv0 = random_array({2, 4, 24}, 2, -1.5, 1.5);  // [B, T, 3C], C = 8
    const Array w = random_array({2, 4, 8}, 3);                 // [B, T, C]
    const Array analytic = value_and_gradient(qkv0, w, [](Tape& t, const Tensor& q) {
                               return causal_attention(t, q, 2);
                           }).second;
    const Array numeric = finite_difference(
        [&](const Array& probe) {
            Tape tape;
            return tape.apply(WeightedSum{w}, causal_attention(tape, Tensor(probe), 2)).item();
        },
        qkv0);
    BOOST_TEST(max_abs_diff(analytic, numeric) < fd_tol);
    const GradcheckReport r = gradcheck(
        [](Tape& t, const std::vector<Tensor>& p) { return causal_attention(t, p[0], 2); }, {qkv0});
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(the_layer_trains_through_the_fused_op_and_shows_p_through_the_composition) {
    Random rng(4);
    const CausalSelfAttention attn("attn", 8, 2, rng);
    const Tensor x(random_array({2, 4, 8}, 5));  // [B, T, C]
    Tape fused;
    const Tensor y = attn(fused, x);
    BOOST_TEST_REQUIRE(fused.size() == 3u);  // Linear, CausalAttention, Linear
    BOOST_TEST(std::string(fused.node(1).op_name()) == "CausalAttention");
    Tape composed;
    Tensor P;
    const Tensor y_shown = attn(composed, x, &P);  // P [B, H, T, T] asked for: 17 nodes
    BOOST_TEST(composed.size() == 17u);
    BOOST_TEST(shape_string(P.value()) == "[2, 2, 4, 4]");
    BOOST_TEST(max_abs_diff(y.value(), y_shown.value()) == 0.0);
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    const Tensor qkv = Tensor::parameter(random_array({3, 16, 48}, 6), "qkv");  // C = 16
    const Array w = random_array({3, 16, 16}, 7);
    check_replay_allocates_nothing([&](Tape& tape) {
        Tensor target = qkv;
        target.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, causal_attention(tape, qkv, 4)));
    });
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_op_the_shape_and_h) {
    Tape tape;
    check_invalid_argument(
        [&] {
            causal_attention(tape, Tensor(Array(xt::zeros<double>({2, 4, 8}))), 2);
        },
        {"CausalAttention", "qkv [2, 4, 8]", "H = 2"});
    check_invalid_argument(
        [&] {
            causal_attention(tape, Tensor(Array(xt::zeros<double>({2, 4, 24}))), 3);
        },
        {"CausalAttention", "qkv [2, 4, 24]", "H = 3"});
    check_invalid_argument(
        [&] {
            causal_attention(tape, Tensor(Array(xt::zeros<double>({4, 24}))), 2);
        },
        {"CausalAttention", "qkv [4, 24]"});
    check_invalid_argument(
        [&] {
            causal_attention(tape, Tensor(Array(xt::zeros<double>({1, 2, 0}))), 1);
        },
        {"CausalAttention", "qkv [1, 2, 0]"});
}

BOOST_AUTO_TEST_SUITE_END()

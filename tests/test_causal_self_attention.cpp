#include "ops/layers/causal_self_attention.hpp"

#include <malloc.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "engine/core/init.hpp"
#include "engine/inspect/finite_check.hpp"
#include "engine/inspect/gradcheck.hpp"
#include "ops/add.hpp"
#include "ops/add_bias.hpp"
#include "ops/causal_softmax.hpp"
#include "ops/linear.hpp"
#include "ops/mean.hpp"
#include "ops/mean_axis.hpp"
#include "ops/sum.hpp"
#include "ops/sum_axis.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_causal_self_attention)

using namespace tapegrad;
using namespace tapegrad::test;

// softmax(q k^T / sqrt(D)) v per batch and head with j <= i, written out by loops.
Array reference_attention(const Array& qkv, std::size_t H) {
    const std::size_t B = qkv.shape()[0], T = qkv.shape()[1], C = qkv.shape()[2] / 3, D = C / H;
    Array y = xt::zeros<double>({B, T, C});  // [B, T, C]
    for (std::size_t b = 0; b < B; ++b)
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t i = 0; i < T; ++i) {
                std::vector<double> s(i + 1);
                double m = -std::numeric_limits<double>::max();
                for (std::size_t j = 0; j <= i; ++j) {
                    double dot = 0.0;
                    for (std::size_t d = 0; d < D; ++d)
                        dot += qkv(b, i, h * D + d) * qkv(b, j, C + h * D + d);
                    s[j] = dot / std::sqrt(static_cast<double>(D));
                    m = std::max(m, s[j]);
                }
                double total = 0.0;
                for (double& v : s) total += (v = std::exp(v - m));
                for (std::size_t j = 0; j <= i; ++j)
                    for (std::size_t d = 0; d < D; ++d)
                        y(b, i, h * D + d) += s[j] / total * qkv(b, j, 2 * C + h * D + d);
            }
    return y;
}

BOOST_AUTO_TEST_CASE(forward_matches_the_attention_formula_written_out) {
    const Array qkv = random_array({2, 4, 24}, 1, -2.0, 2.0);  // [B, T, 3C], C = 8
    Tape tape;
    const Tensor y = causal_self_attention(tape, Tensor(qkv), 2);  // [B, T, C]
    BOOST_TEST(shape_string(y.value()) == "[2, 4, 8]");
    BOOST_TEST(y.value() == reference_attention(qkv, 2), tt::tolerance(exact_tol)
                                                             << tt::per_element());
    // Position 0 attends only to itself: its output is its own v.
    for (std::size_t c = 0; c < 8; ++c)
        BOOST_TEST(y.value()(1, 0, c) == qkv(1, 0, 16 + c), tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(gradient_matches_finite_differences_and_gradcheck) {
    const Array qkv0 = random_array({2, 4, 24}, 2, -1.5, 1.5);  // [B, T, 3C]
    const Array w = random_array({2, 4, 8}, 3);                 // [B, T, C]
    Tape tape;
    Tensor qkv = Tensor::parameter(qkv0, "qkv");
    tape.backward(tape.apply(WeightedSum{w}, causal_self_attention(tape, qkv, 2)));
    const Array numeric = finite_difference(
        [&](const Array& probe) {
            const Array y = reference_attention(probe, 2);  // [B, T, C]
            double L = 0.0;
            for (std::size_t i = 0; i < w.size(); ++i) L += w.data()[i] * y.data()[i];
            return L;
        },
        qkv0);
    BOOST_TEST(max_abs_diff(qkv.grad(), numeric) < fd_tol);
    const GradcheckReport r = gradcheck(
        [](Tape& t, const std::vector<Tensor>& p) { return causal_self_attention(t, p[0], 2); },
        {qkv0});
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(the_layer_gradchecks_in_every_parameter) {
    Random rng(7);
    const CausalSelfAttention attn("attn", 8, 2, rng);
    std::vector<Tensor> params;
    for (const NamedTensor& p : attn.parameters()) params.push_back(p.tensor);
    // Biases of zero and tiny weights make a weak check: start from values of order 1.
    std::vector<Array> values{random_array({2, 4, 8}, 4)};  // x [B, T, C]
    for (std::size_t i = 0; i < params.size(); ++i)
        values.push_back(random_array(params[i].shape(), 5 + i, -0.5, 0.5));
    const GradcheckReport r = gradcheck(
        [](Tape& tape, const std::vector<Tensor>& p) {
            return linear(tape, causal_self_attention(tape, linear(tape, p[0], p[1], p[2]), 2),
                          p[3], p[4]);
        },
        values);
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(the_layer_names_and_initialises_its_parameters_as_pytorch_does) {
    Random rng(42);
    const CausalSelfAttention attn("blocks.0.attn", 8, 2, rng);
    const NamedTensors p = attn.parameters();
    BOOST_TEST_REQUIRE(p.size() == 4u);
    BOOST_TEST(p[0].name == "blocks.0.attn.qkv.weight");
    BOOST_TEST(p[1].name == "blocks.0.attn.qkv.bias");
    BOOST_TEST(p[2].name == "blocks.0.attn.proj.weight");
    BOOST_TEST(p[3].name == "blocks.0.attn.proj.bias");
    Random other(42);
    BOOST_TEST(CausalSelfAttention("", 8, 2, other).parameters()[0].name == "qkv.weight");
    Random same(42);
    const Array W_qkv = normal({24, 8}, 0.02, same);  // [3C, C]
    const Array W_proj = normal({8, 8}, 0.02, same);  // [C, C]
    BOOST_TEST(p[0].tensor.value() == W_qkv, tt::per_element());
    BOOST_TEST(p[1].tensor.value() == Array(xt::zeros<double>({24})), tt::per_element());
    BOOST_TEST(p[2].tensor.value() == W_proj, tt::per_element());
    BOOST_TEST(p[3].tensor.value() == Array(xt::zeros<double>({8})), tt::per_element());
    for (const NamedTensor& t : p) BOOST_TEST(t.tensor.requires_grad());
    // The layer's forward is x W_qkv^T + b -> attention -> W_proj.
    const Array x0 = random_array({2, 4, 8}, 8);  // [B, T, C]
    Tape tape;
    const Tensor out = attn(tape, Tensor(x0));
    Tape direct;
    const Tensor expected = linear(
        direct,
        causal_self_attention(direct, linear(direct, Tensor(x0), p[0].tensor, p[1].tensor), 2),
        p[2].tensor, p[3].tensor);
    BOOST_TEST(out.value() == expected.value(), tt::per_element());
}

// ops/README.md's "Attention, composed" counts the nodes: 3 Slice, 3 x (Reshape, Transpose),
// MatMul, Scale, CausalSoftmax, MatMul, then Transpose and Reshape.
BOOST_AUTO_TEST_CASE(the_composition_is_fifteen_nodes_as_the_guide_lists_them) {
    Tape tape;
    causal_self_attention(tape, Tensor::parameter(random_array({1, 3, 12}, 2), "qkv"), 2);
    BOOST_TEST_REQUIRE(tape.size() == 15u);
    const char* ops[] = {"Slice",     "Reshape",       "Transpose", "Slice",     "Reshape",
                         "Transpose", "Slice",         "Reshape",   "Transpose", "MatMul",
                         "Scale",     "CausalSoftmax", "MatMul",    "Transpose", "Reshape"};
    for (std::size_t n = 0; n < 15; ++n) BOOST_TEST(std::string(tape.node(n).op_name()) == ops[n]);
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_function_the_shape_and_h) {
    Tape tape;
    check_invalid_argument(
        [&] {
            causal_self_attention(tape, Tensor(Array(xt::zeros<double>({2, 4, 8}))), 2);
        },
        {"causal_self_attention", "qkv [2, 4, 8]", "H = 2"});
    check_invalid_argument(
        [&] {
            causal_self_attention(tape, Tensor(Array(xt::zeros<double>({2, 4, 24}))), 3);
        },
        {"causal_self_attention", "qkv [2, 4, 24]", "H = 3"});
    check_invalid_argument(
        [&] {
            causal_self_attention(tape, Tensor(Array(xt::zeros<double>({4, 24}))), 2);
        },
        {"causal_self_attention", "qkv [4, 24]"});
    Random rng(1);
    check_invalid_argument([&] { CausalSelfAttention("attn", 8, 3, rng); },
                           {"CausalSelfAttention", "C = 8", "H = 3"});
}

std::string non_finite_message(const std::function<void()>& f) {
    try {
        f();
    } catch (const NonFiniteError& e) {
        return e.what();
    }
    BOOST_ERROR("expected NonFiniteError, nothing was thrown");
    return {};
}

// The mask is in the loop bounds: no -inf or -1e9 anywhere, so check_finite is quiet on a
// whole causal attention step, forward and backward.
BOOST_AUTO_TEST_CASE(check_finite_is_quiet_on_valid_input_and_names_the_op_on_a_nan) {
    Random rng(3);
    const CausalSelfAttention attn("attn", 8, 2, rng);
    Tape tape;
    FiniteCheck finite_check;
    tape.add_hooks(finite_check);
    Tensor x = Tensor::parameter(random_array({2, 4, 8}, 9), "x");
    BOOST_CHECK_NO_THROW(tape.backward(mean(tape, attn(tape, x))));

    // A real NaN in the scores: CausalSoftmax is named (node 0: its input is a leaf).
    tape.clear();
    Array S = random_array({2, 4, 4}, 10);                  // [B, T, T]
    S(1, 2, 1) = std::numeric_limits<double>::quiet_NaN();  // unmasked (j <= i)
    Tensor scores = Tensor::parameter(S, "S");
    const std::string msg = non_finite_message([&] { causal_softmax(tape, scores); });
    for (const char* part :
         {"forward of CausalSoftmax", "node 0", "S [2, 4, 4] (already non-finite)"})
        BOOST_TEST(msg.find(part) != std::string::npos, msg << " lacks " << part);

    // A NaN in the layer's input: the first op that meets it (the qkv Linear) is named.
    tape.clear();
    Array x_nan = random_array({2, 4, 8}, 11);  // [B, T, C]
    x_nan(0, 3, 5) = std::numeric_limits<double>::quiet_NaN();
    Tensor bad = Tensor::parameter(x_nan, "x");
    const std::string first = non_finite_message([&] { attn(tape, bad); });
    for (const char* part : {"forward of Linear", "node 0", "x [2, 4, 8] (already non-finite)"})
        BOOST_TEST(first.find(part) != std::string::npos, first << " lacks " << part);
}

/// Bytes held from malloc right now (glibc); reads 0 under AddressSanitizer (then vacuous).
std::size_t heap_in_use() {
    return mallinfo2().uordblks;
}

// Every new op on one replayed tape: attention (Slice, Reshape, Transpose, MatMul, Scale,
// CausalSoftmax), then AddBias of wpe [T, C], SumAxis, MeanAxis, Sum, Mean, Add.
BOOST_AUTO_TEST_CASE(replaying_an_attention_step_keeps_memory_flat) {
    const std::size_t B = 2, T = 16, C = 32, H = 4;
    Random rng(5);
    const CausalSelfAttention attn("attn", C, H, rng);
    Tensor x = Tensor::parameter(normal({B, T, C}, 1.0, rng), "x");   // [B, T, C]
    Tensor wpe = Tensor::parameter(normal({T, C}, 0.1, rng), "wpe");  // [T, C]
    std::vector<Tensor> params{x, wpe};
    for (const NamedTensor& p : attn.parameters()) params.push_back(p.tensor);
    Tape tape;
    std::size_t after_warm_up = 0, nodes = 0;
    for (int step = 1; step <= 200; ++step) {
        tape.rewind();
        {
            const Tensor y = add_bias(tape, attn(tape, x), wpe);                 // [B, T, C]
            const Tensor per_token = sum_axis(tape, y, 2);                       // [B, T]
            const Tensor per_batch = mean_axis(tape, per_token, 1);              // [B]
            const Tensor loss = add(tape, sum(tape, per_batch), mean(tape, y));  // []
            for (Tensor& p : params) p.zero_grad();
            tape.backward(loss);
        }
        if (step == 1) nodes = tape.size();
        if (step == 10) after_warm_up = heap_in_use();
    }
    BOOST_TEST(tape.size() == nodes);
    BOOST_TEST(heap_in_use() == after_warm_up);
}

BOOST_AUTO_TEST_SUITE_END()

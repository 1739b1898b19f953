#include "ops/layers/decoder_block.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/core/init.hpp"
#include "engine/inspect/gradcheck.hpp"
#include "ops/add.hpp"
#include "ops/gelu.hpp"
#include "ops/layer_norm.hpp"
#include "ops/linear.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_decoder_block)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(parameters_have_state_dict_names_in_order_and_shapes) {
    Random rng(5);
    const DecoderBlock block("blocks.1", 8, 2, rng);
    const NamedTensors p = block.parameters();
    BOOST_TEST_REQUIRE(p.size() == 12u);
    const char* names[] = {
        "blocks.1.ln1.weight",    "blocks.1.ln1.bias",         "blocks.1.attn.qkv.weight",
        "blocks.1.attn.qkv.bias", "blocks.1.attn.proj.weight", "blocks.1.attn.proj.bias",
        "blocks.1.ln2.weight",    "blocks.1.ln2.bias",         "blocks.1.mlp.fc1.weight",
        "blocks.1.mlp.fc1.bias",  "blocks.1.mlp.fc2.weight",   "blocks.1.mlp.fc2.bias"};
    const Shape shapes[] = {{8}, {8}, {24, 8}, {24}, {8, 8},  {8},
                            {8}, {8}, {32, 8}, {32}, {8, 32}, {8}};
    for (std::size_t i = 0; i < 12; ++i) {
        BOOST_TEST(p[i].name == names[i]);
        BOOST_TEST(p[i].tensor.value().shape() == shapes[i], tt::per_element());
        BOOST_TEST(p[i].tensor.same_as(block.tensors()[i]));
        BOOST_TEST(p[i].tensor.requires_grad());
    }
}

// Matrices in parameter order from the seed (qkv, proj, fc1, fc2), LayerNorm weights 1,
// biases 0.
BOOST_AUTO_TEST_CASE(initial_values_come_from_the_seed_in_parameter_order) {
    Random rng(1337), same(1337);
    const DecoderBlock block("b", 4, 2, rng);
    const Array W_qkv = normal({12, 4}, 0.02, same);  // [3C, C]
    const Array W_proj = normal({4, 4}, 0.02, same);  // [C, C]
    const Array W_fc1 = normal({16, 4}, 0.02, same);  // [4C, C]
    const Array W_fc2 = normal({4, 16}, 0.02, same);  // [C, 4C]
    const std::vector<Tensor> p = block.tensors();
    BOOST_TEST(p[0].value() == ones({4}), tt::per_element());
    BOOST_TEST(p[1].value() == zeros({4}), tt::per_element());
    BOOST_TEST(max_abs_diff(p[2].value(), W_qkv) == 0.0);
    BOOST_TEST(max_abs_diff(p[4].value(), W_proj) == 0.0);
    BOOST_TEST(p[6].value() == ones({4}), tt::per_element());
    BOOST_TEST(max_abs_diff(p[8].value(), W_fc1) == 0.0);
    BOOST_TEST(p[9].value() == zeros({16}), tt::per_element());
    BOOST_TEST(max_abs_diff(p[10].value(), W_fc2) == 0.0);
}

// y = a + mlp(ln2(a)), a = x + attn(ln1(x)), written out op by op.
BOOST_AUTO_TEST_CASE(applying_it_is_the_two_residual_branches_written_out) {
    Random rng(9);
    const DecoderBlock block("blocks.0", 8, 2, rng);
    std::vector<Tensor> p = block.tensors();
    for (Tensor& t : p) t.value() = normal(t.shape(), 0.5, rng);  // away from 0 / 1
    const Tensor x(random_array({2, 5, 8}, 4, -2.0, 2.0));        // [B, T, C]
    Tape tape;
    Tensor P;
    const Tensor y = block(tape, x, &P);
    const Tensor n1 = layer_norm(tape, x, p[0], p[1], 1e-5);  // [B, T, C]
    const Tensor qkv = linear(tape, n1, p[2], p[3]);          // [B, T, 3C]
    const Tensor a = add(tape, x, linear(tape, causal_self_attention(tape, qkv, 2), p[4], p[5]));
    const Tensor n2 = layer_norm(tape, a, p[6], p[7], 1e-5);  // [B, T, C]
    const Tensor m = linear(tape, gelu(tape, linear(tape, n2, p[8], p[9])), p[10], p[11]);
    const Tensor reference = add(tape, a, m);  // [B, T, C]
    BOOST_TEST(y.value().shape() == (Shape{2, 5, 8}), tt::per_element());
    BOOST_TEST(max_abs_diff(y.value(), reference.value()) == 0.0);
    // The attention probabilities: [B, H, T, T], causal, rows summing to 1.
    BOOST_TEST(P.shape() == (Shape{2, 2, 5, 5}), tt::per_element());
    for (std::size_t i = 0; i < 5; ++i) {
        double row = 0.0;
        for (std::size_t j = 0; j < 5; ++j) {
            if (j > i) BOOST_TEST(P.value()(1, 0, i, j) == 0.0);
            row += P.value()(1, 0, i, j);
        }
        BOOST_TEST(row == 1.0, tt::tolerance(1e-15));
    }
}

// The whole block's backward as one function of x and its 12 parameters, every element.
// Parameters of order 1 (not the 0.02 initialisation, whose gradients are tiny).
BOOST_DATA_TEST_CASE(gradcheck_of_the_whole_block_passes, bdata::make({1u, 2u}), seed) {
    Random rng(seed);
    const DecoderBlock block("blocks.0", 4, 2, rng);
    const Array w = random_array({2, 3, 4}, seed + 20);  // [B, T, C] dL/dy
    const auto f = [&](Tape& tape, const std::vector<Tensor>& t) {
        const std::vector<Tensor> params(t.begin() + 1, t.end());
        return tape.apply(WeightedSum{w}, block.forward(tape, t[0], params));
    };
    std::vector<Array> inputs{random_array({2, 3, 4}, seed, -1.5, 1.5)};  // x [B, T, C]
    for (const Tensor& p : block.tensors())
        inputs.push_back(random_array(p.shape(), seed + 1 + inputs.size(), -0.8, 0.8));
    const GradcheckReport r = gradcheck(f, inputs);
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Random rng(3);
    const DecoderBlock block("blocks.0", 16, 4, rng);
    const Tensor x(random_array({4, 8, 16}, 5));  // [B, T, C]
    const Array w = random_array({4, 8, 16}, 6);  // [B, T, C]
    check_replay_allocates_nothing([&](Tape& tape) {
        for (Tensor t : block.tensors()) t.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, block(tape, x)));
    });
}

BOOST_AUTO_TEST_CASE(bad_sizes_and_a_wrong_parameter_count_throw) {
    Random rng(1);
    check_invalid_argument([&] { DecoderBlock("blocks.0", 8, 3, rng); },
                           {"CausalSelfAttention", "C = 8", "H = 3"});
    const DecoderBlock block("blocks.0", 4, 2, rng);
    Tape tape;
    check_invalid_argument([&] { block.forward(tape, Tensor(Array{1.0}), {}); },
                           {"DecoderBlock::forward", "got 0 tensors"});
}

BOOST_AUTO_TEST_SUITE_END()

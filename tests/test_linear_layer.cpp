#include "ops/layers/linear_layer.hpp"

#include "engine/core/init.hpp"
#include "ops/linear.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_linear_layer)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(parameters_have_state_dict_names_in_order_and_shapes) {
    Random rng(7);
    const LinearLayer fc("transformer.h.0.mlp.c_fc", 3, 5, rng);
    const NamedTensors p = fc.parameters();
    BOOST_TEST_REQUIRE(p.size() == 2u);
    BOOST_TEST(p[0].name == "transformer.h.0.mlp.c_fc.weight");
    BOOST_TEST(p[1].name == "transformer.h.0.mlp.c_fc.bias");
    BOOST_TEST(p[0].tensor.value().shape() == (Shape{5, 3}), tt::per_element());
    BOOST_TEST(p[1].tensor.value().shape() == (Shape{5}), tt::per_element());
    BOOST_TEST(p[0].tensor.name() == p[0].name);  // the tensor carries its name too
    BOOST_TEST(p[0].tensor.same_as(fc.weight()));
    BOOST_TEST(p[0].tensor.requires_grad());
}

// W ~ 0.02 N(0, 1), one draw per element in row-major order from the given generator.
BOOST_AUTO_TEST_CASE(weights_are_normal_0_02_from_the_seed_and_biases_zero) {
    Random rng(42), same(42);
    const LinearLayer fc("fc", 4, 6, rng);
    const Array expected = normal({6, 4}, 0.02, same);  // [6, 4]
    BOOST_TEST(max_abs_diff(fc.weight().value(), expected) == 0.0);
    BOOST_TEST(fc.bias().value() == zeros({6}), tt::per_element());
    BOOST_TEST(rng.next_u64() == same.next_u64());  // both consumed the same draws
}

BOOST_AUTO_TEST_CASE(without_a_bias_there_is_only_the_weight) {
    Random rng(1);
    const LinearLayer head("lm_head", 4, 10, rng, false);
    const NamedTensors p = head.parameters();
    BOOST_TEST_REQUIRE(p.size() == 1u);
    BOOST_TEST(p[0].name == "lm_head.weight");
    BOOST_TEST(!head.bias().defined());
}

BOOST_AUTO_TEST_CASE(applying_it_is_linear_with_its_tensors) {
    Random rng(3);
    const LinearLayer fc("fc", 3, 2, rng);
    Tensor b = fc.bias();  // a handle to the layer's tensor
    b.value() = Array{0.5, -1.0};
    const Tensor x(random_array({2, 4, 3}, 5));  // [2, 4, 3]
    Tape tape;
    const Tensor z = fc(tape, x);
    const Tensor reference = linear(tape, x, fc.weight(), fc.bias());
    BOOST_TEST(z.value().shape() == (Shape{2, 4, 2}), tt::per_element());
    BOOST_TEST(max_abs_diff(z.value(), reference.value()) == 0.0);
}

BOOST_AUTO_TEST_CASE(zero_sizes_throw_naming_the_layer) {
    Random rng(1);
    check_invalid_argument([&] { LinearLayer("fc", 0, 3, rng); }, {"LinearLayer fc", "in 0"});
    check_invalid_argument([&] { LinearLayer("fc", 3, 0, rng); }, {"LinearLayer fc", "out 0"});
}

BOOST_AUTO_TEST_SUITE_END()

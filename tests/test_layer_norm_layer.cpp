#include "ops/layers/layer_norm_layer.hpp"

#include "engine/core/init.hpp"
#include "ops/layer_norm.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_layer_norm_layer)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(parameters_have_state_dict_names_in_order_and_initial_values) {
    const LayerNormLayer ln("transformer.h.0.ln_1", 4);
    const NamedTensors p = ln.parameters();
    BOOST_TEST_REQUIRE(p.size() == 2u);
    BOOST_TEST(p[0].name == "transformer.h.0.ln_1.weight");
    BOOST_TEST(p[1].name == "transformer.h.0.ln_1.bias");
    BOOST_TEST(p[0].tensor.value() == ones({4}), tt::per_element());   // gamma
    BOOST_TEST(p[1].tensor.value() == zeros({4}), tt::per_element());  // beta
    BOOST_TEST(p[1].tensor.name() == p[1].name);
    BOOST_TEST(ln.eps() == 1e-5);  // torch.nn.LayerNorm's default
}

BOOST_AUTO_TEST_CASE(applying_it_is_layer_norm_with_its_tensors) {
    const LayerNormLayer ln("ln", 5, 1e-3);
    ln.parameters()[0].tensor.value() = random_array({5}, 2, 0.5, 1.5);
    ln.parameters()[1].tensor.value() = random_array({5}, 3);
    const Tensor x(random_array({3, 5}, 4));  // [3, 5]
    Tape tape;
    const Tensor y = ln(tape, x);
    const NamedTensors p = ln.parameters();
    const Tensor reference = layer_norm(tape, x, p[0].tensor, p[1].tensor, 1e-3);
    BOOST_TEST(max_abs_diff(y.value(), reference.value()) == 0.0);
}

BOOST_AUTO_TEST_CASE(a_zero_width_throws_naming_the_layer) {
    check_invalid_argument([&] { LayerNormLayer("ln_f", 0); }, {"LayerNormLayer ln_f", "C"});
}

BOOST_AUTO_TEST_SUITE_END()

#include "ops/layers/mlp.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/core/init.hpp"
#include "engine/inspect/gradcheck.hpp"
#include "ops/gelu.hpp"
#include "ops/linear.hpp"
#include "replay_memory.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_mlp)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(parameters_have_state_dict_names_in_order_and_shapes) {
    Random rng(5);
    const Mlp mlp("transformer.h.1.mlp", 3, rng);
    const NamedTensors p = mlp.parameters();
    BOOST_TEST_REQUIRE(p.size() == 4u);
    const char* names[] = {"transformer.h.1.mlp.fc1.weight", "transformer.h.1.mlp.fc1.bias",
                           "transformer.h.1.mlp.fc2.weight", "transformer.h.1.mlp.fc2.bias"};
    const Shape shapes[] = {{12, 3}, {12}, {3, 12}, {3}};
    for (std::size_t i = 0; i < 4; ++i) {
        BOOST_TEST(p[i].name == names[i]);
        BOOST_TEST(p[i].tensor.name() == names[i]);
        BOOST_TEST(p[i].tensor.value().shape() == shapes[i], tt::per_element());
        BOOST_TEST(p[i].tensor.same_as(mlp.tensors()[i]));
    }
}

// fc1's matrix is drawn first, then fc2's, each 0.02 N(0, 1) in row-major order; biases 0.
BOOST_AUTO_TEST_CASE(initial_values_come_from_the_seed_in_parameter_order) {
    Random rng(1337), same(1337);
    const Mlp mlp("mlp", 4, rng);
    const Array W1 = normal({16, 4}, 0.02, same);  // [16, 4]
    const Array W2 = normal({4, 16}, 0.02, same);  // [4, 16]
    BOOST_TEST(max_abs_diff(mlp.fc1().weight().value(), W1) == 0.0);
    BOOST_TEST(max_abs_diff(mlp.fc2().weight().value(), W2) == 0.0);
    BOOST_TEST(mlp.fc1().bias().value() == zeros({16}), tt::per_element());
    BOOST_TEST(mlp.fc2().bias().value() == zeros({4}), tt::per_element());
    Random again(1337);
    const Mlp twin("mlp", 4, again);  // same seed, same numbers
    BOOST_TEST(max_abs_diff(twin.fc2().weight().value(), W2) == 0.0);
}

BOOST_AUTO_TEST_CASE(applying_it_is_fc2_of_gelu_of_fc1) {
    Random rng(9);
    const Mlp mlp("mlp", 3, rng);
    const Tensor x(random_array({2, 2, 3}, 4, -2.0, 2.0));  // [2, 2, 3]
    Tape tape;
    const Tensor y = mlp(tape, x);
    const std::vector<Tensor> p = mlp.tensors();
    const Tensor reference = linear(tape, gelu(tape, linear(tape, x, p[0], p[1])), p[2], p[3]);
    BOOST_TEST(y.value().shape() == (Shape{2, 2, 3}), tt::per_element());
    BOOST_TEST(max_abs_diff(y.value(), reference.value()) == 0.0);
}

// The whole MLP's backward, every element of x and of every parameter. Parameters of order 1
// (not the 0.02 initialisation, whose gradients are tiny) and non-zero biases, so no input's
// gradient is trivially zero.
BOOST_DATA_TEST_CASE(gradcheck_of_the_mlp_passes, bdata::make({1u, 2u}), seed) {
    const Array w = random_array({2, 3, 2}, seed + 20);  // [2, 3, 2] dL/dy
    const auto f = [&](Tape& tape, const std::vector<Tensor>& t) {
        const Tensor y = Mlp::forward(tape, t[0], {t[1], t[2], t[3], t[4]});  // [2, 3, 2]
        return tape.apply(WeightedSum{w}, y);
    };
    const std::vector<Array> inputs{random_array({2, 3, 2}, seed, -1.5, 1.5),  // x [2, 3, 2]
                                    random_array({8, 2}, seed + 1),            // fc1 W [4C, C]
                                    random_array({8}, seed + 2),               // fc1 b [4C]
                                    random_array({2, 8}, seed + 3),            // fc2 W [C, 4C]
                                    random_array({2}, seed + 4)};              // fc2 b [C]
    const GradcheckReport r = gradcheck(f, inputs);
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(replaying_the_tape_allocates_nothing) {
    Random rng(3);
    const Mlp mlp("mlp", 16, rng);
    const Tensor x(random_array({4, 8, 16}, 5));  // [4, 8, 16]
    const Array w = random_array({4, 8, 16}, 6);  // [4, 8, 16]
    check_replay_allocates_nothing([&](Tape& tape) {
        for (Tensor t : mlp.tensors()) t.zero_grad();
        tape.backward(tape.apply(WeightedSum{w}, mlp(tape, x)));
    });
}

BOOST_AUTO_TEST_CASE(a_wrong_parameter_count_throws) {
    Tape tape;
    check_invalid_argument([&] { Mlp::forward(tape, Tensor(Array{1.0}), {}); },
                           {"Mlp::forward", "got 0 tensors"});
}

BOOST_AUTO_TEST_SUITE_END()

#include "engine/inspect/finite_check.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "engine/core/tape.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/linear.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_finite_check)

using namespace tapegrad;
using namespace tapegrad::test;

const Array W0{{1.0, 2.0}, {0.0, -1.0}, {3.0, 0.5}};  // [3, 2]
const Array x0{1.5, 0.5};                             // [2]

// sqrt: finite forward at 0, infinite gradient there: dL/dx = dL/dy / (2 sqrt(x)).
struct Sqrt {
    static constexpr const char* name = "Sqrt";
    void forward(const Inputs<1>& in, Array& y) {
        y.resize(in[0].shape());
        xt::noalias(y) = xt::sqrt(in[0]);
    }
    void backward(const Inputs<1>&, const Array& y, const Array& grad_y, GradTargets<1>& grad) {
        grad[0].set(grad_y / (2.0 * y));
    }
};

template <class F>
std::string non_finite_message(F&& fn) {
    try {
        fn();
    } catch (const NonFiniteError& e) {
        return e.what();
    }
    BOOST_ERROR("expected NonFiniteError, nothing was thrown");
    return {};
}

BOOST_AUTO_TEST_CASE(stops_at_the_op_whose_output_is_infinite) {
    Tape tape;
    FiniteCheck finite_check;
    tape.add_hooks(finite_check);
    Tensor W = Tensor::parameter(W0, "W");
    Tensor z = linear(tape, Tensor(x0, false, "x"), W);  // node 0, finite
    // p(target) = 0 exactly: -log 0 = +inf in CrossEntropy (the fused form would stay finite).
    Tensor p = Tensor::parameter(Array{0.0, 1.0}, "p");
    const std::string msg = non_finite_message([&] { cross_entropy(tape, p, {0}); });
    for (const char* part : {"forward of CrossEntropy", "node 1 on the tape", "+inf", "p [2]"})
        BOOST_TEST(msg.find(part) != std::string::npos, msg << " lacks " << part);
    BOOST_TEST(tape.size() == 1u);  // the failing op was not recorded
}

BOOST_AUTO_TEST_CASE(names_an_input_that_is_already_non_finite) {
    Tape tape;
    FiniteCheck finite_check;
    tape.add_hooks(finite_check);
    Tensor W = Tensor::parameter(Array{{1.0, std::numeric_limits<double>::infinity()}}, "W");
    const std::string msg = non_finite_message([&] { linear(tape, Tensor(x0, false, "x"), W); });
    for (const char* part :
         {"forward of Linear", "node 0", "x [2]", "W [1, 2] (already non-finite)"})
        BOOST_TEST(msg.find(part) != std::string::npos, msg << " lacks " << part);
}

BOOST_AUTO_TEST_CASE(stops_at_the_node_whose_gradient_is_infinite) {
    Tape tape;
    FiniteCheck finite_check;
    tape.add_hooks(finite_check);
    Tensor a = Tensor::parameter(Array{0.0, 4.0}, "a");
    Tensor loss = tape.apply(WeightedSum{Array{1.0, 1.0}}, tape.apply(Sqrt{}, a));
    const std::string msg = non_finite_message([&] { tape.backward(loss); });
    for (const char* part : {"backward of Sqrt", "node 0 on the tape",
                             "+inf at flat index 0 of [2]", "gradient for input 0", "a [2]"})
        BOOST_TEST(msg.find(part) != std::string::npos, msg << " lacks " << part);
}

BOOST_AUTO_TEST_CASE(without_the_check_non_finite_values_pass_silently) {
    Tape tape;  // not attached by default: it costs a pass over every output and gradient
    Tensor a = Tensor::parameter(Array{0.0, 4.0}, "a");
    Tensor loss = tape.apply(WeightedSum{Array{1.0, 1.0}}, tape.apply(Sqrt{}, a));
    BOOST_CHECK_NO_THROW(tape.backward(loss));
    BOOST_TEST(std::isinf(a.grad()(0)));
}

BOOST_AUTO_TEST_CASE(a_removed_check_stops_nothing) {
    Tape tape;
    FiniteCheck finite_check;
    tape.add_hooks(finite_check);
    tape.remove_hooks(finite_check);
    Tensor a = Tensor::parameter(Array{0.0, 4.0}, "a");
    Tensor loss = tape.apply(WeightedSum{Array{1.0, 1.0}}, tape.apply(Sqrt{}, a));
    BOOST_CHECK_NO_THROW(tape.backward(loss));
}

BOOST_AUTO_TEST_SUITE_END()

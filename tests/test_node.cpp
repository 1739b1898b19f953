// OpNode: the adapter between an op struct and the tape — it prepares the gradient targets,
// checks that backward wrote each wanted gradient in its input's shape, and reports formulas.
#include "engine/core/node.hpp"

#include "engine/core/tape.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_node)

using namespace tapegrad;

namespace {
// An op whose backward can be told to forget its gradient or write a wrong shape.
struct Faulty {
    static constexpr const char* name = "Faulty";
    int mode = 0;  // 0 correct, 1 writes nothing, 2 writes a wrong shape
    void forward(const Inputs<1>& in, Array& y) { y = in[0]; }
    void backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        if (mode == 0) grad[0].set(grad_y);
        if (mode == 2) grad[0].set(Array{1.0, 2.0, 3.0});
    }
};

Tensor faulty_loss(Tape& tape, const Tensor& x, int mode) {
    return tape.apply(WeightedSum{Array{1.0, 1.0}}, tape.apply(Faulty{mode}, x));
}
}  // namespace

BOOST_AUTO_TEST_CASE(a_correct_backward_passes_the_gradient_on) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    tape.backward(faulty_loss(tape, x, 0));
    BOOST_TEST(x.grad() == (Array{1.0, 1.0}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_gradient_backward_never_wrote_throws_naming_the_op) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    Tensor loss = faulty_loss(tape, x, 1);
    try {
        tape.backward(loss);
        BOOST_ERROR("expected std::logic_error");
    } catch (const std::logic_error& e) {
        BOOST_TEST(std::string(e.what()).find("Faulty::backward did not write the gradient for "
                                              "input 0 of shape [2]") != std::string::npos,
                   e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_gradient_of_the_wrong_shape_throws_naming_both_shapes) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    Tensor loss = faulty_loss(tape, x, 2);
    try {
        tape.backward(loss);
        BOOST_ERROR("expected std::logic_error");
    } catch (const std::logic_error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("Faulty::backward") != std::string::npos, msg);
        BOOST_TEST(msg.find("[3]") != std::string::npos, msg);
        BOOST_TEST(msg.find("[2]") != std::string::npos, msg);
    }
}

BOOST_AUTO_TEST_CASE(a_node_names_its_op_and_knows_the_fused_step_declaration) {
    const OpNode<Faulty, 1> node;
    BOOST_TEST(std::string(node.op_name()) == "Faulty");
    BOOST_TEST(node.forward_formula() == nullptr);  // Faulty states none
}

BOOST_AUTO_TEST_SUITE_END()

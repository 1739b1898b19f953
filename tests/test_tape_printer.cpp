#include "engine/inspect/tape_printer.hpp"

#include <sstream>
#include <string>

#include "ops/linear.hpp"
#include "ops/mul.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_tape_printer)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

/// z = W x with W = [[1, 0], [0, 1], [1, 1]] and x = [1, 2]: z = [1, 2, 3];
/// L = SoftmaxCrossEntropy(z, target 0), p = softmax(z) = [0.09003, 0.2447, 0.6652].
struct Graph {
    Tape tape;
    Tensor x{Array{1.0, 2.0}, false, "x"};
    Tensor W = Tensor::parameter(Array{{1.0, 0.0}, {0.0, 1.0}, {1.0, 1.0}}, "W");
    Tensor z, loss;
    Graph() {
        z = linear(tape, x, W);
        z.set_name("z");
        loss = softmax_cross_entropy(tape, z, {0});
        loss.set_name("L");
    }
};

/// An op that states no formula: the printer must still work.
struct Twice {
    static constexpr const char* name = "Twice";
    void forward(const Inputs<1>& in, Array& y) { y = 2.0 * in[0]; }
    void backward(const Inputs<1>&, const Array&, const Array& g, GradTargets<1>& grad) {
        grad[0].set(2.0 * g);
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(forward_listing_shows_nodes_formulas_shapes_and_values) {
    Graph g;
    std::ostringstream out;
    print_tape(out, g.tape);
    const std::string text = out.str();
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(contains(text, "forward: 2 nodes"), text);
    BOOST_TEST(contains(text, "[0] Linear\n      z = x W^T\n"), text);  // no bias: no "+ b"
    BOOST_TEST(contains(text, "input 0: x [2] = [1, 2]"), text);
    BOOST_TEST(contains(text, "input 1: W [3, 2] = [[1, 0], [0, 1], [1, 1]]"), text);
    BOOST_TEST(contains(text, "output:  z [3] = [1, 2, 3]"), text);
    BOOST_TEST(contains(text, "[1] SoftmaxCrossEntropy"), text);
    BOOST_TEST(contains(text, "input 0: z [3] = [1, 2, 3]   (from [0])"), text);
}

BOOST_AUTO_TEST_CASE(backward_trace_shows_p_minus_y_then_its_outer_product_with_x) {
    Graph g;
    std::ostringstream out;
    print_backward(out, g.tape, g.loss);
    const std::string text = out.str();
    BOOST_TEST_MESSAGE(text);
    // Visited in reverse: the loss node first, receiving dL/dL = 1.
    BOOST_TEST(text.find("[1] SoftmaxCrossEntropy") < text.find("[0] Linear"), text);
    BOOST_TEST(contains(text, "dL/dz = (p - y) / B"), text);
    BOOST_TEST(contains(text, "receives dL/dL [] = 1\n"), text);
    // p - y = [0.09003 - 1, 0.2447, 0.6652]
    BOOST_TEST(contains(text, "passes dL/dz [3] = [-0.91, 0.2447, 0.6652]"), text);
    BOOST_TEST(contains(text, "receives dL/dz [3] = [-0.91, 0.2447, 0.6652]"), text);
    // (p - y) x^T with x = [1, 2]
    BOOST_TEST(
        contains(text, "passes dL/dW [3, 2] = [[-0.91, -1.82], [0.2447, 0.4895], [0.6652, 1.33]]"),
        text);
    BOOST_TEST(contains(text, "input 0 (x) requires no gradient"), text);
    BOOST_TEST(!contains(text, "added to"), text);  // every tensor is reached once here
    // The trace ran a real backward pass.
    BOOST_TEST(g.W.grad()(0, 1) ==
                   2.0 * (std::exp(1.0) / (std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 1.0),
               tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(a_tensor_reached_twice_shows_each_contribution_and_the_sum) {
    Tape tape;
    Tensor a = Tensor::parameter(Array{3.0}, "a");
    Tensor b = tape.apply(Twice{}, a);  // node 0: b = 2a, unnamed
    Tensor loss = mul(tape, a, b);      // node 1: L = a * b = 2 a^2
    std::ostringstream out;
    print_backward(out, tape, loss);
    const std::string text = out.str();
    BOOST_TEST_MESSAGE(text);
    BOOST_TEST(contains(text, "receives dL/dnode1.out [1] = [1]"), text);
    BOOST_TEST(contains(text, "passes dL/da [1] = [6]"), text);          // dL/da direct = b
    BOOST_TEST(contains(text, "passes dL/dnode0.out [1] = [3]"), text);  // = a
    // node 0 adds 2 * 3 = 6 to the 6 already there: dL/da = 4a = 12.
    BOOST_TEST(contains(text, "[0] Twice\n    receives"), text);  // no formula line
    BOOST_TEST(contains(text, "which now holds [1] = [12]"), text);
    BOOST_TEST(a.grad()(0) == 12.0);
}

BOOST_AUTO_TEST_CASE(large_arrays_are_shown_by_shape_only) {
    Tape tape;
    Tensor x = Tensor::parameter(xt::ones<double>({10, 10}), "");
    tape.apply(Twice{}, x);
    std::ostringstream out;
    print_tape(out, tape);
    BOOST_TEST(contains(out.str(), "input 0: leaf0 [10, 10] (100 values)"), out.str());
    BOOST_TEST(contains(out.str(), "output:  node0.out [10, 10] (100 values)"), out.str());
}

BOOST_AUTO_TEST_CASE(dot_graph_has_a_box_per_op_an_ellipse_per_tensor_and_shaped_edges) {
    Graph g;
    std::ostringstream out;
    write_dot(out, g.tape);
    const std::string dot = out.str();
    BOOST_TEST_MESSAGE(dot);
    BOOST_TEST(dot.rfind("digraph tape {", 0) == 0u, dot);
    BOOST_TEST(contains(dot, "op0 [shape=box, style=rounded, label=\"[0] Linear\\nz = x W^T\"]"),
               dot);
    BOOST_TEST(contains(dot, "t0 [shape=ellipse, label=\"x\\n[2]\"]"), dot);
    BOOST_TEST(contains(dot, "t1 [shape=ellipse, label=\"W\\n[3, 2]\", style=filled"), dot);
    BOOST_TEST(contains(dot, "t0 -> op0 [label=\"[2]\"]"), dot);
    BOOST_TEST(contains(dot, "t1 -> op0 [label=\"[3, 2]\"]"), dot);
    BOOST_TEST(contains(dot, "op0 -> t2 [label=\"[3]\"]"), dot);
    BOOST_TEST(contains(dot, "t2 -> op1 [label=\"[3]\"]"), dot);
    BOOST_TEST(contains(dot, "op1 -> t3 [label=\"[]\"]"), dot);
    BOOST_TEST(dot.substr(dot.size() - 2) == "}\n");
}

BOOST_AUTO_TEST_SUITE_END()

#include "engine/core/tape.hpp"

#include <malloc.h>

#include "engine/optim/sgd.hpp"
#include "examples/slides.hpp"

#include <vector>

#include <xtensor/xview.hpp>

#include "engine/core/no_grad.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/linear.hpp"
#include "ops/scale.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "ops/sum.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_tape)

using namespace tapegrad;
using namespace tapegrad::test;

const Array W0{{1.0, 2.0}, {0.0, -1.0}, {3.0, 0.5}};  // [3, 2]
const Array x0{1.5, 0.5};                             // [2]
const Array w1{0.3, -1.2, 0.7};                       // [3]
const Array w2{2.0, 0.5, -0.25};                      // [3]

BOOST_AUTO_TEST_CASE(records_each_op_in_execution_order) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor z = linear(tape, Tensor(x0), W);
    Tensor loss = softmax_cross_entropy(tape, z, {0});
    BOOST_TEST(tape.size() == 2u);
    BOOST_TEST(std::string(tape.node(0).op_name()) == "Linear");
    BOOST_TEST(std::string(tape.node(1).op_name()) == "SoftmaxCrossEntropy");
    BOOST_TEST(tape.node(1).output().same_as(loss));
    BOOST_TEST(tape.node(1).inputs()[0].same_as(z));
    BOOST_CHECK_THROW(tape.node(2), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(a_tensor_used_by_two_nodes_gets_the_sum_of_both_gradients) {
    // z1 = W x and z2 = W x are two nodes reading W; L = w1.z1 + w2.z2,
    // so dL/dW = w1 x^T + w2 x^T.
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor x(x0);
    Tensor z1 = linear(tape, x, W);
    Tensor z2 = linear(tape, x, W);
    tape.backward(tape.apply(WeightedPair{w1, w2}, z1, z2));
    Array expected = xt::zeros<double>({3, 2});  // [3, 2]
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 2; ++j) expected(i, j) = (w1(i) + w2(i)) * x0(j);
    BOOST_TEST(max_abs_diff(W.grad(), expected) < exact_tol);
}

BOOST_AUTO_TEST_CASE(a_tensor_used_twice_by_one_node_gets_both_gradients) {
    Tape tape;
    Tensor a = Tensor::parameter(Array{1.0, 2.0, 3.0}, "a");
    tape.backward(tape.apply(WeightedPair{w1, w2}, a, a));
    const Array expected = w1 + w2;  // [3]
    BOOST_TEST(max_abs_diff(a.grad(), expected) < exact_tol);
}

BOOST_AUTO_TEST_CASE(a_branch_that_does_not_lead_to_the_loss_is_skipped) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor unused_W = Tensor::parameter(W0, "unused_W");
    Tensor x(x0);
    Tensor side = softmax(tape, linear(tape, x, unused_W));  // recorded, leads nowhere
    Tensor loss = tape.apply(WeightedSum{w1}, linear(tape, x, W));
    Tensor after = softmax(tape, linear(tape, x, W));  // recorded after the loss
    tape.backward(loss);
    BOOST_TEST(W.has_grad());
    BOOST_TEST(!unused_W.has_grad());
    BOOST_TEST(!side.has_grad());
    BOOST_TEST(!after.has_grad());
    BOOST_CHECK_THROW(unused_W.grad(), std::logic_error);  // never computed: no stale zeros
}

BOOST_AUTO_TEST_CASE(a_second_backward_adds_the_same_gradient_to_the_leaves_again) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor z = linear(tape, Tensor(x0), W);
    Tensor loss = softmax_cross_entropy(tape, z, {1});
    z.retain_grad();
    tape.backward(loss);
    const Array once = W.grad();         // [3, 2]
    const Array z_grad_once = z.grad();  // [3]
    tape.backward(loss);
    const Array twice = 2.0 * once;  // [3, 2]
    BOOST_TEST(max_abs_diff(W.grad(), twice) < exact_tol);
    // An op output's gradient belongs to one pass: recomputed, not accumulated.
    BOOST_TEST(max_abs_diff(z.grad(), z_grad_once) == 0.0);
}

BOOST_AUTO_TEST_CASE(zero_grad_makes_the_next_backward_start_from_zero) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor loss = softmax_cross_entropy(tape, linear(tape, Tensor(x0), W), {1});
    tape.backward(loss);
    const Array once = W.grad();  // [3, 2]
    W.zero_grad();
    BOOST_TEST(!W.has_grad());
    BOOST_CHECK_THROW(W.grad(), std::logic_error);  // forgotten, not zeros
    tape.backward(loss);
    BOOST_TEST(max_abs_diff(W.grad(), once) == 0.0);
}

BOOST_AUTO_TEST_CASE(no_grad_runs_ops_without_recording) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    {
        NoGrad guard(tape);
        Tensor z = linear(tape, Tensor(x0), W);
        const Array expected{2.5, -0.5, 4.75};
        BOOST_TEST(z.value() == expected, tt::per_element());
        BOOST_TEST(!z.requires_grad());
        BOOST_TEST(tape.size() == 0u);
    }
    BOOST_TEST(tape.recording());
    try {
        NoGrad guard(tape);
        throw std::runtime_error("leave the scope by an exception");
    } catch (const std::runtime_error&) {
    }
    BOOST_TEST(tape.recording());
    linear(tape, Tensor(x0), W);
    BOOST_TEST(tape.size() == 1u);
}

BOOST_AUTO_TEST_CASE(ops_on_tensors_without_gradients_are_not_recorded) {
    Tape tape;
    Tensor z = linear(tape, Tensor(x0), Tensor(W0));
    BOOST_TEST(tape.size() == 0u);
    BOOST_TEST(!z.requires_grad());
}

BOOST_AUTO_TEST_CASE(backward_refuses_a_loss_that_is_not_a_scalar_on_this_tape) {
    Tape tape, other;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor z = linear(tape, Tensor(x0), W);
    check_invalid_argument([&] { tape.backward(z); }, {"backward", "scalar", "[3]"});
    Tensor loss = softmax_cross_entropy(tape, z, {0});
    check_invalid_argument([&] { other.backward(loss); },
                           {"backward", "not recorded on this tape"});
    check_invalid_argument([&] { tape.backward(Tensor()); }, {"backward", "empty"});
}

BOOST_AUTO_TEST_CASE(rewind_replays_into_the_same_buffers_unless_an_output_is_still_held) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    const double* first_buffer = nullptr;
    Array first_grad;
    for (int step = 0; step < 3; ++step) {
        tape.rewind();
        Tensor z = linear(tape, Tensor(x0), W);
        Tensor loss = softmax_cross_entropy(tape, z, {0});
        if (step == 0) first_buffer = z.value().data();
        BOOST_TEST(z.value().data() == first_buffer);  // reused, nothing allocated
        W.zero_grad();
        tape.backward(loss);
        if (step == 0) first_grad = W.grad();
        BOOST_TEST(max_abs_diff(W.grad(), first_grad) == 0.0);  // same numbers every replay
    }
    Tensor held = tape.node(0).output();
    tape.rewind();
    Tensor z = linear(tape, Tensor(Array{0.0, 1.0}), W);
    BOOST_TEST(!z.same_as(held));  // a held output is never overwritten
    const Array held_expected{2.5, -0.5, 4.75};
    BOOST_TEST(held.value() == held_expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(clear_forgets_every_node) {
    Tape tape;
    Tensor W = Tensor::parameter(W0, "W");
    Tensor loss = softmax_cross_entropy(tape, linear(tape, Tensor(x0), W), {0});
    tape.clear();
    BOOST_TEST(tape.size() == 0u);
    check_invalid_argument([&] { tape.backward(loss); }, {"not recorded on this tape"});
}

// An op whose backward breaks the contract, to see the engine catch it.
struct WrongShapeBackward {
    static constexpr const char* name = "WrongShapeBackward";
    void forward(const Inputs<1>& in, Array& out) {
        out.resize(Shape{});
        out() = in[0](0);
    }
    void backward(const Inputs<1>&, const Array&, const Array&, GradTargets<1>& grad) {
        const Array g = xt::ones<double>({5});  // [5], but the input is [3]
        grad[0].set(g);
    }
};
struct SilentBackward {
    static constexpr const char* name = "SilentBackward";
    void forward(const Inputs<1>& in, Array& out) {
        out.resize(Shape{});
        out() = in[0](0);
    }
    void backward(const Inputs<1>&, const Array&, const Array&, GradTargets<1>&) {}
};

BOOST_AUTO_TEST_CASE(a_backward_that_breaks_the_contract_throws_naming_the_op_and_shapes) {
    Tape tape;
    Tensor a = Tensor::parameter(Array{1.0, 2.0, 3.0}, "a");
    try {
        tape.backward(tape.apply(WrongShapeBackward{}, a));
        BOOST_ERROR("expected std::logic_error");
    } catch (const std::logic_error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("WrongShapeBackward") != std::string::npos, msg);
        BOOST_TEST(msg.find("[5]") != std::string::npos, msg);
        BOOST_TEST(msg.find("[3]") != std::string::npos, msg);
    }
    Tape tape2;
    BOOST_CHECK_THROW(tape2.backward(tape2.apply(SilentBackward{}, a)), std::logic_error);
}

/// Bytes the program holds from malloc right now (glibc). Under AddressSanitizer, which
/// replaces malloc, this reads 0 and the flatness check below is vacuous there; ASan's leak
/// checker covers that build instead.
std::size_t heap_in_use() {
    return mallinfo2().uordblks;
}

/// 10,000 SGD steps of the walkthrough (Bsp. 1), the tape rewound or cleared every step.
void check_memory_stays_flat(bool rewind) {
    const slides::Example ex = slides::bsp1();
    Tensor x(ex.x, false, "x");
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");
    SGD sgd({W}, 0.1);
    Tape tape;
    std::size_t after_warm_up = 0;
    for (int step = 1; step <= 10000; ++step) {
        if (rewind)
            tape.rewind();
        else
            tape.clear();
        Tensor loss = softmax_cross_entropy(tape, linear(tape, x, W), {ex.target});
        sgd.zero_grad();
        tape.backward(loss);
        sgd.step();
        if (step == 10) after_warm_up = heap_in_use();
    }
    BOOST_TEST(heap_in_use() == after_warm_up, (rewind ? "rewind" : "clear"));
}

BOOST_AUTO_TEST_CASE(ten_thousand_steps_keep_memory_flat_with_rewind) {
    check_memory_stays_flat(true);
}
BOOST_AUTO_TEST_CASE(ten_thousand_steps_keep_memory_flat_with_clear) {
    check_memory_stays_flat(false);
}

/// L = sum(c^n x) through n Scale nodes whose outputs only the tape holds (the handles of
/// the chain go out of scope before backward, as a layer's local tensors do).
Tensor scaled_chain(Tape& tape, const Tensor& x, int n, double c) {
    Tensor y = x;
    for (int i = 0; i < n; ++i) y = scale(tape, y, c);
    return sum(tape, y);
}

// The gradient-lifetime rule (engine/core/tensor.hpp): leaves accumulate until zero_grad();
// an op's output keeps its gradient only after retain_grad(); reading any other throws.

BOOST_AUTO_TEST_CASE(an_op_outputs_gradient_is_released_after_its_node_ran) {
    Tensor x = Tensor::parameter(Array{1.0, -2.0, 0.5}, "x");
    Tape tape;
    Tensor loss = scaled_chain(tape, x, 3, 2.0);  // nodes 0..2 Scale, node 3 Sum
    tape.backward(loss);
    // dL/dx = c^n = 8 for every element, through three released intermediate gradients.
    BOOST_TEST(max_abs_diff(x.grad(), Array{8.0, 8.0, 8.0}) == 0.0);
    for (std::size_t i = 0; i < 3; ++i) {
        BOOST_TEST(!tape.node(i).output().has_grad(), "node " << i);
        BOOST_TEST((tape.node(i).output().grad_state() == GradState::released), "node " << i);
        BOOST_TEST(tape.node(i).output().value().size() == 3u, "its value stays, node " << i);
    }
    // Holding a handle changes nothing: the loss is an op's output too.
    BOOST_TEST((loss.grad_state() == GradState::released));
}

BOOST_AUTO_TEST_CASE(a_retained_intermediate_keeps_its_gradient) {
    Tensor x = Tensor::parameter(Array{1.0, -2.0, 0.5}, "x");
    Tape tape;
    Tensor z = scale(tape, x, 3.0);
    z.retain_grad();  // dL/dz stays readable after backward
    Tensor loss = scaled_chain(tape, z, 2, 2.0);
    tape.backward(loss);
    BOOST_TEST(max_abs_diff(z.grad(), Array{4.0, 4.0, 4.0}) == 0.0);
    BOOST_TEST(max_abs_diff(x.grad(), Array{12.0, 12.0, 12.0}) == 0.0);
    BOOST_TEST(!tape.node(1).output().has_grad());  // not retained: released
}

/// The message of the std::logic_error that fn throws ("" and a failure when none).
template <class F>
std::string logic_error_message(F&& fn) {
    try {
        fn();
    } catch (const std::logic_error& e) {
        return e.what();
    }
    BOOST_ERROR("expected std::logic_error, nothing was thrown");
    return {};
}

void check_message(const std::string& msg, std::initializer_list<const char*> parts) {
    for (const char* part : parts)
        BOOST_TEST(msg.find(part) != std::string::npos, msg << " lacks " << part);
}

BOOST_AUTO_TEST_CASE(reading_a_released_gradient_throws_and_says_to_call_retain_grad) {
    Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    Tape tape;
    Tensor z = scale(tape, x, 3.0);
    z.set_name("z");
    tape.backward(sum(tape, z));
    check_message(logic_error_message([&] { z.grad(); }), {"z [2]", "released", "retain_grad()"});
}

BOOST_AUTO_TEST_CASE(reading_a_gradient_never_computed_throws_and_says_why) {
    Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    check_message(logic_error_message([&] { x.grad(); }),
                  {"x [2]", "no backward pass has reached it", "zero_grad()"});
    const Tensor c(Array{1.0}, false, "c");
    check_message(logic_error_message([&] { c.grad(); }), {"c [1]", "does not require one"});
    Tape tape;
    Tensor off_path = scale(tape, x, 2.0);  // recorded, but the loss does not depend on it
    off_path.set_name("off_path");
    off_path.retain_grad();
    tape.backward(sum(tape, scale(tape, x, 5.0)));
    check_message(logic_error_message([&] { off_path.grad(); }),
                  {"off_path [2]", "no backward pass has reached it"});
    Tensor handle = c;
    BOOST_CHECK_THROW(handle.retain_grad(), std::logic_error);  // it will never get one
}

BOOST_AUTO_TEST_CASE(leaves_accumulate_and_retained_outputs_are_per_pass) {
    Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    Tape tape;
    Tensor z = scale(tape, x, 3.0);
    z.retain_grad();
    Tensor loss = sum(tape, scale(tape, z, 2.0));  // L = sum(6 x)
    tape.backward(loss);
    tape.backward(loss);  // a second pass over the same recording
    BOOST_TEST(x.grad() == Array({12.0, 12.0}), tt::per_element());  // 6 + 6: accumulated
    BOOST_TEST(z.grad() == Array({2.0, 2.0}), tt::per_element());    // this pass's alone
    x.zero_grad();
    tape.backward(loss);
    BOOST_TEST(x.grad() == Array({6.0, 6.0}), tt::per_element());  // from zero again
}

BOOST_AUTO_TEST_CASE(grad_on_a_const_tensor_does_not_change_it) {
    const Tensor x = Tensor::parameter(Array{1.0, 2.0}, "x");
    BOOST_CHECK_THROW(x.grad(), std::logic_error);
    // No zeros of the value's shape were written into it.
    BOOST_TEST(!shapes_equal(x.data().grad.shape(), x.value().shape()));
    BOOST_TEST((x.grad_state() == GradState::none));
}

BOOST_AUTO_TEST_CASE(a_backward_pass_holds_a_few_intermediate_gradients_not_one_per_node) {
    // 40 nodes of 1 MiB each: the values stay (40 MiB), but of their gradients only the one
    // being passed on and the one being written are alive at a time, in reused buffers.
    const std::size_t n = 131072, mib = n * sizeof(double);  // 1 MiB of doubles
    Tensor x = Tensor::parameter(xt::ones<double>({n}), "x");
    Tape tape;
    std::size_t heap_after_step_2 = 0;
    for (int step = 1; step <= 5; ++step) {
        tape.rewind();
        Tensor loss = scaled_chain(tape, x, 40, 1.0);
        x.zero_grad();
        tape.backward(loss);
        BOOST_TEST(max_abs_diff(x.grad(), xt::ones<double>({n})) == 0.0);
        // Walking node i, two intermediate gradients are alive: its output's (read) and its
        // input's (written). Step 1 allocates both and x's gradient takes one of them from the
        // pool for good; from step 2 on the pool holds two and the pass takes and returns them.
        // (And the loss's one double: its gradient dL/dL is released too.)
        const std::size_t loss_bytes = sizeof(double);
        BOOST_TEST(tape.grad_pool().free_bytes() == (step == 1 ? 1 : 2) * mib + loss_bytes,
                   "step " << step);
        if (step == 2) heap_after_step_2 = heap_in_use();
    }
    BOOST_TEST(heap_in_use() == heap_after_step_2);  // replays allocate nothing (vacuous in ASan)
}

BOOST_AUTO_TEST_CASE(a_gradient_buffer_of_a_size_no_longer_used_is_freed) {
    Tensor x = Tensor::parameter(xt::ones<double>({131072}), "x");
    Tensor y = Tensor::parameter(xt::ones<double>({16}), "y");
    Tape tape;
    tape.backward(scaled_chain(tape, x, 4, 1.0));
    // 1 MiB, and the loss's one double
    BOOST_TEST(tape.grad_pool().free_bytes() == (131072 + 1) * sizeof(double));
    tape.rewind();
    tape.backward(scaled_chain(tape, y, 4, 1.0));  // no gradient of this pass needs 1 MiB
    BOOST_TEST(max_abs_diff(y.grad(), xt::ones<double>({16})) == 0.0);
    BOOST_TEST(tape.grad_pool().free_bytes() == (16 + 1) * sizeof(double));
    tape.clear();
    BOOST_TEST(tape.grad_pool().free_bytes() == 0u);
}

// An op written exactly to the guide (ops/README.md): what forward saves for backward goes
// into a member named `saved`, and nothing else is needed for the memory to be reused.
struct SavesASquare {
    static constexpr const char* name = "SavesASquare";
    struct Saved {
        Array two_a;  // 2a, for dL/da = dL/dy 2a   [shape of a]
    } saved;
    void forward(const Inputs<1>& in, Array& y) {
        const Array& a = in[0];
        saved.two_a.resize(a.shape());
        xt::noalias(saved.two_a) = 2.0 * a;
        y.resize(a.shape());
        xt::noalias(y) = a * a;
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        grad[0].set(grad_y * saved.two_a);
    }
};

BOOST_AUTO_TEST_CASE(a_replayed_node_keeps_the_memory_of_the_saved_state) {
    Tensor a = Tensor::parameter(Array{1.0, 2.0}, "a");
    Tape tape;
    tape.apply(SavesASquare{}, a);
    const auto& node = dynamic_cast<const OpNode<SavesASquare, 1>&>(tape.node(0));
    const double* memory = node.op.saved.two_a.data();
    for (int step = 0; step < 3; ++step) {
        tape.rewind();
        a.value() = Array{3.0 + step, -1.0};  // new values, same shape
        a.zero_grad();
        Tensor y = tape.apply(SavesASquare{}, a);  // a fresh op, as a training loop writes it
        tape.backward(tape.apply(WeightedSum{Array{1.0, 1.0}}, y));
        BOOST_TEST(node.op.saved.two_a.data() == memory, "step " << step);
        const Array expected{2.0 * (3.0 + step), -2.0};  // dL/da = 2a, from this step's a
        BOOST_TEST(a.grad() == expected, tt::per_element());
    }
}

// An op that computes its input's gradient in forward, as LinearCrossEntropy does: L = sum a^2,
// dL/da = 2a written into saved.grad_a, handed over in backward by take().
struct SquaresEarly {
    static constexpr const char* name = "SquaresEarly";
    struct Saved {
        Array grad_a;                     // 2a, dL/da for dL/dL = 1   [shape of a]
        const double* written = nullptr;  // the buffer forward wrote dL/da into
    } saved;
    void forward(const Inputs<1>& in, Array& L) {
        const Array& a = in[0];
        saved.grad_a.resize(a.shape());
        xt::noalias(saved.grad_a) = 2.0 * a;
        saved.written = saved.grad_a.data();
        L.resize(Shape{});
        L() = xt::sum(a * a)();
    }
    void backward(const Inputs<1>& in, const Array&, const Array& grad_L, GradTargets<1>& grad) {
        if (saved.grad_a.size() != in[0].size()) saved.grad_a = 2.0 * in[0];  // taken before
        if (grad_L() == 1.0) {
            grad[0].take(saved.grad_a);
        } else {
            grad[0].set(grad_L() * saved.grad_a);
        }
    }
};

BOOST_AUTO_TEST_CASE(an_op_hands_over_a_gradient_it_computed_in_forward_without_a_copy) {
    Tensor a = Tensor::parameter(Array{1.0, -2.0, 0.5}, "a");
    Tape tape;
    for (int step = 1; step <= 3; ++step) {
        tape.rewind();
        a.zero_grad();
        Tensor L = tape.apply(SquaresEarly{}, a);
        const auto& node = dynamic_cast<const OpNode<SquaresEarly, 1>&>(tape.node(0));
        const double* written = node.op.saved.written;
        tape.backward(L);
        BOOST_TEST(a.grad().data() == written, "step " << step);  // swapped in, not copied
        BOOST_TEST(a.grad() == Array({2.0, -4.0, 1.0}), tt::per_element());
    }
    // Without zero_grad the gradient holds something: the op's is added to it.
    tape.rewind();
    tape.backward(tape.apply(SquaresEarly{}, a));
    BOOST_TEST(a.grad() == Array({4.0, -8.0, 2.0}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(an_intermediate_gets_a_handed_over_gradient_and_a_second_backward_adds) {
    Tensor x = Tensor::parameter(Array{1.0, -2.0, 0.5}, "x");
    Tape tape;
    for (int step = 1; step <= 3; ++step) {
        tape.rewind();
        x.zero_grad();
        Tensor L = tape.apply(SquaresEarly{}, scale(tape, x, 3.0));  // L = sum (3x)^2
        tape.backward(L);
        BOOST_TEST(x.grad() == Array({18.0, -36.0, 9.0}), tt::per_element());  // 18 x
    }
    tape.backward(tape.node(1).output());  // the gradient was handed over: computed again
    BOOST_TEST(x.grad() == Array({36.0, -72.0, 18.0}), tt::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

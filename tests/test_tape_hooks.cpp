#include "engine/core/tape_hooks.hpp"

#include <stdexcept>
#include <vector>

#include "engine/core/node.hpp"
#include "engine/core/tape.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_tape_hooks)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

/// Records what it is told: node index, the output's gradient before, the first input's
/// gradient after.
struct Recorder final : TapeHooks {
    std::vector<std::size_t> before, after;
    std::vector<double> received, passed;
    void before_backward(std::size_t index, const Node& node) override {
        before.push_back(index);
        received.push_back(node.output().grad().data()[0]);
    }
    void after_backward(std::size_t index, const Node& node) override {
        after.push_back(index);
        passed.push_back(node.inputs()[0].grad().data()[0]);
    }
};

/// y = k x; optionally a backward that writes a gradient of the wrong shape.
struct Scale {
    static constexpr const char* name = "Scale";
    double k = 2.0;
    bool wrong_shape = false;
    void forward(const Inputs<1>& in, Array& y) { y = k * in[0]; }
    void backward(const Inputs<1>&, const Array&, const Array& g, GradTargets<1>& grad) {
        if (wrong_shape) {
            const Array bad = xt::zeros<double>({g.size() + 1});  // [n + 1]
            grad[0].set(bad);
        } else {
            grad[0].set(k * g);
        }
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(visits_connected_nodes_in_reverse_with_their_gradients) {
    Tape tape;
    Tensor x = Tensor::parameter(Array{1.0}, "x");
    Tensor a = tape.apply(Scale{2.0}, x);     // node 0: a = 2x
    tape.apply(Scale{5.0}, x);                // node 1: not on the path to the loss
    Tensor loss = tape.apply(Scale{3.0}, a);  // node 2: L = 3a
    Recorder recorder;
    tape.backward(loss, recorder);
    BOOST_TEST(recorder.before == (std::vector<std::size_t>{2, 0}), tt::per_element());
    BOOST_TEST(recorder.after == (std::vector<std::size_t>{2, 0}), tt::per_element());
    // node 2 receives dL/dL = 1 and passes dL/da = 3; node 0 receives 3 and passes dL/dx = 6.
    BOOST_TEST(recorder.received == (std::vector<double>{1.0, 3.0}), tt::per_element());
    BOOST_TEST(recorder.passed == (std::vector<double>{3.0, 6.0}), tt::per_element());
    BOOST_TEST(x.grad()(0) == 6.0);
}

BOOST_AUTO_TEST_CASE(hooks_given_to_backward_are_used_for_that_pass_only_even_after_an_exception) {
    Recorder recorder;
    Tape scalar_tape;
    Tensor y = Tensor::parameter(Array{4.0}, "y");
    Tensor broken = scalar_tape.apply(Scale{2.0, true}, y);
    BOOST_CHECK_THROW(scalar_tape.backward(broken, recorder), std::logic_error);
    const std::size_t visits = recorder.before.size();
    BOOST_TEST(visits == 1u);
    // A plain backward afterwards must not call the hooks any more.
    Tensor fine = scalar_tape.apply(Scale{3.0}, y);
    scalar_tape.backward(fine);
    BOOST_TEST(recorder.before.size() == visits);
}

namespace {

/// Counts forward calls by position, to see recorded and unrecorded ops alike.
struct ForwardCounter final : TapeHooks {
    std::vector<std::size_t> before, after;
    void before_forward(std::size_t position, const Node&) override { before.push_back(position); }
    void after_forward(std::size_t position, const Node& node) override {
        after.push_back(position);
        BOOST_TEST(node.output().value().size() > 0u);  // the output exists by now
    }
};

}  // namespace

BOOST_AUTO_TEST_CASE(added_hooks_see_every_forward_until_removed) {
    Tape tape;
    ForwardCounter counter;
    tape.add_hooks(counter);
    Tensor x = Tensor::parameter(Array{1.0}, "x");
    const Tensor c(Array{2.0});
    tape.apply(Scale{2.0}, x);  // node 0
    tape.apply(Scale{2.0}, c);  // needs no gradient: not recorded
    tape.apply(Scale{2.0}, x);  // node 1
    const std::vector<std::size_t> expected{0, not_recorded, 1};
    BOOST_TEST(counter.before == expected, tt::per_element());
    BOOST_TEST(counter.after == expected, tt::per_element());
    tape.remove_hooks(counter);
    tape.apply(Scale{2.0}, x);
    BOOST_TEST(counter.before.size() == 3u);
}

BOOST_AUTO_TEST_SUITE_END()

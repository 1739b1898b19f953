// GradPool: a released gradient buffer is reused by the next gradient of its size, a buffer no
// pass needed is freed, and with reuse off nothing is kept. And the proof that the pool (with
// the node reuse of rewind()) is only about memory: a whole tiny-decoder training run gives the
// same doubles with reuse on (rewind, pool) and off (clear, no pool).

#include "engine/core/grad_pool.hpp"

#include <vector>

#include "engine/core/tape.hpp"
#include "engine/optim/adamw.hpp"
#include "engine/optim/clip_grad_norm.hpp"
#include "examples/tiny_decoder/lib/model.hpp"
#include "ops/scale.hpp"
#include "ops/sum.hpp"
#include "small_decoder.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_grad_pool)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

/// L = sum(2 (2 x)): two Scale nodes, so one intermediate gradient is released per pass.
Tensor two_scales(Tape& tape, const Tensor& x) {
    return sum(tape, scale(tape, scale(tape, x, 2.0), 2.0));
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_released_buffer_is_the_next_gradient_of_its_size) {
    Tensor x = Tensor::parameter(xt::ones<double>({1000}), "x");
    const std::size_t vector = 1000 * sizeof(double), scalar = sizeof(double);
    Tape tape;
    std::vector<const double*> x_buffers;
    for (int step = 1; step <= 4; ++step) {
        tape.rewind();
        x.zero_grad();
        tape.backward(two_scales(tape, x));
        BOOST_TEST(x.grad() == Array(xt::ones<double>({1000}) * 4.0), tt::per_element());
        x_buffers.push_back(x.grad().data());
        // Step 1: x, a leaf, takes the first released vector for good; the pool keeps the other
        // intermediate's and dL/dL's. From step 2 on both intermediates' buffers circulate.
        const std::size_t kept = step == 1 ? vector + scalar : 2 * vector + scalar;
        BOOST_TEST(tape.grad_pool().free_bytes() == kept, "step " << step);
    }
    for (const double* b : x_buffers) BOOST_TEST(b == x_buffers[0]);  // the leaf's stays put
}

BOOST_AUTO_TEST_CASE(with_reuse_off_nothing_is_kept) {
    Tensor x = Tensor::parameter(xt::ones<double>({1000}), "x");
    Tape tape;
    tape.grad_pool().set_enabled(false);
    for (int step = 0; step < 2; ++step) {
        tape.rewind();
        x.zero_grad();
        tape.backward(two_scales(tape, x));
        BOOST_TEST(tape.grad_pool().free_bytes() == 0u);
        BOOST_TEST(tape.node(0).output().data().grad.size() == 0u);  // freed, not kept
        BOOST_TEST(x.grad() == Array(xt::ones<double>({1000}) * 4.0), tt::per_element());
    }
}

/// The tiny decoder trained as Trainer::step trains it (loss, backward, clip, AdamW), with the
/// tape's buffer reuse on or off; returns every parameter's value afterwards.
std::vector<Array> train_tiny_decoder(bool reuse, int steps) {
    const TinyDecoder model(small_decoder(), 3);
    const NamedTensors params = model.parameters();
    AdamWOptions o;
    o.lr = 0.01;
    AdamW opt(params, o);
    Tape tape;
    tape.grad_pool().set_enabled(reuse);
    const std::size_t B = 2, T = 5;
    for (int step = 0; step < steps; ++step) {
        std::vector<int> inputs(B * T), targets(B * T);
        for (std::size_t i = 0; i < B * T; ++i) {
            inputs[i] = static_cast<int>((7 * i + 3 * step) % 50);
            targets[i] = static_cast<int>((7 * i + 3 * step + 1) % 50);
        }
        if (reuse) {
            tape.rewind();  // the nodes, their outputs and saved state reused
        } else {
            tape.clear();  // every node new
        }
        tape.backward(model.loss(tape, inputs, targets, B, T));
        clip_grad_norm(params, 1.0);
        opt.step();
        opt.zero_grad();
    }
    std::vector<Array> values;
    for (const NamedTensor& p : params) values.push_back(p.tensor.value());
    return values;
}

BOOST_AUTO_TEST_CASE(a_tiny_decoder_trains_to_the_same_doubles_with_and_without_reuse) {
    const std::vector<Array> with = train_tiny_decoder(true, 4);
    const std::vector<Array> without = train_tiny_decoder(false, 4);
    BOOST_TEST_REQUIRE(with.size() == without.size());
    for (std::size_t i = 0; i < with.size(); ++i)
        BOOST_TEST(max_abs_diff(with[i], without[i]) == 0.0, "parameter " << i);
    // And the training did move them (the comparison is not between two copies of the start).
    const std::vector<Array> start = train_tiny_decoder(true, 0);
    BOOST_TEST(max_abs_diff(with.back(), start.back()) > 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

#include "ops/slice.hpp"

#include "ops/add.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_slice)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(forward_takes_the_columns_of_the_last_axis) {
    const Array x{{{1.0, 2.0, 3.0, 4.0}, {5.0, 6.0, 7.0, 8.0}}};  // [1, 2, 4]
    const Array y = forward_of(Slice{1, 3}, std::array<Array, 1>{x});
    BOOST_TEST(y == (Array{{{2.0, 3.0}, {6.0, 7.0}}}), tt::per_element());
}

// L = sum w y: dL/dx = w inside the slice, exactly 0 outside.
BOOST_AUTO_TEST_CASE(backward_writes_the_gradient_inside_and_zeros_outside) {
    const Array x = random_array({2, 3, 6}, 1);  // [2, 3, 6]
    const Array w = random_array({2, 3, 2}, 2);  // [2, 3, 2]
    const Array grad_x = gradients_of(Slice{2, 4}, std::array<Array, 1>{x}, w)[0];
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t t = 0; t < 3; ++t)
            for (std::size_t c = 0; c < 6; ++c)
                BOOST_TEST(grad_x(b, t, c) == (c >= 2 && c < 4 ? w(b, t, c - 2) : 0.0));
    check_against_finite_differences(Slice{2, 4}, std::array<Array, 1>{x}, w);
}

// q, k, v out of one qkv: three Slices of one tensor, the engine adds their gradients.
BOOST_AUTO_TEST_CASE(three_slices_of_one_tensor_give_the_whole_gradient) {
    const Array x0 = random_array({2, 6}, 3);  // [2, 6]
    const Array wq = random_array({2, 2}, 4);  // [2, 2]
    const Array wk = random_array({2, 2}, 5);  // [2, 2]
    const Array wv = random_array({2, 2}, 6);  // [2, 2]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "qkv");
    const Tensor lq = tape.apply(WeightedSum{wq}, slice(tape, x, 0, 2));
    const Tensor lk = tape.apply(WeightedSum{wk}, slice(tape, x, 2, 4));
    const Tensor lv = tape.apply(WeightedSum{wv}, slice(tape, x, 4, 6));
    tape.backward(add(tape, add(tape, lq, lk), lv));
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t j = 0; j < 2; ++j) {
            BOOST_TEST(x.grad()(r, j) == wq(r, j));
            BOOST_TEST(x.grad()(r, 2 + j) == wk(r, j));
            BOOST_TEST(x.grad()(r, 4 + j) == wv(r, j));
        }
}

BOOST_AUTO_TEST_CASE(gradcheck_passes) {
    const GradcheckReport r = gradcheck_op(Slice{1, 4}, random_array({3, 5}, 7));
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(columns_outside_the_last_axis_throw_naming_the_op_and_the_shape) {
    const Array x = xt::zeros<double>({2, 4});  // [2, 4]
    check_invalid_argument(
        [&] {
            forward_of(Slice{2, 5}, std::array<Array, 1>{x});
        },
        {"Slice", "[2, 5)", "x [2, 4]"});
    check_invalid_argument(
        [&] {
            forward_of(Slice{3, 3}, std::array<Array, 1>{x});
        },
        {"Slice", "[3, 3)", "x [2, 4]"});
    check_invalid_argument(
        [&] {
            forward_of(Slice{0, 1}, std::array<Array, 1>{Array(1.0)});
        },
        {"Slice", "x []"});
}

BOOST_AUTO_TEST_SUITE_END()

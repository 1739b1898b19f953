#include "ops/heads.hpp"

#include "engine/inspect/gradcheck.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_heads)

using namespace tapegrad;
using namespace tapegrad::test;

// Head h of x [B, T, C] is columns h*D..(h+1)*D-1: split(b, h, t, d) = x(b, t, h*D + d).
BOOST_AUTO_TEST_CASE(split_heads_puts_head_h_at_columns_h_times_d) {
    const Array x0 = random_array({2, 3, 6}, 1);  // [B, T, C]
    Tape tape;
    const Tensor split = split_heads(tape, Tensor(x0), 3);  // [B, H, T, D] = [2, 3, 3, 2]
    BOOST_TEST(shape_string(split.value()) == "[2, 3, 3, 2]");
    for (std::size_t b = 0; b < 2; ++b)
        for (std::size_t h = 0; h < 3; ++h)
            for (std::size_t t = 0; t < 3; ++t)
                for (std::size_t d = 0; d < 2; ++d)
                    BOOST_TEST(split.value()(b, h, t, d) == x0(b, t, h * 2 + d));
}

BOOST_AUTO_TEST_CASE(merge_heads_undoes_split_heads_in_value_and_gradient) {
    const Array x0 = random_array({2, 4, 6}, 2);  // [B, T, C]
    const Array w = random_array({2, 4, 6}, 3);   // [B, T, C]
    Tape tape;
    Tensor x = Tensor::parameter(x0, "x");
    const Tensor back = merge_heads(tape, split_heads(tape, x, 2));  // [B, T, C]
    BOOST_TEST(back.value() == x0, tt::per_element());
    tape.backward(tape.apply(WeightedSum{w}, back));
    BOOST_TEST(x.grad() == w, tt::per_element());  // the identity's gradient: exactly w
    BOOST_TEST(tape.size() == 5u);  // Reshape, Transpose, Transpose, Reshape, WeightedSum
}

BOOST_AUTO_TEST_CASE(gradcheck_passes) {
    const GradcheckReport r = gradcheck(
        [](Tape& tape, const std::vector<Tensor>& p) { return split_heads(tape, p[0], 2); },
        {random_array({2, 3, 4}, 4)});
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_function_the_shape_and_h) {
    Tape tape;
    check_invalid_argument(
        [&] {
            split_heads(tape, Tensor(Array(xt::zeros<double>({2, 3, 5}))), 2);
        },
        {"split_heads", "[2, 3, 5]", "H = 2"});
    check_invalid_argument(
        [&] {
            split_heads(tape, Tensor(Array(xt::zeros<double>({3, 4}))), 2);
        },
        {"split_heads", "[3, 4]"});
    check_invalid_argument(
        [&] {
            merge_heads(tape, Tensor(Array(xt::zeros<double>({3, 4}))));
        },
        {"merge_heads", "[3, 4]"});
}

BOOST_AUTO_TEST_SUITE_END()

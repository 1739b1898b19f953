#include "engine/core/tensor.hpp"

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_tensor)

using namespace tapegrad;
using namespace tapegrad::test;

BOOST_AUTO_TEST_CASE(copies_share_value_and_gradient) {
    Tensor a = Tensor::parameter(Array{1.0, 2.0}, "a");
    Tensor b = a;
    b.value()(0) = 5.0;
    BOOST_TEST(a.value()(0) == 5.0);
    BOOST_TEST(a.same_as(b));
    BOOST_TEST(a.requires_grad());
    BOOST_TEST(a.name() == "a");
    BOOST_TEST(!Tensor(Array{1.0}).same_as(Tensor(Array{1.0})));
}

BOOST_AUTO_TEST_CASE(grad_is_zeros_of_the_value_shape_before_any_backward) {
    Tensor a = Tensor::parameter(Array{{1.0, 2.0, 3.0}}, "a");
    BOOST_TEST(!a.has_grad());
    BOOST_TEST(shape_string(a.grad()) == "[1, 3]");
    BOOST_TEST(a.grad() == xt::zeros<double>({1, 3}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(zero_grad_forgets_a_stale_gradient) {
    Tensor a = Tensor::parameter(Array{1.0, 2.0}, "a");
    a.data().grad = Array{7.0, 8.0};
    a.data().grad_is_zero = false;
    BOOST_TEST(a.has_grad());
    a.zero_grad();
    BOOST_TEST(!a.has_grad());
    BOOST_TEST(a.grad() == xt::zeros<double>({2}), tt::per_element());
}

BOOST_AUTO_TEST_CASE(an_empty_handle_throws_instead_of_crashing) {
    Tensor empty;
    BOOST_TEST(!empty.defined());
    BOOST_CHECK_THROW(empty.value(), std::logic_error);
    BOOST_CHECK_THROW(empty.grad(), std::logic_error);
}

BOOST_AUTO_TEST_CASE(item_is_the_value_of_a_one_element_tensor) {
    BOOST_TEST(Tensor(Array(2.5)).item() == 2.5);  // a scalar []
    Array one = xt::zeros<double>({1, 1});         // [1, 1]
    one(0, 0) = -1.25;
    BOOST_TEST(Tensor(one).item() == -1.25);
    check_invalid_argument(
        [] {
            Tensor(Array{1.0, 2.0}, false, "loss").item();
        },
        {"Tensor::item", "loss", "[2]", "2 elements"});
    check_invalid_argument(
        [] {
            Tensor(Array(xt::zeros<double>({0, 3}))).item();
        },
        {"Tensor::item", "[0, 3]", "0 elements"});
}

BOOST_AUTO_TEST_SUITE_END()

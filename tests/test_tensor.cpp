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

BOOST_AUTO_TEST_CASE(grad_before_any_backward_throws_instead_of_showing_zeros) {
    Tensor a = Tensor::parameter(Array{{1.0, 2.0, 3.0}}, "a");
    BOOST_TEST(!a.has_grad());
    BOOST_TEST((a.grad_state() == GradState::none));
    BOOST_CHECK_THROW(a.grad(), std::logic_error);
    BOOST_TEST(a.is_leaf());
}

BOOST_AUTO_TEST_CASE(zero_grad_forgets_a_stale_gradient) {
    Tensor a = Tensor::parameter(Array{1.0, 2.0}, "a");
    a.set_grad(Array{7.0, 8.0});
    BOOST_TEST(a.has_grad());
    BOOST_TEST(a.grad() == Array({7.0, 8.0}), tt::per_element());
    a.zero_grad();
    BOOST_TEST(!a.has_grad());
    BOOST_CHECK_THROW(a.grad(), std::logic_error);
}

BOOST_AUTO_TEST_CASE(set_grad_refuses_another_shape_and_retain_grad_a_tensor_without_one) {
    Tensor a = Tensor::parameter(Array{1.0, 2.0}, "a");
    check_invalid_argument([&] { a.set_grad(Array{1.0, 2.0, 3.0}); }, {"set_grad", "[3]", "a [2]"});
    BOOST_TEST(!a.has_grad());
    Tensor c(Array{1.0});
    BOOST_CHECK_THROW(c.retain_grad(), std::logic_error);
    a.retain_grad();  // allowed on a leaf, which keeps its gradient anyway
    BOOST_TEST(a.retains_grad());
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

#include "engine/optim/clip_grad_norm.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "engine/inspect/non_finite_error.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_clip_grad_norm)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

Tensor with_grad(const char* name, const Array& g) {
    Tensor p = Tensor::parameter(Array(g.shape(), 1.0), name);
    p.set_grad(g);
    return p;
}

const double inf = std::numeric_limits<double>::infinity();

}  // namespace

BOOST_AUTO_TEST_CASE(total_norm_is_the_norm_of_all_gradients_and_they_are_scaled) {
    // ||(3, 4)|| = 5 and ||(12)|| = 12: total sqrt(25 + 144) = 13.
    Tensor a = with_grad("a", Array{3.0, 4.0});
    Tensor b = with_grad("b", Array(Shape{1, 1}, 12.0));
    const double total = clip_grad_norm(std::vector<Tensor>{a, b}, 6.5);
    BOOST_TEST(total == 13.0);
    const double c = (1.0 / (13.0 + 1e-6)) * 6.5;  // torch's coefficient, rounded as torch does
    BOOST_TEST(a.grad()(0) == 3.0 * c);
    BOOST_TEST(a.grad()(1) == 4.0 * c);
    BOOST_TEST(b.grad()(0, 0) == 12.0 * c);
    // The clipped norm is max_norm up to the 1e-6: 6.5 * 13 / (13 + 1e-6).
    BOOST_TEST(clip_grad_norm(std::vector<Tensor>{a, b}, inf) == 6.5, tt::tolerance(1e-6));
}

BOOST_AUTO_TEST_CASE(gradients_below_max_norm_are_left_exactly_as_they_are) {
    Tensor a = with_grad("a", Array{0.1, -0.2, 0.3});
    const Array before = a.grad();  // [3]
    const double total = clip_grad_norm(std::vector<Tensor>{a}, 1.0);
    BOOST_TEST(total == std::sqrt(0.1 * 0.1 + 0.2 * 0.2 + 0.3 * 0.3));
    BOOST_TEST(a.grad() == before, tt::per_element());
}

BOOST_AUTO_TEST_CASE(parameters_without_a_gradient_are_ignored) {
    Tensor a = with_grad("a", Array{3.0, 4.0});
    Tensor none = Tensor::parameter(Array{100.0}, "none");
    Tensor zero = with_grad("zero", Array{0.0, 0.0});
    BOOST_TEST(clip_grad_norm(std::vector<Tensor>{none, a, zero}, 1.0) == 5.0);
    BOOST_TEST(!none.has_grad());
    BOOST_TEST(zero.grad()(1) == 0.0);
    BOOST_TEST(clip_grad_norm(std::vector<Tensor>{none}, 1.0) == 0.0);
    BOOST_TEST(clip_grad_norm(std::vector<Tensor>{}, 1.0) == 0.0);
}

BOOST_AUTO_TEST_CASE(the_named_form_is_the_same) {
    Tensor a = with_grad("a", Array{3.0, 4.0});
    Tensor b = with_grad("b", Array{3.0, 4.0});
    const double by_list = clip_grad_norm(std::vector<Tensor>{a}, 2.0);
    const double by_name = clip_grad_norm(NamedTensors{{"b", b}}, 2.0);
    BOOST_TEST(by_list == by_name);
    BOOST_TEST(a.grad() == b.grad(), tt::per_element());
}

BOOST_AUTO_TEST_CASE(max_norm_zero_zeroes_and_bad_max_norm_throws) {
    Tensor a = with_grad("a", Array{3.0, -4.0});
    BOOST_TEST(clip_grad_norm(std::vector<Tensor>{a}, 0.0) == 5.0);
    BOOST_TEST(a.grad()(0) == 0.0);
    check_invalid_argument([&] { clip_grad_norm(std::vector<Tensor>{a}, -1.0); },
                           {"clip_grad_norm", "max_norm", "-1"});
    check_invalid_argument([&] { clip_grad_norm(std::vector<Tensor>{a}, std::nan("")); },
                           {"clip_grad_norm", "max_norm", "nan"});
}

BOOST_AUTO_TEST_CASE(a_nan_gradient_gives_nan_everywhere_as_in_torch) {
    Tensor a = with_grad("a", Array{1.0, std::nan("")});
    Tensor b = with_grad("b", Array{2.0});
    const double total = clip_grad_norm(std::vector<Tensor>{a, b}, 1.0);
    BOOST_TEST(std::isnan(total));
    BOOST_TEST(std::isnan(a.grad()(0)));
    BOOST_TEST(std::isnan(b.grad()(0)));
}

BOOST_AUTO_TEST_CASE(an_infinite_gradient_zeroes_the_finite_entries_as_in_torch) {
    Tensor a = with_grad("a", Array{1.0, inf});
    Tensor b = with_grad("b", Array{-2.0});
    const double total = clip_grad_norm(std::vector<Tensor>{a, b}, 1.0);
    BOOST_TEST(total == inf);
    BOOST_TEST(a.grad()(0) == 0.0);
    BOOST_TEST(std::isnan(a.grad()(1)));  // inf * 0
    BOOST_TEST(b.grad()(0) == 0.0);
    BOOST_TEST(std::signbit(b.grad()(0)));
}

BOOST_AUTO_TEST_CASE(error_if_nonfinite_throws_naming_the_parameter_and_changes_nothing) {
    Tensor a = with_grad("a", Array{1.0});
    Tensor b = with_grad("b", Array{std::nan(""), 1.0});
    try {
        clip_grad_norm(NamedTensors{{"layer.a", a}, {"layer.b", b}}, 1.0, true);
        BOOST_ERROR("expected NonFiniteError");
    } catch (const NonFiniteError& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("clip_grad_norm") != std::string::npos, msg);
        BOOST_TEST(msg.find("parameter 1 'layer.b'") != std::string::npos, msg);
        BOOST_TEST(msg.find("nan") != std::string::npos, msg);
    }
    BOOST_TEST(a.grad()(0) == 1.0);
    BOOST_TEST(b.grad()(1) == 1.0);
    // Every norm finite, the sum of their squares overflows: 2 * (1e154)^2 > 1.8e308.
    Tensor c = with_grad("c", Array{1e154});
    Tensor d = with_grad("d", Array{1e154});
    try {
        clip_grad_norm(std::vector<Tensor>{c, d}, 1.0, true);
        BOOST_ERROR("expected NonFiniteError");
    } catch (const NonFiniteError& e) {
        BOOST_TEST(std::string(e.what()).find("overflow") != std::string::npos, e.what());
    }
    BOOST_TEST(clip_grad_norm(std::vector<Tensor>{a}, 1.0, true) == 1.0);  // finite: no throw
}

BOOST_AUTO_TEST_SUITE_END()

#include "engine/optim/adam.hpp"

#include <cmath>
#include <limits>
#include <vector>

#include "engine/optim/adamw.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_adam)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

void set_grad(Tensor& p, const Array& g) {
    p.set_grad(g);
}

}  // namespace

// Hand-computed first step with L2 decay: g' = g + wd p, then at t = 1
// p1 = p0 - lr g' / (|g'| + eps). With lr = 0.1, wd = 0.5:
//   p = 1,  g = 0.1:   g' = 0.6,  p1 = 1 - 0.1 * 0.6 / 0.60000001   = 0.9000000016666666...
//   p = -2, g = 0.5:   g' = -0.5, p1 = -2 + 0.1 * 0.5 / 0.50000001  = -1.900000002
//   p = 0,  g = 0:     g' = 0,    p1 = 0
BOOST_AUTO_TEST_CASE(first_step_matches_the_hand_computed_values) {
    Tensor p = Tensor::parameter(Array{1.0, -2.0, 0.0}, "p");
    AdamOptions o;
    o.lr = 0.1;
    o.weight_decay = 0.5;
    Adam opt({{"p", p}}, o);
    set_grad(p, Array{0.1, 0.5, 0.0});
    opt.step();
    const Array expected{0.9000000016666666, -1.900000002, 0.0};
    BOOST_TEST(p.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
    const Array m{0.06, -0.05, 0.0};     // (1 - beta1) g'
    const Array v{3.6e-4, 2.5e-4, 0.0};  // (1 - beta2) g'^2
    BOOST_TEST(opt.state()[0].tensor.value() == m, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(opt.state()[1].tensor.value() == v, tt::tolerance(exact_tol) << tt::per_element());
    // The gradient itself is not changed by the decay.
    BOOST_TEST(p.grad()(0) == 0.1);
}

BOOST_AUTO_TEST_CASE(l2_decay_goes_through_the_moments_unlike_adamw) {
    // A zero gradient: AdamW only shrinks p by (1 - lr wd); Adam's g' = wd p is normalized
    // like any gradient, so its first step moves p by about lr, whatever wd is.
    Tensor pa = Tensor::parameter(Array{2.0}, "p");
    Tensor pw = Tensor::parameter(Array{2.0}, "p");
    AdamOptions oa;
    oa.lr = 0.1;
    oa.weight_decay = 1e-3;
    AdamWOptions ow;
    ow.lr = 0.1;
    ow.weight_decay = 1e-3;
    Adam adam({{"p", pa}}, oa);
    AdamW adamw({{"p", pw}}, ow);
    set_grad(pa, Array{0.0});
    set_grad(pw, Array{0.0});
    adam.step();
    adamw.step();
    BOOST_TEST(pa.value()(0) == 2.0 - 0.1 * 2e-3 / (2e-3 + 1e-8), tt::tolerance(exact_tol));
    BOOST_TEST(pw.value()(0) == 2.0 * (1.0 - 0.1 * 1e-3));
}

BOOST_AUTO_TEST_CASE(without_weight_decay_adam_and_adamw_are_the_same_bit_for_bit) {
    Tensor pa = Tensor::parameter(random_array({4, 3}, 31), "W");
    Tensor pw = Tensor::parameter(pa.value(), "W");
    AdamOptions oa;
    oa.lr = 0.01;
    AdamWOptions ow;
    ow.lr = 0.01;
    ow.weight_decay = 0.0;
    Adam adam({{"W", pa}}, oa);
    AdamW adamw({{"W", pw}}, ow);
    for (int t = 0; t < 5; ++t) {
        const Array g = random_array({4, 3}, 40 + t);  // [4, 3]
        set_grad(pa, g);
        set_grad(pw, g);
        adam.step();
        adamw.step();
    }
    BOOST_TEST(pa.value() == pw.value(), tt::per_element());
}

BOOST_AUTO_TEST_CASE(zero_weight_decay_leaves_the_gradient_exactly_as_it_is) {
    // torch skips grad.add(param) when weight_decay == 0, so an infinite parameter does not
    // turn its gradient into NaN (g + 0 * inf).
    Tensor p = Tensor::parameter(Array{std::numeric_limits<double>::infinity()}, "p");
    Adam opt({{"p", p}});
    set_grad(p, Array{0.0});
    opt.step();
    BOOST_TEST(opt.state()[0].tensor.value()(0) == 0.0);
    BOOST_TEST(opt.state()[1].tensor.value()(0) == 0.0);
    BOOST_TEST(p.value()(0) == std::numeric_limits<double>::infinity());
}

BOOST_AUTO_TEST_CASE(decay_only_matrices_applies_to_the_l2_term) {
    NamedTensors params{{"W", Tensor::parameter(Array(Shape{1, 1}, 2.0), "W")},
                        {"b", Tensor::parameter(Array{2.0}, "b")}};
    AdamOptions o;
    o.lr = 0.1;
    o.weight_decay = 0.5;
    o.decay_only_matrices = true;
    Adam opt(params, o);
    BOOST_TEST(opt.weight_decay_of(0) == 0.5);
    BOOST_TEST(opt.weight_decay_of(1) == 0.0);
    set_grad(params[0].tensor, Array(Shape{1, 1}, 0.0));
    set_grad(params[1].tensor, Array{0.0});
    opt.step();
    // g' = 0.5 * 2 = 1: 2 - 0.1 * 1 / (1 + 1e-8)
    BOOST_TEST(params[0].tensor.value()(0, 0) == 1.900000001, tt::tolerance(exact_tol));
    BOOST_TEST(params[1].tensor.value()(0) == 2.0);  // g' = 0
}

BOOST_AUTO_TEST_CASE(defaults_are_torchs_and_errors_name_adam) {
    const std::map<std::string, std::string> h = Adam({}).hyperparameters();
    BOOST_TEST(h.at("optimizer") == "Adam");
    BOOST_TEST(h.at("lr") == "0.001");
    BOOST_TEST(h.at("weight_decay") == "0.0");
    BOOST_TEST(h.at("eps") == "1e-08");
    AdamOptions bad;
    bad.eps = -1.0;
    check_invalid_argument([&] { Adam({}, bad); }, {"Adam:", "eps"});
    Tensor frozen(Array{1.0}, false, "frozen");
    check_invalid_argument(
        [&] {
            Adam({{"frozen", frozen}});
        },
        {"Adam:", "'frozen'", "does not require a gradient"});
}

BOOST_AUTO_TEST_CASE(state_step_count_and_lr_work_as_for_adamw) {
    Tensor p = Tensor::parameter(Array{1.0}, "w");
    Adam opt({{"w", p}});
    BOOST_TEST(opt.state()[0].name == "exp_avg.w");
    BOOST_TEST(opt.state()[1].name == "exp_avg_sq.w");
    set_grad(p, Array{1.0});
    opt.step();
    opt.step();
    BOOST_TEST(opt.step_count() == 2);
    opt.set_step_count(10);
    BOOST_TEST(opt.step_count() == 10);
    opt.set_lr(0.5);
    BOOST_TEST(opt.lr() == 0.5);
    opt.zero_grad();
    BOOST_TEST(!p.has_grad());
}

BOOST_AUTO_TEST_SUITE_END()

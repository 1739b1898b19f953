#include "engine/optim/adamw.hpp"

#include <cmath>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include <xtensor/xnoalias.hpp>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_adamw)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

void set_grad(Tensor& p, const Array& g) {
    p.set_grad(g);
}

// A fixed loss with a known gradient, L = sum(w p^2)/2 + sum(c p), dL/dp = w p + c, for
// runs of many steps (the same as the PyTorch harness uses).
struct Quadratic {
    std::vector<Array> w, c;
    void gradients(NamedTensors& params) const {
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Array g = w[i] * params[i].tensor.value() + c[i];  // [shape of p_i]
            set_grad(params[i].tensor, g);
        }
    }
};

NamedTensors three_parameters() {
    return {{"W", Tensor::parameter(random_array({3, 2}, 11), "W")},
            {"b", Tensor::parameter(random_array({2}, 12), "b")},
            {"s", Tensor::parameter(Array(0.75), "s")}};
}

Quadratic quadratic_for(const NamedTensors& params) {
    Quadratic q;
    unsigned seed = 20;
    for (const NamedTensor& p : params) {
        q.w.push_back(random_array(p.tensor.shape(), seed++, 0.5, 2.0));
        q.c.push_back(random_array(p.tensor.shape(), seed++, -1.0, 1.0));
    }
    return q;
}

NamedTensors copy_of(const NamedTensors& params) {
    NamedTensors out;
    for (const NamedTensor& p : params)
        out.push_back({p.name, Tensor::parameter(p.tensor.value(), p.tensor.name())});
    return out;
}

}  // namespace

// Hand-computed first step. At t = 1, m^ = g and v^ = g^2 (up to rounding), so
// p1 = p0 (1 - lr wd) - lr g / (|g| + eps): with lr = 0.1, wd = 0.01, eps = 1e-8
//   p = 1,    g = 0.1:   0.999 - 0.1 * 0.1 / 0.10000001 = 0.899000009999999...
//   p = -2,   g = -0.3: -1.998 + 0.1 * 0.3 / 0.30000001 = -1.8980000033333332...
//   p = 0.5,  g = 0:     0.4995 (decay only: m = 0)
BOOST_AUTO_TEST_CASE(first_step_matches_the_hand_computed_values) {
    Tensor p = Tensor::parameter(Array{1.0, -2.0, 0.5}, "p");
    AdamWOptions o;
    o.lr = 0.1;
    AdamW opt({{"p", p}}, o);
    set_grad(p, Array{0.1, -0.3, 0.0});
    opt.step();
    const Array expected{0.899000009999999, -1.8980000033333332, 0.4995};
    BOOST_TEST(p.value() == expected, tt::tolerance(exact_tol) << tt::per_element());
    const NamedTensors s = opt.state();
    const Array m{0.01, -0.03, 0.0};  // (1 - beta1) g
    const Array v{1e-5, 9e-5, 0.0};   // (1 - beta2) g^2
    BOOST_TEST(s[0].tensor.value() == m, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(s[1].tensor.value() == v, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(opt.step_count() == 1);
}

BOOST_AUTO_TEST_CASE(eps_is_added_after_the_square_root) {
    // g = eps = 1e-8: lr g / (sqrt(g^2) + eps) = lr / 2. With eps under the root it would be
    // lr g / sqrt(g^2 + eps) = lr * 1e-4.
    Tensor p = Tensor::parameter(Array{0.0}, "p");
    AdamWOptions o;
    o.weight_decay = 0.0;
    AdamW opt({{"p", p}}, o);
    set_grad(p, Array{1e-8});
    opt.step();
    BOOST_TEST(p.value()(0) == -0.5e-3, tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(ten_steps_match_the_textbook_formula) {
    // The textbook form, p - lr m^ / (sqrt(v^) + eps) with m^ = m / (1 - beta1^t),
    // v^ = v / (1 - beta2^t), rounds in another order than torch's (and AdamW's) arithmetic:
    // agreement to 1e-12 checks the formula, the PyTorch harness checks the bits.
    NamedTensors params = three_parameters();
    const Quadratic q = quadratic_for(params);
    AdamWOptions o;
    o.lr = 0.05;
    o.beta1 = 0.8;
    o.beta2 = 0.95;
    o.weight_decay = 0.1;
    AdamW opt(params, o);
    NamedTensors ref = copy_of(params);
    std::vector<Array> m, v;
    for (const NamedTensor& p : ref) {
        m.push_back(Array(p.tensor.shape(), 0.0));  // [shape of p]
        v.push_back(Array(p.tensor.shape(), 0.0));  // [shape of p]
    }
    for (int t = 1; t <= 10; ++t) {
        q.gradients(params);
        opt.step();
        q.gradients(ref);
        for (std::size_t i = 0; i < ref.size(); ++i) {
            Array& p = ref[i].tensor.value();
            const Array& g = ref[i].tensor.grad();
            p = p - o.lr * o.weight_decay * p;
            m[i] = o.beta1 * m[i] + (1.0 - o.beta1) * g;
            v[i] = o.beta2 * v[i] + (1.0 - o.beta2) * g * g;
            const Array m_hat = m[i] / (1.0 - std::pow(o.beta1, t));  // [shape of p]
            const Array v_hat = v[i] / (1.0 - std::pow(o.beta2, t));  // [shape of p]
            p = p - o.lr * m_hat / (xt::sqrt(v_hat) + o.eps);
        }
    }
    const NamedTensors s = opt.state();
    for (std::size_t i = 0; i < params.size(); ++i) {
        BOOST_TEST(params[i].tensor.value() == ref[i].tensor.value(), tt::tolerance(exact_tol)
                                                                          << tt::per_element());
        BOOST_TEST(s[2 * i].tensor.value() == m[i], tt::tolerance(exact_tol) << tt::per_element());
        BOOST_TEST(s[2 * i + 1].tensor.value() == v[i], tt::tolerance(exact_tol)
                                                            << tt::per_element());
    }
    BOOST_TEST(opt.step_count() == 10);
}

BOOST_AUTO_TEST_CASE(weight_decay_is_decoupled_from_the_gradient) {
    // A zero gradient leaves the moments at 0, so the step is the decay alone, bit for bit.
    Tensor p = Tensor::parameter(Array{2.0, -4.0}, "p");
    AdamWOptions o;
    o.lr = 0.1;
    o.weight_decay = 0.5;
    AdamW opt({{"p", p}}, o);
    set_grad(p, Array{0.0, 0.0});
    opt.step();
    const double decay = 1.0 - 0.1 * 0.5;
    BOOST_TEST(p.value()(0) == 2.0 * decay);
    BOOST_TEST(p.value()(1) == -4.0 * decay);
}

BOOST_AUTO_TEST_CASE(decay_only_matrices_leaves_vectors_and_scalars_undecayed) {
    NamedTensors params{{"W", Tensor::parameter(Array{{1.0, 2.0}, {3.0, 4.0}}, "W")},
                        {"b", Tensor::parameter(Array{1.0, 2.0}, "b")},
                        {"s", Tensor::parameter(Array(3.0), "s")}};
    AdamWOptions o;
    o.lr = 0.1;
    o.weight_decay = 0.5;
    o.decay_only_matrices = true;
    AdamW opt(params, o);
    BOOST_TEST(opt.weight_decay_of(0) == 0.5);
    BOOST_TEST(opt.weight_decay_of(1) == 0.0);
    BOOST_TEST(opt.weight_decay_of(2) == 0.0);
    set_grad(params[0].tensor, Array{{0.0, 0.0}, {0.0, 0.0}});
    set_grad(params[1].tensor, Array{0.0, 0.0});
    set_grad(params[2].tensor, Array(0.0));
    opt.step();
    BOOST_TEST(params[0].tensor.value()(1, 1) == 4.0 * 0.95);
    BOOST_TEST(params[1].tensor.value()(1) == 2.0);
    BOOST_TEST(params[2].tensor.value()() == 3.0);
}

BOOST_AUTO_TEST_CASE(a_parameter_without_a_gradient_is_left_alone) {
    NamedTensors params = three_parameters();
    const Array b0 = params[1].tensor.value();  // [2]
    AdamW opt(params);
    set_grad(params[0].tensor, Array(params[0].tensor.shape(), 0.5));
    set_grad(params[2].tensor, Array(1.0));
    opt.step();
    BOOST_TEST(params[1].tensor.value() == b0, tt::per_element());
    for (double x : opt.state()[2].tensor.value()) BOOST_TEST(x == 0.0);  // exp_avg.b
    BOOST_TEST(opt.step_count() == 1);
    opt.zero_grad();
    for (const NamedTensor& p : params) BOOST_TEST(!p.tensor.has_grad());
}

BOOST_AUTO_TEST_CASE(a_run_resumed_from_state_continues_bit_for_bit) {
    // A: 6 steps. B: 3 steps, then its parameters, moments and step count are copied into a
    // fresh C (through state(), as a checkpoint loader would) and C runs the last 3.
    AdamWOptions o;
    o.lr = 0.05;
    o.weight_decay = 0.1;
    NamedTensors a = three_parameters();
    NamedTensors b = three_parameters();
    const Quadratic q = quadratic_for(a);
    AdamW opt_a(a, o);
    AdamW opt_b(b, o);
    for (int t = 0; t < 6; ++t) {
        q.gradients(a);
        opt_a.step();
    }
    for (int t = 0; t < 3; ++t) {
        q.gradients(b);
        opt_b.step();
    }
    NamedTensors c = copy_of(b);
    AdamW opt_c(c, o);
    NamedTensors into = opt_c.state();
    const NamedTensors from = opt_b.state();
    for (std::size_t k = 0; k < into.size(); ++k) {
        BOOST_REQUIRE(into[k].name == from[k].name);
        xt::noalias(into[k].tensor.value()) = from[k].tensor.value();
    }
    opt_c.set_step_count(opt_b.step_count());
    for (int t = 0; t < 3; ++t) {
        q.gradients(c);
        opt_c.step();
    }
    for (std::size_t i = 0; i < a.size(); ++i)
        BOOST_TEST(c[i].tensor.value() == a[i].tensor.value(), tt::per_element());
    BOOST_TEST(opt_c.step_count() == 6);
}

BOOST_AUTO_TEST_CASE(set_lr_changes_the_next_step) {
    Tensor p = Tensor::parameter(Array{0.0}, "p");
    AdamWOptions o;
    o.weight_decay = 0.0;
    AdamW opt({{"p", p}}, o);
    opt.set_lr(0.25);
    BOOST_TEST(opt.lr() == 0.25);
    BOOST_TEST(opt.hyperparameters().at("lr") == "0.25");
    set_grad(p, Array{3.0});
    opt.step();
    // First step: -lr g / (|g| + eps).
    BOOST_TEST(p.value()(0) == -0.25 * 3.0 / (3.0 + 1e-8), tt::tolerance(exact_tol));
    check_invalid_argument([&] { opt.set_lr(std::nan("")); }, {"AdamW", "lr", "nan"});
}

BOOST_AUTO_TEST_CASE(defaults_are_torchs) {
    const std::map<std::string, std::string> h = AdamW({}).hyperparameters();
    BOOST_TEST(h.at("optimizer") == "AdamW");
    BOOST_TEST(h.at("lr") == "0.001");
    BOOST_TEST(h.at("beta1") == "0.9");
    BOOST_TEST(h.at("beta2") == "0.999");
    BOOST_TEST(h.at("eps") == "1e-08");
    BOOST_TEST(h.at("weight_decay") == "0.01");
    BOOST_TEST(h.at("decay_only_matrices") == "false");
    AdamWOptions bad;
    bad.beta2 = 1.0;
    check_invalid_argument([&] { AdamW({}, bad); }, {"AdamW", "beta2"});
}

BOOST_AUTO_TEST_CASE(many_steps_keep_their_buffers_and_allocate_nothing_lasting) {
    // The update runs in place over persistent buffers: after the first step the value,
    // gradient and moment buffers stay where they are and the heap does not grow.
    NamedTensors params = three_parameters();
    const Quadratic q = quadratic_for(params);
    AdamW opt(params);
    q.gradients(params);
    opt.step();
    std::vector<const double*> before;
    for (const NamedTensor& p : params) before.push_back(p.tensor.value().data());
    for (const NamedTensor& s : opt.state()) before.push_back(s.tensor.value().data());
#if defined(__GLIBC__)
    const std::size_t heap_before = mallinfo2().uordblks;
#endif
    for (int t = 0; t < 1000; ++t) opt.step();  // the gradients stay set
#if defined(__GLIBC__)
    const std::size_t heap_after = mallinfo2().uordblks;
    BOOST_TEST(heap_after == heap_before);
#endif
    std::vector<const double*> after;
    for (const NamedTensor& p : params) after.push_back(p.tensor.value().data());
    for (const NamedTensor& s : opt.state()) after.push_back(s.tensor.value().data());
    BOOST_TEST(before == after);
    BOOST_TEST(opt.step_count() == 1001);
}

BOOST_AUTO_TEST_SUITE_END()

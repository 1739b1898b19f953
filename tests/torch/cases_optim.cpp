/// Optimizers and gradient clipping: AdamW and Adam over 10 steps (with and without weight
/// decay, the decay-only-matrices rule, clipping, and a run resumed from the saved state), and
/// clip_grad_norm alone. kinds_optim.py replays them with torch.optim.AdamW / torch.optim.Adam
/// and torch.nn.utils.clip_grad_norm_ and compares every parameter, moment and total norm
/// after every step.
///
/// The gradients come from a fixed loss both sides compute the same way,
///     L = sum(w p^2) / 2 + sum(c p),   dL/dp = w p + c   (one multiply, one add per element)
/// over parameters of rank 2, 3, 1 and 0.

#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include <xtensor/xnoalias.hpp>

#include "engine/core/init.hpp"
#include "engine/optim/adam.hpp"
#include "engine/optim/adamw.hpp"
#include "engine/optim/clip_grad_norm.hpp"
#include "tests/torch/torch_case.hpp"

namespace tapegrad::torch_cases {

namespace {

struct Problem {
    NamedTensors params;
    std::vector<Array> w, c;

    explicit Problem(std::uint64_t seed) {
        Random rng(seed);
        const std::vector<std::pair<const char*, Shape>> shapes{
            {"W", {3, 4}}, {"K", {2, 3, 2}}, {"b", {4}}, {"s", {}}};
        for (const auto& [name, shape] : shapes) {
            params.push_back({name, Tensor::parameter(normal(shape, 1.0, rng), name)});
            w.push_back(uniform(shape, 0.5, 2.0, rng));  // [shape]
            c.push_back(normal(shape, 0.5, rng));        // [shape]
        }
    }

    void set_gradients() {
        for (std::size_t i = 0; i < params.size(); ++i) {
            TensorData& d = params[i].tensor.data();
            d.grad.resize(d.value.shape());
            for (std::size_t j = 0; j < d.value.size(); ++j)
                d.grad.data()[j] = w[i].data()[j] * d.value.data()[j] + c[i].data()[j];
            d.grad_state = GradState::held;
        }
    }

    json inputs() const {
        json p = json::array();
        json jw = json::object();
        json jc = json::object();
        for (std::size_t i = 0; i < params.size(); ++i) {
            p.push_back(
                {{"name", params[i].name}, {"value", array_json(params[i].tensor.value())}});
            jw[params[i].name] = array_json(w[i]);
            jc[params[i].name] = array_json(c[i]);
        }
        return {{"parameters", p}, {"loss", {{"w", jw}, {"c", jc}}}};
    }
};

json named_arrays(const NamedTensors& tensors) {
    json j = json::object();
    for (const NamedTensor& t : tensors) j[t.name] = array_json(t.tensor.value());
    return j;
}

// `steps` steps of: gradients, optional clipping, step, zero_grad. With resume_after = k > 0,
// the optimizer is replaced after step k by a fresh one that gets the old one's state through
// state() and set_step_count(), as a checkpoint would restore it.
template <class Optimizer, class Options>
void optimizer_case(Cases& cases, const std::string& name, const char* kind, const Options& options,
                    std::optional<double> max_norm, int steps = 10, int resume_after = 0,
                    std::uint64_t seed = 301) {
    Problem problem(seed);
    auto opt = std::make_unique<Optimizer>(problem.params, options);
    json inputs = problem.inputs();
    inputs["hyperparameters"] = opt->hyperparameters();
    inputs["steps"] = steps;
    inputs["max_norm"] = max_norm ? number_json(*max_norm) : json(nullptr);
    inputs["resume_after"] = resume_after;
    json records = json::array();
    for (int t = 1; t <= steps; ++t) {
        if (resume_after > 0 && t == resume_after + 1) {
            auto resumed = std::make_unique<Optimizer>(problem.params, options);
            NamedTensors into = resumed->state();
            const NamedTensors from = opt->state();
            for (std::size_t k = 0; k < into.size(); ++k)
                xt::noalias(into[k].tensor.value()) = from[k].tensor.value();
            resumed->set_step_count(opt->step_count());
            opt = std::move(resumed);
        }
        problem.set_gradients();
        json record = json::object();
        if (max_norm) record["total_norm"] = number_json(clip_grad_norm(problem.params, *max_norm));
        opt->step();
        opt->zero_grad();
        record["step_count"] = opt->step_count();
        record["parameters"] = named_arrays(problem.params);
        record["state"] = named_arrays(opt->state());
        records.push_back(std::move(record));
    }
    cases.add(name, kind, std::move(inputs), {{"steps", std::move(records)}});
}

void adamw_cases(Cases& cases) {
    AdamWOptions o;
    o.lr = 0.05;
    o.weight_decay = 0.1;
    optimizer_case<AdamW>(cases, "adamw/decay_all_clipped", "adamw", o, 3.0);
    AdamWOptions m = o;
    m.decay_only_matrices = true;
    optimizer_case<AdamW>(cases, "adamw/decay_matrices_clipped", "adamw", m, 3.0);
    optimizer_case<AdamW>(cases, "adamw/defaults", "adamw", AdamWOptions{}, std::nullopt);
    AdamWOptions r = m;
    r.beta1 = 0.8;
    r.beta2 = 0.95;
    r.eps = 1e-6;
    optimizer_case<AdamW>(cases, "adamw/resumed_after_5_steps", "adamw", r, 3.0, 10, 5);
}

void adam_cases(Cases& cases) {
    AdamOptions o;
    o.lr = 0.05;
    o.weight_decay = 0.1;
    optimizer_case<Adam>(cases, "adam/l2_clipped", "adam", o, 3.0);
    AdamOptions m = o;
    m.decay_only_matrices = true;
    optimizer_case<Adam>(cases, "adam/l2_matrices_clipped", "adam", m, 3.0);
    optimizer_case<Adam>(cases, "adam/defaults", "adam", AdamOptions{}, std::nullopt);
}

// clip_grad_norm alone: gradients (null: the parameter has none), max_norm; the total norm and
// the gradients afterwards.
void clip_case(Cases& cases, const std::string& name, const std::vector<Array>& grads,
               const std::vector<bool>& has_grad, double max_norm) {
    NamedTensors params;
    json inputs_grads = json::array();
    for (std::size_t i = 0; i < grads.size(); ++i) {
        const std::string pname = "p" + std::to_string(i);
        Tensor p = Tensor::parameter(Array(grads[i].shape(), 0.0), pname);
        if (has_grad[i]) {
            p.set_grad(grads[i]);
        }
        params.push_back({pname, p});
        inputs_grads.push_back({{"name", pname},
                                {"shape", array_json(grads[i])["shape"]},
                                {"grad", has_grad[i] ? array_json(grads[i]) : json(nullptr)}});
    }
    const double total = clip_grad_norm(params, max_norm);
    json out = json::object();
    for (const NamedTensor& p : params)
        if (p.tensor.has_grad()) out[p.name] = array_json(p.tensor.grad());
    cases.add(name, "clip_grad_norm",
              {{"gradients", inputs_grads}, {"max_norm", number_json(max_norm)}},
              {{"total_norm", number_json(total)}, {"gradients", out}});
}

void clip_grad_norm_cases(Cases& cases) {
    Random rng(401);
    const std::vector<Array> g{normal({3, 4}, 1.0, rng), normal({5}, 2.0, rng),
                               normal({}, 1.0, rng), normal({2, 2, 3}, 0.5, rng)};
    const std::vector<bool> all(g.size(), true);
    const double inf = std::numeric_limits<double>::infinity();
    clip_case(cases, "clip_grad_norm/active", g, all, 1.0);
    clip_case(cases, "clip_grad_norm/inactive", g, all, 100.0);
    clip_case(cases, "clip_grad_norm/max_norm_zero", g, all, 0.0);
    clip_case(cases, "clip_grad_norm/measure_only", g, all, inf);
    clip_case(cases, "clip_grad_norm/missing_and_zero", {g[0], g[1], Array({4}, 0.0)},
              {true, false, true}, 0.5);
    Array with_nan = g[0];  // [3, 4]
    with_nan(1, 2) = std::nan("");
    clip_case(cases, "clip_grad_norm/nan", {with_nan, g[1]}, {true, true}, 1.0);
    Array with_inf = g[1];  // [5]
    with_inf(3) = -inf;
    clip_case(cases, "clip_grad_norm/inf", {g[0], with_inf}, {true, true}, 1.0);
    clip_case(cases, "clip_grad_norm/large",
              {normal({200, 250}, 1.0, rng), normal({250}, 1.0, rng)}, {true, true}, 10.0);
}

const bool adamw_registered = register_cases("adamw", adamw_cases);
const bool adam_registered = register_cases("adam", adam_cases);
const bool clip_registered = register_cases("clip_grad_norm", clip_grad_norm_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

#include "engine/optim/adam_core.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_adam_core)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

const AdamHyperparameters defaults{1e-3, 0.9, 0.999, 1e-8, 1e-2, false};

NamedTensors two_parameters() {
    return {{"W", Tensor::parameter(Array{{1.0, 2.0}, {3.0, 4.0}}, "W")},
            {"b", Tensor::parameter(Array{5.0, 6.0}, "b")}};
}

}  // namespace

BOOST_AUTO_TEST_CASE(hyperparameters_out_of_range_throw_naming_the_field) {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::nan("");
    auto with = [](auto change) {
        AdamHyperparameters h = defaults;
        change(h);
        return h;
    };
    for (double lr : {-1.0, inf, nan})
        check_invalid_argument(
            [&] { AdamCore("AdamW", {}, with([&](AdamHyperparameters& h) { h.lr = lr; })); },
            {"AdamW", "lr", "finite and >= 0"});
    for (double beta : {-0.1, 1.0, 1.5, nan}) {
        check_invalid_argument(
            [&] { AdamCore("Adam", {}, with([&](AdamHyperparameters& h) { h.beta1 = beta; })); },
            {"Adam", "beta1", "[0, 1)"});
        check_invalid_argument(
            [&] { AdamCore("Adam", {}, with([&](AdamHyperparameters& h) { h.beta2 = beta; })); },
            {"Adam", "beta2", "[0, 1)"});
    }
    for (double x : {-1e-8, inf, nan}) {
        check_invalid_argument(
            [&] { AdamCore("AdamW", {}, with([&](AdamHyperparameters& h) { h.eps = x; })); },
            {"AdamW", "eps"});
        check_invalid_argument(
            [&] {
                AdamCore("AdamW", {}, with([&](AdamHyperparameters& h) { h.weight_decay = x; }));
            },
            {"AdamW", "weight_decay"});
    }
    check_invalid_argument(
        [&] { AdamCore("AdamW", {}, with([&](AdamHyperparameters& h) { h.beta1 = 1.0; })); },
        {"got 1"});
    // The edges torch accepts are accepted too.
    AdamCore edges("AdamW", {}, {0.0, 0.0, 0.0, 0.0, 0.0, false});
    BOOST_TEST(edges.size() == 0U);
}

BOOST_AUTO_TEST_CASE(bad_parameters_throw_naming_the_parameter) {
    Tensor W = Tensor::parameter(Array{1.0}, "W");
    check_invalid_argument(
        [&] {
            AdamCore("AdamW", {{"", W}}, defaults);
        },
        {"AdamW", "parameter 0", "empty name"});
    check_invalid_argument(
        [&] {
            AdamCore("AdamW", {{"W", Tensor()}}, defaults);
        },
        {"AdamW", "parameter 0 'W'", "empty tensor handle"});
    check_invalid_argument(
        [&] {
            AdamCore("AdamW", {{"W", W}, {"x", Tensor(Array{1.0}, false, "x")}}, defaults);
        },
        {"AdamW", "parameter 1 'x'", "does not require a gradient"});
    check_invalid_argument(
        [&] {
            AdamCore("AdamW", {{"W", W}, {"W", Tensor::parameter(Array{2.0}, "W2")}}, defaults);
        },
        {"AdamW", "'W'", "appears twice", "0 and 1"});
    check_invalid_argument(
        [&] {
            AdamCore("AdamW", {{"W", W}, {"also_W", W}}, defaults);
        },
        {"AdamW", "'W'", "'also_W'", "same tensor"});
}

BOOST_AUTO_TEST_CASE(state_names_each_moment_after_its_parameter_in_order) {
    AdamCore core("AdamW", two_parameters(), defaults);
    const NamedTensors s = core.state();
    BOOST_REQUIRE(s.size() == 4U);
    BOOST_TEST(s[0].name == "exp_avg.W");
    BOOST_TEST(s[1].name == "exp_avg_sq.W");
    BOOST_TEST(s[2].name == "exp_avg.b");
    BOOST_TEST(s[3].name == "exp_avg_sq.b");
    for (const NamedTensor& t : s) {
        BOOST_TEST(t.tensor.name() == t.name);
        BOOST_TEST(!t.tensor.requires_grad());
        for (double x : t.tensor.value()) BOOST_TEST(x == 0.0);  // torch starts them at zero
    }
    BOOST_TEST(shape_string(s[1].tensor.value()) == "[2, 2]");
    BOOST_TEST(shape_string(s[3].tensor.value()) == "[2]");
}

BOOST_AUTO_TEST_CASE(state_tensors_share_the_optimizer_buffers) {
    AdamCore core("AdamW", two_parameters(), defaults);
    NamedTensors s = core.state();
    s[2].tensor.value()(1) = 7.5;  // a loader writing exp_avg.b
    BOOST_TEST(core.exp_avg(1)(1) == 7.5);
    core.exp_avg_sq(0)(0, 1) = 0.25;  // a step writing exp_avg_sq.W
    BOOST_TEST(s[1].tensor.value()(0, 1) == 0.25);
    BOOST_TEST(core.state()[1].tensor.same_as(s[1].tensor));
}

BOOST_AUTO_TEST_CASE(hyperparameters_are_shortest_round_trip_strings) {
    AdamCore core("AdamW", {}, {1.0 / 3.0, 0.9, 0.999, 1e-8, 0.1, true});
    const std::map<std::string, std::string> h = core.hyperparameters();
    BOOST_TEST(h.at("optimizer") == "AdamW");
    BOOST_TEST(h.at("lr") == "0.3333333333333333");
    BOOST_TEST(h.at("beta1") == "0.9");
    BOOST_TEST(h.at("beta2") == "0.999");
    BOOST_TEST(h.at("eps") == "1e-08");
    BOOST_TEST(h.at("weight_decay") == "0.1");
    BOOST_TEST(h.at("decay_only_matrices") == "true");
    BOOST_TEST(h.size() == 7U);
    BOOST_TEST(std::stod(h.at("lr")) == 1.0 / 3.0);  // reads back bit for bit
    core.set_lr(3e-4);
    BOOST_TEST(core.hyperparameters().at("lr") == "0.0003");  // as Python repr() writes it
}

BOOST_AUTO_TEST_CASE(decay_only_matrices_decays_parameters_of_two_or_more_dimensions) {
    NamedTensors params{{"s", Tensor::parameter(Array(2.0), "s")},                   // []
                        {"b", Tensor::parameter(Array{1.0, 2.0}, "b")},              // [2]
                        {"W", Tensor::parameter(Array{{1.0, 2.0}}, "W")},            // [1, 2]
                        {"K", Tensor::parameter(Array(Shape{1, 2, 1}, 1.0), "K")}};  // [1, 2, 1]
    AdamCore rule("AdamW", params, {1e-3, 0.9, 0.999, 1e-8, 0.1, true});
    BOOST_TEST(rule.weight_decay_of(0) == 0.0);
    BOOST_TEST(rule.weight_decay_of(1) == 0.0);
    BOOST_TEST(rule.weight_decay_of(2) == 0.1);
    BOOST_TEST(rule.weight_decay_of(3) == 0.1);
    AdamCore all("AdamW", params, {1e-3, 0.9, 0.999, 1e-8, 0.1, false});
    for (std::size_t i = 0; i < 4; ++i) BOOST_TEST(all.weight_decay_of(i) == 0.1);
}

BOOST_AUTO_TEST_CASE(the_step_counter_counts_and_can_be_set) {
    AdamCore core("Adam", two_parameters(), defaults);
    BOOST_TEST(core.step_count() == 0);
    BOOST_TEST(core.advance_step() == 1);
    BOOST_TEST(core.advance_step() == 2);
    core.set_step_count(1000);
    BOOST_TEST(core.advance_step() == 1001);
    check_invalid_argument([&] { core.set_step_count(-1); }, {"Adam", "step count", "-1"});
    check_invalid_argument([&] { core.set_lr(-0.5); }, {"Adam", "lr", "-0.5"});
    BOOST_TEST(core.hyper().lr == 1e-3);  // unchanged by the refused set_lr
}

BOOST_AUTO_TEST_CASE(a_parameter_resized_after_construction_is_a_logic_error) {
    NamedTensors params = two_parameters();
    AdamCore core("AdamW", params, defaults);
    params[1].tensor.value() = Array{1.0, 2.0, 3.0};  // [3]
    params[1].tensor.set_grad(Array{0.0, 0.0, 0.0});  // [3]
    BOOST_CHECK_THROW(core.check_sizes(1), std::logic_error);
    try {
        core.check_sizes(1);
    } catch (const std::logic_error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("'b'") != std::string::npos, msg);
        BOOST_TEST(msg.find("[3]") != std::string::npos, msg);
    }
}

BOOST_AUTO_TEST_SUITE_END()

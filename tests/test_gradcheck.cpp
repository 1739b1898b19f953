#include "engine/inspect/gradcheck.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include <xtensor/xmanipulation.hpp>
#include <xtensor/xmath.hpp>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_gradcheck)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {

/// y = x^3, dL/dx = 3 x^2 dL/dy. `error` selects a deliberately wrong backward.
enum class CubeError { none, wrong_factor, ignores_grad_out, one_element_off, wrong_shape };
struct Cube {
    static constexpr const char* name = "Cube";
    CubeError error = CubeError::none;

    void forward(const Inputs<1>& in, Array& y) {
        y.resize(in[0].shape());
        for (std::size_t i = 0; i < y.size(); ++i) y.data()[i] = std::pow(in[0].data()[i], 3);
    }
    void backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        const Array& x = in[0];
        switch (error) {
            case CubeError::none:
                grad[0].set(3.0 * x * x * grad_y);
                break;
            case CubeError::wrong_factor:
                grad[0].set(2.0 * x * x * grad_y);
                break;
            case CubeError::ignores_grad_out:
                grad[0].set(3.0 * x * x);
                break;
            case CubeError::one_element_off: {
                Array g = 3.0 * x * x * grad_y;  // shape of x
                g.data()[g.size() - 1] += 1e-4;  // a small error in the last element only
                grad[0].set(g);
                break;
            }
            case CubeError::wrong_shape: {
                const Array g = xt::zeros<double>({x.size() + 1});  // [n + 1]
                grad[0].set(g);
                break;
            }
        }
    }
};

/// y = reverse(x) for a vector: y_i = x_{n-1-i}. The correct backward reverses dL/dy;
/// the wrong one passes it straight through (dL/dx_i = dL/dy_i), which no sum can tell apart.
struct Reverse {
    static constexpr const char* name = "Reverse";
    bool wrong = false;

    void forward(const Inputs<1>& in, Array& y) {
        const std::size_t n = in[0].size();
        y.resize({n});
        for (std::size_t i = 0; i < n; ++i) y(i) = in[0](n - 1 - i);
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        const std::size_t n = grad_y.size();
        Array g(grad_y.shape());  // [n]
        for (std::size_t i = 0; i < n; ++i) g(i) = wrong ? grad_y(i) : grad_y(n - 1 - i);
        grad[0].set(g);
    }
};

/// y = a * b elementwise with a switch that drops b's gradient (writes zeros).
struct Product {
    static constexpr const char* name = "Product";
    void forward(const Inputs<2>& in, Array& y) {
        y.resize(in[0].shape());
        for (std::size_t i = 0; i < y.size(); ++i) y.data()[i] = in[0].data()[i] * in[1].data()[i];
    }
    void backward(const Inputs<2>& in, const Array&, const Array& grad_y, GradTargets<2>& grad) {
        grad[0].set(grad_y * in[1]);  // shape of a
        grad[1].set(grad_y * in[0]);  // shape of b
    }
};

/// L = sum_i x_i, a scalar: dL/dx_i = 1 for every element.
struct Total {
    static constexpr const char* name = "Total";
    void forward(const Inputs<1>& in, Array& y) {
        y.resize(Shape{});
        y() = 0.0;
        for (double v : in[0]) y() += v;
    }
    void backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        Array g(in[0].shape());  // shape of x
        g.fill(grad_y());
        grad[0].set(g);
    }
};

/// y = M + M^T for a square M: dL/dM = G + G^T, a symmetric matrix.
struct Symmetrize {
    static constexpr const char* name = "Symmetrize";
    void forward(const Inputs<1>& in, Array& y) {
        const Array& M = in[0];
        y = M + xt::transpose(M);  // [n, n]
    }
    void backward(const Inputs<1>&, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        const Array g = grad_y + xt::transpose(grad_y);  // [n, n]
        grad[0].set(g);
    }
};

/// L = offset + sum_i x_i^2, a scalar with a correct backward dL/dx_i = 2 x_i.
struct OffsetSquares {
    static constexpr const char* name = "OffsetSquares";
    double offset = 0.0;
    void forward(const Inputs<1>& in, Array& y) {
        y.resize(Shape{});
        y() = offset;
        for (double v : in[0]) y() += v * v;
    }
    void backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        grad[0].set(2.0 * in[0] * grad_y());
    }
};

/// y = log(x) elementwise, dL/dx = dL/dy / x.
struct Log {
    static constexpr const char* name = "Log";
    void forward(const Inputs<1>& in, Array& y) { y = xt::log(in[0]); }
    void backward(const Inputs<1>& in, const Array&, const Array& grad_y, GradTargets<1>& grad) {
        grad[0].set(grad_y / in[0]);
    }
};

const Array x_distinct{{0.3, -1.2, 0.7}, {1.9, -0.4, 2.5}};  // [2, 3], all different

}  // namespace

BOOST_AUTO_TEST_CASE(a_correct_backward_passes_with_tiny_error) {
    const GradcheckReport r = gradcheck_op(Cube{}, x_distinct);
    BOOST_TEST(r.passed(), r.summary());
    BOOST_TEST(r.elements_checked == 6u);
    BOOST_TEST(r.output_weighted);
    // Central differences at h ~ 6e-6 are good to ~1e-10 here; far inside rtol = 1e-6.
    BOOST_TEST(r.rel_error < 1e-8, r.summary());
    BOOST_TEST(r.reason.empty());
}

BOOST_AUTO_TEST_CASE(a_wrong_factor_in_backward_fails_and_names_the_worst_element) {
    const GradcheckReport r = gradcheck_op(Cube{CubeError::wrong_factor}, x_distinct);
    BOOST_TEST(r.status == GradcheckStatus::failed, r.summary());
    // Analytic = 2/3 of numeric everywhere: relative error 1/3 at every element.
    BOOST_TEST(r.rel_error == 1.0 / 3.0, tt::tolerance(1e-6));
    BOOST_TEST(r.analytic / r.numeric == 2.0 / 3.0, tt::tolerance(1e-6));
    // The worst element is the one with the largest allowance ratio: the largest x^2 weighted
    // by w; it must at least be a valid position whose numbers match its index.
    BOOST_REQUIRE(r.index.size() == 2u);
    BOOST_TEST(r.flat_index == r.index[0] * 3 + r.index[1]);
    const double x = x_distinct(r.index[0], r.index[1]);
    BOOST_TEST(r.step == 6.0554544523933395e-06 * std::max(1.0, std::abs(x)));
    BOOST_TEST(r.summary().find("failed") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_error_in_a_single_element_is_found_at_its_multi_index) {
    const GradcheckReport r = gradcheck_op(Cube{CubeError::one_element_off}, x_distinct);
    BOOST_TEST(r.status == GradcheckStatus::failed, r.summary());
    BOOST_TEST(r.flat_index == 5u);
    BOOST_TEST((r.index == std::vector<std::size_t>{1, 2}));
    BOOST_TEST(r.abs_error == 1e-4, tt::tolerance(1e-5));
}

BOOST_AUTO_TEST_CASE(a_backward_that_ignores_grad_out_is_caught_by_the_output_weights) {
    // With L = sum y the incoming gradient is all ones and this backward would be right.
    const GradcheckReport r = gradcheck_op(Cube{CubeError::ignores_grad_out}, x_distinct);
    BOOST_TEST(r.status == GradcheckStatus::failed, r.summary());
}

BOOST_AUTO_TEST_CASE(errors_that_cancel_in_a_plain_sum_are_caught) {
    // Passing dL/dy straight through instead of reversing it: under L = sum y both give all
    // ones; the random weights make dL/dy non-uniform, so the swap shows.
    const Array x{0.5, -1.0, 2.0, 0.25};  // [4]
    BOOST_TEST(gradcheck_op(Reverse{false}, x).passed());
    const GradcheckReport r = gradcheck_op(Reverse{true}, x);
    BOOST_TEST(r.status == GradcheckStatus::failed, r.summary());
}

BOOST_AUTO_TEST_CASE(all_zero_gradients_on_both_sides_are_inconclusive) {
    // y = a * b with b = 0: dL/da = 0 both ways, so a backward that forgot a would pass too.
    const Array a{{1.0, 2.0}, {3.0, 4.0}};  // [2, 2]
    const Array b{{0.0, 0.0}, {0.0, 0.0}};  // [2, 2]
    const GradcheckReport r = gradcheck_op(Product{}, a, b);
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
    BOOST_TEST(r.reason.find("zero everywhere for input(s) 0") != std::string::npos, r.reason);
}

BOOST_AUTO_TEST_CASE(an_input_with_all_elements_equal_is_inconclusive) {
    // A Cube on a constant input: a backward that permuted the gradients would pass.
    const Array x = xt::ones<double>({2, 3}) * 0.5;  // [2, 3]
    const GradcheckReport r = gradcheck_op(Cube{}, x);
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
    BOOST_TEST(r.reason.find("are equal") != std::string::npos, r.reason);
}

BOOST_AUTO_TEST_CASE(a_failure_is_reported_even_when_the_check_is_also_vacuous) {
    const Array x = xt::ones<double>({3}) * 0.5;  // [3]
    BOOST_TEST(gradcheck_op(Cube{CubeError::wrong_factor}, x).status == GradcheckStatus::failed);
}

BOOST_AUTO_TEST_CASE(a_scalar_function_of_several_inputs_is_checked_without_weights) {
    // L = sum_i a_i^3 b_i over two inputs, built from two ops on one tape.
    TapeFunction f = [](Tape& tape, const std::vector<Tensor>& x) {
        Tensor y = tape.apply(Product{}, tape.apply(Cube{}, x[0]), x[1]);
        Tensor ones(xt::ones<double>({1, 3}));
        return tape.apply(Product{}, y, ones);  // still [1, 3]: gradcheck weights it
    };
    const Array a{{0.4, -0.9, 1.3}};  // [1, 3]
    const Array b{{2.0, 0.5, -1.5}};  // [1, 3]
    const GradcheckReport r = gradcheck(f, {a, b});
    BOOST_TEST(r.passed(), r.summary());
    BOOST_TEST(r.elements_checked == 6u);
    BOOST_TEST(r.output_weighted);
}

BOOST_AUTO_TEST_CASE(a_scalar_output_is_differentiated_as_it_is) {
    TapeFunction f = [](Tape& tape, const std::vector<Tensor>& x) {
        return tape.apply(Cube{}, x[0]);  // x is [1]: a scalar output
    };
    const GradcheckReport r = gradcheck(f, {Array{1.5}});
    BOOST_TEST(r.passed(), r.summary());
    BOOST_TEST(!r.output_weighted);
    BOOST_TEST(r.loss == 1.5 * 1.5 * 1.5, tt::tolerance(exact_tol));
    BOOST_TEST(r.analytic == 3.0 * 1.5 * 1.5, tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(the_same_check_gives_the_same_numbers_every_time) {
    const GradcheckReport r1 = gradcheck_op(Cube{CubeError::wrong_factor}, x_distinct);
    const GradcheckReport r2 = gradcheck_op(Cube{CubeError::wrong_factor}, x_distinct);
    BOOST_TEST(r1.loss == r2.loss);
    BOOST_TEST(r1.numeric == r2.numeric);
    BOOST_TEST(r1.flat_index == r2.flat_index);
}

BOOST_AUTO_TEST_CASE(a_gradient_of_the_wrong_shape_throws_naming_op_and_shapes) {
    try {
        gradcheck_op(Cube{CubeError::wrong_shape}, x_distinct);
        BOOST_ERROR("expected std::logic_error");
    } catch (const std::logic_error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("Cube") != std::string::npos, msg);
        BOOST_TEST(msg.find("[7]") != std::string::npos, msg);
        BOOST_TEST(msg.find("[2, 3]") != std::string::npos, msg);
    }
}

BOOST_AUTO_TEST_CASE(no_inputs_or_an_empty_result_is_refused) {
    TapeFunction empty_result = [](Tape&, const std::vector<Tensor>&) { return Tensor(); };
    check_invalid_argument([&] { gradcheck(empty_result, {}); }, {"gradcheck", "no inputs"});
    check_invalid_argument([&] { gradcheck(empty_result, {Array{1.0}}); },
                           {"gradcheck", "empty Tensor"});
}

BOOST_AUTO_TEST_CASE(an_input_without_elements_leaves_the_check_inconclusive) {
    const Array empty = xt::zeros<double>({0});  // [0]
    const GradcheckReport r = gradcheck_op(Cube{}, empty);
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
    BOOST_TEST(r.elements_checked == 0u);
}

BOOST_AUTO_TEST_CASE(a_gradient_that_is_the_same_everywhere_is_inconclusive) {
    // dL/dx = [1, 1, ...]: a backward that sent each element's gradient elsewhere would pass.
    const GradcheckReport r = gradcheck_op(Total{}, x_distinct);
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
    BOOST_TEST(r.reason.find("same for every element of input(s) 0") != std::string::npos,
               r.reason);
}

BOOST_AUTO_TEST_CASE(a_symmetric_gradient_matrix_is_inconclusive) {
    // dL/dM = W + W^T: a backward that transposed it would pass.
    const Array M{{0.3, -1.2, 0.7}, {1.9, -0.4, 2.5}, {0.1, 0.8, -2.2}};  // [3, 3]
    const GradcheckReport r = gradcheck_op(Symmetrize{}, M);
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
    BOOST_TEST(r.reason.find("symmetric matrix") != std::string::npos, r.reason);
}

// The summary always shows L: here a moderate one.
BOOST_AUTO_TEST_CASE(the_summary_shows_the_loss) {
    const GradcheckReport r = gradcheck_op(OffsetSquares{}, Array{0.5, -1.5});
    BOOST_TEST(r.passed(), r.summary());
    BOOST_TEST(r.loss == 2.5);
    BOOST_TEST(r.summary().find("loss L = 2.5") != std::string::npos, r.summary());
}

// A correct backward under a loss of 1e12: rounding L to doubles (spacing ~1.2e-4 there) over
// a step of ~6e-6 makes the numeric gradient wrong by ~10, so the check fails, and says why.
BOOST_AUTO_TEST_CASE(a_huge_loss_fails_with_the_rounding_it_explains) {
    const GradcheckReport r = gradcheck_op(OffsetSquares{1e12}, Array{0.5, -1.5});
    BOOST_TEST(r.status == GradcheckStatus::failed, r.summary());
    BOOST_TEST(r.rounding > 1.0, r.summary());  // eps 1e12 / 6e-6 ~ 37
    for (const char* part : {"loss L = 1e+12", "rounding L", "too large for finite differences"})
        BOOST_TEST(r.summary().find(part) != std::string::npos, r.summary() << " lacks " << part);
    // The same function without the offset passes: the backward was right all along.
    BOOST_TEST(gradcheck_op(OffsetSquares{}, Array{0.5, -1.5}).passed());
}

// log(0) = -inf: L is not finite, nothing can be compared.
BOOST_AUTO_TEST_CASE(a_loss_that_is_not_finite_is_inconclusive_and_says_so) {
    const GradcheckReport r = gradcheck_op(Log{}, Array{0.5, 0.0, 2.0});
    BOOST_TEST(r.status == GradcheckStatus::inconclusive, r.summary());
    BOOST_TEST(!std::isfinite(r.loss));
    BOOST_TEST(r.reason.find("is not finite at these inputs") != std::string::npos, r.summary());
}

// Finite at x, NaN one step below it (log of a negative number): named in the failure.
BOOST_AUTO_TEST_CASE(a_loss_that_is_not_finite_one_step_away_is_named) {
    const GradcheckReport r = gradcheck_op(Log{}, Array{0.5, 1e-7, 2.0});
    BOOST_TEST(r.status == GradcheckStatus::failed, r.summary());
    BOOST_TEST(r.index == std::vector<std::size_t>{1}, tt::per_element());
    BOOST_TEST(r.reason.find("not finite one step away") != std::string::npos, r.summary());
}

BOOST_AUTO_TEST_SUITE_END()

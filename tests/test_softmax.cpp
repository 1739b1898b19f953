#include "ops/softmax.hpp"

#include <boost/test/data/test_case.hpp>
#include <xtensor/xmath.hpp>

#include <xtensor/xview.hpp>
#include "engine/inspect/gradcheck.hpp"

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_softmax)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

BOOST_AUTO_TEST_CASE(forward_matches_the_notebook_teil_1) {
    // e^3.2 = 24.5325, e^1.7 = 5.4739, e^1.2 = 3.3201, sum 33.3266
    const Array p = tapegrad::softmax(Array{3.2, 1.7, 1.2});
    const Array expected{0.7361, 0.1643, 0.0996};
    BOOST_TEST(max_abs_diff(p, expected) <= 5e-5);  // the notebook prints 4 decimals
    BOOST_TEST(xt::sum(p)() == 1.0, tt::tolerance(exact_tol));
}

BOOST_AUTO_TEST_CASE(forward_of_a_batch_normalizes_each_row) {
    const Array z{{0.0, 0.0}, {std::log(3.0), 0.0}};  // [2, 2]
    const Array p = tapegrad::softmax(z);
    const Array expected{{0.5, 0.5}, {0.75, 0.25}};
    BOOST_TEST(p == expected, tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_AUTO_TEST_CASE(huge_logits_do_not_overflow) {
    // Without the row maximum subtracted, e^1000 = inf and p = nan.
    const Array p = tapegrad::softmax(Array{{1000.0, 999.0, -1000.0}});
    const double e = std::exp(-1.0);
    const Array expected{{1.0 / (1.0 + e), e / (1.0 + e), 0.0}};
    BOOST_TEST(max_abs_diff(p, expected) < exact_tol);
}

// dL/dz = J^T dL/dp with J = diag(p) - p p^T, built here as an explicit matrix.
BOOST_DATA_TEST_CASE(backward_matches_jacobian_and_finite_differences, bdata::make({1u, 2u, 3u}),
                     seed) {
    const std::size_t B = 3, V = 4;
    const Array z0 = random_array({B, V}, seed, -3.0, 3.0);
    const Array w = random_array({B, V}, seed + 100);
    Tape tape;
    Tensor z = Tensor::parameter(z0, "z");
    tape.backward(tape.apply(WeightedSum{w}, softmax(tape, z)));

    const Array p = tapegrad::softmax(z0);          // [B, V]
    Array closed_form = xt::zeros<double>({B, V});  // [B, V]
    for (std::size_t r = 0; r < B; ++r)
        for (std::size_t i = 0; i < V; ++i)
            for (std::size_t j = 0; j < V; ++j) {
                const double jacobian_ji = (i == j ? p(r, i) : 0.0) - p(r, j) * p(r, i);
                closed_form(r, i) += jacobian_ji * w(r, j);
            }
    BOOST_TEST(max_abs_diff(z.grad(), closed_form) < exact_tol);

    auto loss_of = [&](const Array& zv) {
        const Array pv = tapegrad::softmax(zv);  // [B, V]
        double sum = 0.0;
        for (std::size_t i = 0; i < pv.size(); ++i) sum += w.data()[i] * pv.data()[i];
        return sum;
    };
    BOOST_TEST(max_abs_diff(z.grad(), finite_difference(loss_of, z0)) < fd_tol);
}

BOOST_AUTO_TEST_CASE(bad_input_throws_naming_the_op_and_the_shape) {
    check_invalid_argument([] { tapegrad::softmax(Array(xt::zeros<double>({0}))); },
                           {"Softmax", "[0]"});
    check_invalid_argument([] { tapegrad::softmax(Array(2.0)); }, {"Softmax", "[]"});
}

// "Over the last axis" for any rank: a [B, T, V] input is B * T rows of V, each like a [V].
BOOST_AUTO_TEST_CASE(a_rank_3_input_is_softmaxed_row_by_row_over_the_last_axis) {
    const Array z = random_array({2, 3, 4}, 7, -2.0, 2.0);  // [B, T, V]
    const Array p = tapegrad::softmax(z);                   // [B, T, V]
    BOOST_REQUIRE(shapes_equal(p.shape(), z.shape()));
    for (std::size_t b = 0; b < 2; ++b) {
        for (std::size_t t = 0; t < 3; ++t) {
            const Array row = xt::view(z, b, t, xt::all());  // [V]
            const Array expected = tapegrad::softmax(row);   // [V]
            const Array got = xt::view(p, b, t, xt::all());  // [V]
            BOOST_TEST(max_abs_diff(got, expected) == 0.0, "row " << b << ", " << t);
        }
    }
    const GradcheckReport r = gradcheck_op(Softmax{}, z);
    BOOST_TEST(r.passed(), r.summary());
}

// gradcheck: the output is weighted, not summed: the rows of p sum to 1, so under a plain sum
// every gradient would be 0 whatever backward computed.
BOOST_DATA_TEST_CASE(gradcheck_passes, bdata::make({1u, 2u, 3u}), seed) {
    const GradcheckReport one_row = gradcheck_op(Softmax{}, random_array({4}, seed, -2.0, 2.0));
    BOOST_TEST(one_row.passed(), one_row.summary());
    const GradcheckReport batch = gradcheck_op(Softmax{}, random_array({3, 5}, seed, -2.0, 2.0));
    BOOST_TEST(batch.passed(), batch.summary());
}

BOOST_AUTO_TEST_SUITE_END()

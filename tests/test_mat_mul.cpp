#include "ops/mat_mul.hpp"

#include <boost/test/data/test_case.hpp>

#include "engine/inspect/gradcheck.hpp"
#include "op_checks.hpp"

BOOST_AUTO_TEST_SUITE(test_mat_mul)

using namespace tapegrad;
using namespace tapegrad::test;
namespace bdata = boost::unit_test::data;

// C[b] = op(A[b]) op(B[b]) by the definition, one element at a time.
Array reference_product(const Array& A, bool tA, const Array& B, bool tB) {
    const std::size_t batches = A.shape()[0];
    const std::size_t m = tA ? A.shape()[2] : A.shape()[1], k = tA ? A.shape()[1] : A.shape()[2];
    const std::size_t n = tB ? B.shape()[1] : B.shape()[2];
    Array C = xt::zeros<double>({batches, m, n});  // [batches, m, n]
    for (std::size_t b = 0; b < batches; ++b)
        for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
                for (std::size_t l = 0; l < k; ++l)
                    C(b, i, j) += (tA ? A(b, l, i) : A(b, i, l)) * (tB ? B(b, j, l) : B(b, l, j));
    return C;
}
// The transpose of each matrix of a [batches, r, c] array.
Array transposed(const Array& M) {
    Array T = xt::zeros<double>({M.shape()[0], M.shape()[2], M.shape()[1]});  // [b, c, r]
    for (std::size_t b = 0; b < M.shape()[0]; ++b)
        for (std::size_t i = 0; i < M.shape()[1]; ++i)
            for (std::size_t j = 0; j < M.shape()[2]; ++j) T(b, j, i) = M(b, i, j);
    return T;
}

BOOST_AUTO_TEST_CASE(forward_matches_hand_computed_values) {
    const Array A{{{1.0, 2.0}, {3.0, 4.0}}, {{0.5, -1.0}, {2.0, 0.0}}};         // [2, 2, 2]
    const Array B{{{5.0, 6.0}, {7.0, 8.0}}, {{1.0, 2.0}, {3.0, 4.0}}};          // [2, 2, 2]
    const Array AB{{{19.0, 22.0}, {43.0, 50.0}}, {{-2.5, -3.0}, {2.0, 4.0}}};   // [2, 2, 2]
    const Array ABt{{{17.0, 23.0}, {39.0, 53.0}}, {{-1.5, -2.5}, {2.0, 6.0}}};  // A B^T
    const Array AtB{{{26.0, 30.0}, {38.0, 44.0}}, {{6.5, 9.0}, {-1.0, -2.0}}};  // A^T B
    BOOST_TEST(forward_of(MatMul{}, std::array<Array, 2>{A, B}) == AB, tt::per_element());
    BOOST_TEST(forward_of(MatMul{false, true}, std::array<Array, 2>{A, B}) == ABt,
               tt::per_element());
    BOOST_TEST(forward_of(MatMul{true, false}, std::array<Array, 2>{A, B}) == AtB,
               tt::per_element());
}

// L = sum w C: dL/dop(A) = w op(B)^T, dL/dop(B) = op(A)^T w, transposed back under a flag.
BOOST_DATA_TEST_CASE(backward_matches_closed_form_for_every_flag, bdata::make({0u, 1u, 2u, 3u}),
                     flags) {
    const bool tA = flags & 1u, tB = flags & 2u;
    const std::size_t m = 3, k = 4, n = 5;
    const Array A = random_array(tA ? Shape{2, k, m} : Shape{2, m, k}, 10 + flags);  // [2, ., .]
    const Array B = random_array(tB ? Shape{2, n, k} : Shape{2, k, n}, 20 + flags);  // [2, ., .]
    const Array w = random_array({2, m, n}, 30 + flags);                             // [2, m, n]
    const std::array<Array, 2> grads = gradients_of(MatMul{tA, tB}, std::array<Array, 2>{A, B}, w);
    const Array opA = tA ? transposed(A) : A;                       // [2, m, k]
    const Array opB = tB ? transposed(B) : B;                       // [2, k, n]
    const Array grad_opA = reference_product(w, false, opB, true);  // [2, m, k]
    const Array grad_opB = reference_product(opA, true, w, false);  // [2, k, n]
    const Array expected_A = tA ? transposed(grad_opA) : grad_opA;  // shape of A
    const Array expected_B = tB ? transposed(grad_opB) : grad_opB;  // shape of B
    BOOST_TEST(grads[0] == expected_A, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(grads[1] == expected_B, tt::tolerance(exact_tol) << tt::per_element());
    BOOST_TEST(
        forward_of(MatMul{tA, tB}, std::array<Array, 2>{A, B}) == reference_product(A, tA, B, tB),
        tt::tolerance(exact_tol) << tt::per_element());
}

BOOST_DATA_TEST_CASE(backward_matches_finite_differences, bdata::make({0u, 1u, 2u, 3u}), flags) {
    const bool tA = flags & 1u, tB = flags & 2u;
    const Array A = random_array(tA ? Shape{2, 3, 2, 3} : Shape{2, 3, 3, 2}, 40 + flags);
    const Array B = random_array(tB ? Shape{2, 3, 4, 2} : Shape{2, 3, 2, 4}, 50 + flags);
    check_against_finite_differences(MatMul{tA, tB}, std::array<Array, 2>{A, B},
                                     random_array({2, 3, 3, 4}, 60 + flags));
}

// Large enough (m k n > 512) that the products go to BLAS, not the small-product loop.
BOOST_DATA_TEST_CASE(gradcheck_passes_on_blas_sized_products, bdata::make({0u, 1u, 2u, 3u}),
                     flags) {
    const bool tA = flags & 1u, tB = flags & 2u;
    const Array A = random_array(tA ? Shape{2, 9, 8} : Shape{2, 8, 9}, 70 + flags);    // m 8, k 9
    const Array B = random_array(tB ? Shape{2, 10, 9} : Shape{2, 9, 10}, 80 + flags);  // n 10
    const GradcheckReport r = gradcheck_op(MatMul{tA, tB}, A, B);
    BOOST_TEST(r.passed(), r.summary());
}

BOOST_AUTO_TEST_CASE(bad_shapes_throw_naming_the_op_and_every_shape) {
    const Array A = xt::zeros<double>({2, 3, 4});  // [2, 3, 4]
    check_invalid_argument(
        [&] {
            forward_of(MatMul{}, std::array<Array, 2>{A, Array(xt::zeros<double>({2, 3, 4}))});
        },
        {"MatMul", "C = A B", "[2, 3, 4]", "B [2, 3, 4]"});
    check_invalid_argument(
        [&] {
            forward_of(MatMul{}, std::array<Array, 2>{A, Array(xt::zeros<double>({3, 4, 5}))});
        },
        {"MatMul", "A [2, 3, 4]", "B [3, 4, 5]"});
    check_invalid_argument(
        [&] {
            forward_of(MatMul{false, true},
                       std::array<Array, 2>{A, Array(xt::zeros<double>({2, 4, 5}))});
        },
        {"MatMul", "C = A B^T", "A [2, 3, 4]", "B [2, 4, 5]"});
    check_invalid_argument(
        [&] {
            forward_of(MatMul{}, std::array<Array, 2>{Array{1.0, 2.0}, Array{1.0, 2.0}});
        },
        {"MatMul", "A [2]", "B [2]"});
}

BOOST_AUTO_TEST_SUITE_END()

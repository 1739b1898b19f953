#include "engine/kernels/gemm.hpp"

#include <cmath>
#include <vector>

#include <boost/test/data/test_case.hpp>
#include <xtensor/xmanipulation.hpp>
#include <xtensor/xview.hpp>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_gemm)

using namespace tapegrad;
using namespace tapegrad::test;

const Array A{{1.0, 2.0, 3.0}, {4.0, 5.0, 6.0}};     // [2, 3]
const Array B{{1.0, 0.0}, {0.0, 1.0}, {2.0, -1.0}};  // [3, 2]

BOOST_AUTO_TEST_CASE(product_matches_hand_computed_values) {
    Array C = xt::zeros<double>({2, 2});  // [2, 2]
    tapegrad::gemm(A, false, B, false, C);
    // row 0: [1 + 6, 2 - 3], row 1: [4 + 12, 5 - 6]
    const Array expected{{7.0, -1.0}, {16.0, -1.0}};
    BOOST_TEST(C == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(transpose_flags_read_the_stored_data_transposed) {
    Array C = xt::zeros<double>({3, 3});  // A^T A  [3, 3]
    tapegrad::gemm(A, true, A, false, C);
    const Array expected{{17.0, 22.0, 27.0}, {22.0, 29.0, 36.0}, {27.0, 36.0, 45.0}};
    BOOST_TEST(C == expected, tt::per_element());
    Array D = xt::zeros<double>({2, 2});  // A A^T  [2, 2]
    tapegrad::gemm(A, false, A, true, D);
    const Array expected_d{{14.0, 32.0}, {32.0, 77.0}};
    BOOST_TEST(D == expected_d, tt::per_element());
}

BOOST_AUTO_TEST_CASE(alpha_and_beta_scale_and_accumulate) {
    Array C{{1.0, 1.0}, {1.0, 1.0}};  // [2, 2]
    tapegrad::gemm(A, false, B, false, C, -0.5, 2.0);
    const Array expected{{2.0 - 3.5, 2.0 + 0.5}, {2.0 - 8.0, 2.0 + 0.5}};
    BOOST_TEST(C == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_vector_counts_as_one_row) {
    const Array x{1.0, 1.0, 1.0};      // [3]
    Array z = xt::zeros<double>({2});  // x A^T  [2]
    tapegrad::gemm(x, false, A, true, z);
    const Array expected{6.0, 15.0};
    BOOST_TEST(z == expected, tt::per_element());
}

BOOST_AUTO_TEST_CASE(mismatched_shapes_throw_with_all_shapes) {
    Array C = xt::zeros<double>({2, 2});
    try {
        tapegrad::gemm(A, false, A, false, C);
        BOOST_ERROR("expected std::logic_error");
    } catch (const std::logic_error& e) {
        BOOST_TEST(std::string(e.what()).find("[2, 3]") != std::string::npos);
        BOOST_TEST(std::string(e.what()).find("[2, 2]") != std::string::npos);
    }
}

// Tiny products take a plain loop, larger ones BLAS: both must give the definition's sums
// for every transpose combination, alpha and beta. m x k x n from 2 x 3 x 4 (loop) to
// 9 x 10 x 11 (BLAS); sums of up to 10 products of O(1) values, rounded differently.
BOOST_DATA_TEST_CASE(loop_and_blas_paths_both_match_the_definition,
                     boost::unit_test::data::make({2, 9}) *
                         boost::unit_test::data::make({0, 1, 2, 3}),
                     size, flags) {
    const std::size_t m = size, k = size + 1, n = size + 2;
    const bool tA = (flags & 1) != 0, tB = (flags & 2) != 0;
    const Array A_op = random_array({m, k}, 11);                    // op(A)  [m, k]
    const Array B_op = random_array({k, n}, 12);                    // op(B)  [k, n]
    const Array A_stored = tA ? Array(xt::transpose(A_op)) : A_op;  // [k, m] or [m, k]
    const Array B_stored = tB ? Array(xt::transpose(B_op)) : B_op;  // [n, k] or [k, n]
    Array AB = xt::zeros<double>({m, n});  // op(A) op(B) by the definition  [m, n]
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n; ++j)
            for (std::size_t l = 0; l < k; ++l) AB(i, j) += A_op(i, l) * B_op(l, j);

    Array C = random_array({m, n}, 13);         // [m, n]
    const Array expected = 2.0 * C - 0.5 * AB;  // [m, n]
    tapegrad::gemm(A_stored, tA, B_stored, tB, C, -0.5, 2.0);
    BOOST_TEST(max_abs_diff(C, expected) < exact_tol);

    // beta = 0 ignores what C held, even NaN (a fresh buffer may hold anything).
    Array D = xt::zeros<double>({m, n}) * std::nan("");  // [m, n]
    tapegrad::gemm(A_stored, tA, B_stored, tB, D, 1.0, 0.0);
    BOOST_TEST(max_abs_diff(D, AB) < exact_tol);
}

// A row stride picks a block of columns out of a wider array, as CausalAttention reads one
// head's D columns inside qkv: op(A) op(B) of the blocks, written into a block of C, leaving
// every other element of C untouched; loop (2 x 3 x 4) and BLAS (9 x 10 x 11) paths.
BOOST_DATA_TEST_CASE(strided_blocks_are_read_and_written_in_place,
                     boost::unit_test::data::make({2, 9}) *
                         boost::unit_test::data::make({0, 1, 2, 3}),
                     size, flags) {
    const std::size_t m = size, k = size + 1, n = size + 2, pad = 3;
    const bool tA = (flags & 1) != 0, tB = (flags & 2) != 0;
    const std::size_t a_rows = tA ? k : m, a_cols = tA ? m : k;  // A as stored
    const std::size_t b_rows = tB ? n : k, b_cols = tB ? k : n;  // B as stored
    // Each operand is the block at column offset 2 of a wider array [rows, cols + pad].
    const Array A_wide = random_array({a_rows, a_cols + pad}, 21);  // [a_rows, a_cols + 3]
    const Array B_wide = random_array({b_rows, b_cols + pad}, 22);  // [b_rows, b_cols + 3]
    Array C_wide = random_array({m, n + pad}, 23);                  // [m, n + 3]
    const Array C_before = C_wide;
    const Array A_block = xt::view(A_wide, xt::all(), xt::range(2, 2 + a_cols));
    const Array B_block = xt::view(B_wide, xt::all(), xt::range(2, 2 + b_cols));
    Array expected = xt::zeros<double>({m, n});  // op(A) op(B) from the contiguous copies
    tapegrad::gemm(A_block, tA, B_block, tB, expected);

    tapegrad::gemm(MatrixRef{A_wide.data() + 2, a_rows, a_cols, a_cols + pad}, tA,
                   MatrixRef{B_wide.data() + 2, b_rows, b_cols, b_cols + pad}, tB,
                   MutableMatrixRef{C_wide.data() + 2, m, n, n + pad});
    const Array C_block = xt::view(C_wide, xt::all(), xt::range(2, 2 + n));
    BOOST_TEST(max_abs_diff(C_block, expected) == 0.0);
    for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < n + pad; ++j)
            if (j < 2 || j >= 2 + n) BOOST_TEST(C_wide(i, j) == C_before(i, j));
}

BOOST_AUTO_TEST_CASE(a_stride_below_the_columns_throws) {
    const std::vector<double> a(12, 1.0);
    std::vector<double> c(4, 0.0);
    BOOST_CHECK_THROW(tapegrad::gemm(MatrixRef{a.data(), 2, 3, 2}, false, MatrixRef{a.data(), 3, 2},
                                     false, MutableMatrixRef{c.data(), 2, 2}),
                      std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

#include "engine/gemm.hpp"

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

BOOST_AUTO_TEST_SUITE_END()

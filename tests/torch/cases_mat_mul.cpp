/// MatMul: C = op(A) op(B) per leading index for every pair of flags, at a size that goes to
/// BLAS; kinds_mat_mul.py recomputes it with torch.matmul.

#include "ops/mat_mul.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void mat_mul_cases(Cases& cases) {
    Random rng(201);
    for (int flags = 0; flags < 4; ++flags) {
        const bool tA = flags & 1, tB = flags & 2;
        const std::size_t m = 5, k = 6, n = 7;
        const Array A = normal(tA ? Shape{2, 3, k, m} : Shape{2, 3, m, k}, 1.0, rng);
        const Array B = normal(tB ? Shape{2, 3, n, k} : Shape{2, 3, k, n}, 1.0, rng);
        add_op_case(
            cases, std::string("mat_mul/") + (tA ? "At" : "A") + "_" + (tB ? "Bt" : "B"), "mat_mul",
            {{"transpose_a", tA}, {"transpose_b", tB}}, {{"A", A}, {"B", B}},
            [tA, tB](Tape& tape, const std::vector<Tensor>& p) {
                return mat_mul(tape, p[0], p[1], tA, tB);
            },
            rng);
    }
}

const bool registered_mat_mul = register_cases("mat_mul", mat_mul_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

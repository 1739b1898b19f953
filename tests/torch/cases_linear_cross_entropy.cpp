/// LinearCrossEntropy: L = cross-entropy of softmax(x W^T + b) (mean over the rows not
/// ignored) and dL/dx, dL/dW, dL/db, in row chunks that do and do not divide the rows.
/// kinds_linear_cross_entropy.py recomputes them with F.cross_entropy(F.linear(x, W, b)).

#include <cstdint>
#include <vector>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/linear_cross_entropy.hpp"
#include "tests/torch/torch_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void lce_case(Cases& cases, const std::string& name, const Array& x0, const Array& W0,
              const Array& b0, const std::vector<std::int64_t>& targets, std::size_t chunk_rows) {
    Tensor x(x0, true, "x");                // [..., d]
    Tensor W = Tensor::parameter(W0, "W");  // [V, d]
    Tensor b = Tensor::parameter(b0, "b");  // [V]
    const std::size_t V = W0.shape()[0];
    Tape tape;
    const Tensor loss = linear_cross_entropy(tape, x, W, b, targets, default_ignore_index,
                                             chunk_rows * V * sizeof(double));
    tape.backward(loss);
    cases.add(name, "linear_cross_entropy",
              {{"x", array_json(x0)},
               {"W", array_json(W0)},
               {"b", array_json(b0)},
               {"targets", targets},
               {"chunk_rows", chunk_rows}},
              {{"loss", number_json(loss.value()())},
               {"grad_x", array_json(x.grad())},
               {"grad_W", array_json(W.grad())},
               {"grad_b", array_json(b.grad())}});
}

void linear_cross_entropy_cases(Cases& cases) {
    Random rng(211);
    {  // 7 rows in chunks of 3: the last chunk has one row.
        const Array x = normal({7, 5}, 1.0, rng);  // [7, 5]
        const Array W = normal({6, 5}, 1.0, rng);  // [6, 5]
        const Array b = normal({6}, 1.0, rng);     // [6]
        lce_case(cases, "linear_cross_entropy/rank2_chunks_of_3", x, W, b, {0, 5, 2, 2, 4, 1, 3},
                 3);
        lce_case(cases, "linear_cross_entropy/rank2_one_chunk", x, W, b, {0, 5, 2, 2, 4, 1, 3},
                 100);
    }
    {  // [B, T, d] with padding (-100), chunks of 4 over 6 rows.
        const Array x = normal({2, 3, 8}, 1.0, rng);  // [2, 3, 8]
        const Array W = normal({9, 8}, 0.5, rng);     // [9, 8]
        const Array b = normal({9}, 0.5, rng);        // [9]
        lce_case(cases, "linear_cross_entropy/rank3_ignore_index", x, W, b,
                 {8, -100, 0, 3, -100, 7}, 4);
        lce_case(cases, "linear_cross_entropy/all_ignored", x, W, b,
                 {-100, -100, -100, -100, -100, -100}, 4);
    }
    {  // Logits of +-1000: z = x W^T with x = [1], [-1] and W = [1000, 999, -1000].
        Array x = Array::from_shape({2, 1});  // [2, 1]
        x(0, 0) = 1.0;
        x(1, 0) = -1.0;
        Array W = Array::from_shape({3, 1});  // [3, 1]
        W(0, 0) = 1000.0;
        W(1, 0) = 999.0;
        W(2, 0) = -1000.0;
        lce_case(cases, "linear_cross_entropy/large_logits", x, W, xt::zeros<double>({3}), {2, 0},
                 1);
    }
    {  // One row, wider.
        lce_case(cases, "linear_cross_entropy/one_row", normal({1, 16}, 1.0, rng),
                 normal({40, 16}, 0.3, rng), normal({40}, 0.3, rng), {17}, 1);
    }
}

const bool registered_linear_cross_entropy =
    register_cases("linear_cross_entropy", linear_cross_entropy_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

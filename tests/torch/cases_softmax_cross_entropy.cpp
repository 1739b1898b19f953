/// SoftmaxCrossEntropy, rank 2: L = -(1/B) sum_r log softmax(z)[r, t_r] and dL/dz.
/// kinds_softmax_cross_entropy.py recomputes them with torch.nn.functional.cross_entropy.

#include <vector>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "tests/torch/torch_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void sce_case(Cases& cases, const std::string& name, const Array& logits,
              const std::vector<std::size_t>& targets) {
    Tensor z(logits, true, "z");  // [B, V]
    Tape tape;
    const Tensor loss = softmax_cross_entropy(tape, z, targets);
    tape.backward(loss);
    cases.add(name, "softmax_cross_entropy", {{"z", array_json(z.value())}, {"targets", targets}},
              {{"loss", number_json(loss.value()())}, {"grad_z", array_json(z.grad())}});
}

void softmax_cross_entropy_cases(Cases& cases) {
    Random rng(201);
    sce_case(cases, "softmax_cross_entropy/rank2", normal({4, 6}, 2.0, rng), {0, 5, 2, 2});
    sce_case(cases, "softmax_cross_entropy/rank2_one_row", normal({1, 7}, 1.0, rng), {3});
    // Logits of +-1000: p underflows to 0 for most classes; loss and gradient stay exact.
    const Array large{{1000.0, -1000.0, 0.0}, {-1000.0, 999.0, 1000.0}};  // [2, 3]
    sce_case(cases, "softmax_cross_entropy/rank2_large_logits", large, {1, 2});
    sce_case(cases, "softmax_cross_entropy/rank2_wide", normal({8, 64}, 3.0, rng),
             {0, 63, 17, 17, 5, 40, 1, 62});
}

const bool registered = register_cases("softmax_cross_entropy", softmax_cross_entropy_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

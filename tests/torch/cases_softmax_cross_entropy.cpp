/// SoftmaxCrossEntropy, rank 2 and 3: L = -(1/B) sum_r log softmax(z)[r, t_r] over the rows
/// not ignored (ignore_index) and dL/dz.
/// kinds_softmax_cross_entropy.py recomputes them with torch.nn.functional.cross_entropy.

#include <cstdint>
#include <vector>

#include "engine/core/init.hpp"
#include "engine/core/tape.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "tests/torch/torch_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void sce_case(Cases& cases, const std::string& name, const Array& logits,
              const std::vector<std::int64_t>& targets,
              std::int64_t ignore_index = default_ignore_index) {
    Tensor z(logits, true, "z");  // [B, V]
    Tape tape;
    const Tensor loss = softmax_cross_entropy(tape, z, targets, ignore_index);
    tape.backward(loss);
    cases.add(name, "softmax_cross_entropy",
              {{"z", array_json(z.value())}, {"targets", targets}, {"ignore_index", ignore_index}},
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
    // Rank 3 ([B, T, V]), one target per position, padding marked by torch's -100.
    sce_case(cases, "softmax_cross_entropy/rank3_ignore_index", normal({2, 4, 9}, 2.0, rng),
             {3, 8, -100, 0, 5, -100, -100, 1});
    sce_case(cases, "softmax_cross_entropy/rank3_ignore_index_0", normal({3, 2, 5}, 1.0, rng),
             {0, 4, 2, 0, 1, 3}, 0);
    sce_case(cases, "softmax_cross_entropy/rank1", normal({6}, 1.0, rng), {4});
    // Every position ignored: torch gives loss NaN (0/0) and a zero gradient.
    sce_case(cases, "softmax_cross_entropy/all_ignored", normal({2, 3}, 1.0, rng), {-100, -100});
}

const bool registered_softmax_cross_entropy =
    register_cases("softmax_cross_entropy", softmax_cross_entropy_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

/// Slice of the last axis: q, k and v columns out of qkv [B, T, 3C]; kinds_slice.py:
/// x[..., begin:end].

#include "ops/slice.hpp"
#include "tests/torch/op_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void slice_cases(Cases& cases) {
    Random rng(204);
    for (std::size_t part = 0; part < 3; ++part) {
        const std::size_t begin = 4 * part, end = 4 * part + 4;
        add_op_case(
            cases, "slice/qkv_part_" + std::to_string(part), "slice",
            {{"begin", begin}, {"end", end}}, {{"x", normal({2, 3, 12}, 1.0, rng)}},
            [begin, end](Tape& tape, const std::vector<Tensor>& p) {
                return slice(tape, p[0], begin, end);
            },
            rng);
    }
}

const bool registered_slice = register_cases("slice", slice_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

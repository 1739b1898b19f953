#pragma once
/// NamedTensor: a tensor with the name it has in a model's state, as PyTorch's state_dict
/// names it ("blocks.0.attn.qkv.weight"). Layers list their parameters as NamedTensors in a
/// stable order, so a model can be saved, loaded and compared by name.

#include <string>
#include <vector>

#include "engine/core/tensor.hpp"

namespace tapegrad {

struct NamedTensor {
    std::string name;
    Tensor tensor;
};

using NamedTensors = std::vector<NamedTensor>;

}  // namespace tapegrad

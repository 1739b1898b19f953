// The C++ side of the safetensors_pytorch test (tests/check_safetensors_pytorch.py):
//     safetensors_roundtrip write FILE   writes the test model's checkpoint
//     safetensors_roundtrip check FILE   loads FILE into the model and compares bit for bit
// The model is torch.nn.Sequential(Linear(2, 3), Tanh(), Linear(3, 2)) by its state_dict
// names; its values follow a formula the script recomputes, with -0.0, denormals, the largest
// double, an infinity and a NaN among them. Exit 0 when all is well, 1 on a mismatch, 2 on an
// error.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <iostream>
#include <limits>
#include <string>

#include "engine/io/safetensors.hpp"

using namespace tapegrad;

namespace {

// Tensor k's element i: (7 i + 3 k + 1) / 16 - 1.3, with special values at fixed places
// (kept in step with expected_values() in check_safetensors_pytorch.py).
Array values(std::size_t k, const Shape& shape) {
    Array a(shape);  // [shape]
    for (std::size_t i = 0; i < a.size(); ++i)
        a.data()[i] = static_cast<double>(7 * i + 3 * k + 1) / 16.0 - 1.3;
    const double inf = std::numeric_limits<double>::infinity();
    if (k == 0) {
        a.data()[0] = -0.0;
        a.data()[1] = std::numeric_limits<double>::denorm_min();
    } else if (k == 1) {
        a.data()[0] = std::numeric_limits<double>::max();
        a.data()[1] = -1e-310;
    } else if (k == 2) {
        a.data()[5] = std::numeric_limits<double>::quiet_NaN();
    } else if (k == 3) {
        a.data()[0] = -inf;
    }
    return a;
}

NamedTensors model(bool with_values) {
    const char* names[] = {"0.weight", "0.bias", "2.weight", "2.bias"};
    const Shape shapes[] = {{3, 2}, {3}, {2, 3}, {2}};
    NamedTensors tensors;
    for (std::size_t k = 0; k < 4; ++k) {
        Array a =
            with_values ? values(k, shapes[k]) : Array(xt::zeros<double>(shapes[k]));  // [shape]
        tensors.push_back({names[k], Tensor::parameter(a, names[k])});
    }
    return tensors;
}

const Metadata kMetadata = {{"format", "tapegrad"}, {"step", "7"}, {"note", "Gewicht ä ✓"}};

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3 || (std::string(argv[1]) != "write" && std::string(argv[1]) != "check")) {
        std::cerr << "usage: safetensors_roundtrip write|check FILE\n";
        return 2;
    }
    const std::string path = argv[2];
    try {
        if (std::string(argv[1]) == "write") {
            save_checkpoint(path, model(true), kMetadata);
            return 0;
        }
        const NamedTensors loaded = model(false);
        const Metadata metadata = load_checkpoint(path, loaded);
        const NamedTensors expected = model(true);
        int mismatches = 0;
        for (std::size_t k = 0; k < loaded.size(); ++k) {
            const Array& a = loaded[k].tensor.value();
            const Array& b = expected[k].tensor.value();
            for (std::size_t i = 0; i < a.size(); ++i) {
                if (std::memcmp(&a.data()[i], &b.data()[i], sizeof(double)) != 0) {
                    std::cerr << path << ": " << loaded[k].name << "[" << i << "]: " << a.data()[i]
                              << ", expected " << b.data()[i] << " (bits differ)\n";
                    ++mismatches;
                }
            }
        }
        if (metadata != kMetadata) {
            std::cerr << path << ": __metadata__: differs from what was written\n";
            ++mismatches;
        }
        if (mismatches > 0) return 1;
        std::cout << path << ": " << loaded.size() << " tensors and the metadata bit-identical\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 2;
    }
}

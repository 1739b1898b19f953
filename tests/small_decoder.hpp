#pragma once
// A tiny decoder configuration for tests: V = 50, C = 8, L = 2, H = 2, T_max = 6.

#include "examples/tiny_decoder/lib/model.hpp"

namespace tapegrad::test {

inline TinyDecoderConfig small_decoder() {
    TinyDecoderConfig c;
    c.V = 50;
    c.C = 8;
    c.L = 2;
    c.H = 2;
    c.T_max = 6;
    return c;
}

}  // namespace tapegrad::test

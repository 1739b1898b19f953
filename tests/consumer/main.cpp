// Checks the consumer's own layer with tapegrad's gradcheck, alone and inside a small graph
// with a built-in op. Exit status 0 only when both checks pass.
#include <iostream>

#include "engine/inspect/gradcheck.hpp"
#include "ops/linear.hpp"
#include "square.hpp"

int main() {
    using namespace tapegrad;
    const Array x{{0.5, -1.25, 2.0}, {1.5, 0.75, -0.3}};  // [2, 3]
    const GradcheckReport alone = gradcheck_op(Square{}, x);
    std::cout << "Square:          " << alone.summary() << "\n";

    const Array W{{0.2, -0.4, 1.1}, {0.7, 0.3, -0.9}};  // [2, 3]
    const TapeFunction f = [](Tape& tape, const std::vector<Tensor>& in) {
        return square(tape, linear(tape, in[0], in[1]));  // (x W^T)^2   [2, 2]
    };
    const GradcheckReport graph = gradcheck(f, {x, W});
    std::cout << "Square(Linear):  " << graph.summary() << "\n";
    return alone.passed() && graph.passed() ? 0 : 1;
}

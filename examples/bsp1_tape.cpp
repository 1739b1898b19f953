#include "examples/bsp1_tape.hpp"

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "engine/tape.hpp"
#include "engine/tape_printer.hpp"
#include "examples/slides.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace tapegrad::examples {

namespace {

/// Bsp. 1's tensors with the slide's names, so the trace reads like the slide.
struct Bsp1Tensors {
    Tensor x, W, z, loss;
};

Bsp1Tensors record(Tape& tape, bool three_node) {
    const slides::Example ex = slides::bsp1();
    Bsp1Tensors t;
    t.x = Tensor(ex.x, false, "x");
    t.W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");
    t.z = linear(tape, t.x, t.W);
    t.z.set_name("z");
    if (three_node) {
        Tensor p = softmax(tape, t.z);
        p.set_name("p");
        t.loss = cross_entropy(tape, p, {ex.target});
    } else {
        t.loss = softmax_cross_entropy(tape, t.z, {ex.target});
    }
    t.loss.set_name("L");
    return t;
}

/// Quotes a path for the shell: 'path' with every ' written as '\''.
std::string shell_quote(const std::string& path) {
    std::string quoted = "'";
    for (char c : path) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
}

void write_dot_file(std::ostream& out, const Tape& tape, const std::string& path) {
    std::ostringstream dot;  // the whole graph first: nothing half-written on an error
    write_dot(dot, tape);
    std::ofstream file(path);
    if (!(file << dot.str()) || !file.flush())
        throw std::runtime_error("cannot write the DOT file " + path);
    out << "wrote " << path << " (Graphviz DOT of the tape Linear -> Softmax -> CrossEntropy)\n";

    const std::string suffix = ".dot";
    const bool is_dot = path.size() > suffix.size() &&
                        path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
    if (!is_dot) {
        out << "not rendered: name the file *.dot to get a PNG next to it\n";
        return;
    }
    if (std::system("command -v dot >/dev/null 2>&1") != 0) {
        out << "not rendered: Graphviz's dot is not installed (Debian: apt-get install graphviz)\n";
        return;
    }
    const std::string png = path.substr(0, path.size() - suffix.size()) + ".png";
    const std::string command = "dot -Tpng " + shell_quote(path) + " -o " + shell_quote(png);
    if (std::system(command.c_str()) != 0) throw std::runtime_error("dot failed: " + command);
    out << "rendered " << png << " with: " << command << "\n";
}

}  // namespace

void show_bsp1_tape(std::ostream& out, bool trace, const std::string& dot_file) {
    Tape tape;
    Bsp1Tensors t = record(tape, true);
    if (trace) {
        out << "== Bsp. 1 on the tape: Linear -> Softmax -> CrossEntropy ==\n"
            << "x = [1.5, 0.5], W_out = z x^T / (x^T x) so that z = W_out x = [2, 1, 0.1],\n"
            << "target: Frankreich (class 0). Values to 4 significant digits.\n\n";
        print_tape(out, tape);
        out << "\n";
        print_backward(out, tape, t.loss);
        out << "\nSoftmax passed dL/dz = p - y; Linear turned it into dL/dW_out = (p - y) x^T,\n"
            << "the slide's matrix (its rows: Frankreich, Deutschland, Spanien).\n\n";

        Tape fused_tape;
        Bsp1Tensors fused = record(fused_tape, false);
        out << "== The same with the fused loss: Linear -> SoftmaxCrossEntropy ==\n";
        print_tape(out, fused_tape);
        out << "\n";
        print_backward(out, fused_tape, fused.loss);
        out << "\nThe fused loss hands p - y to Linear directly; dL/dW_out is the same matrix.\n";
    }
    if (!dot_file.empty()) write_dot_file(out, tape, dot_file);
}

}  // namespace tapegrad::examples

#include "examples/case_tool/case_tape.hpp"

#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "engine/core/tape.hpp"
#include "engine/inspect/tape_printer.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace tapegrad::examples {

namespace {

/// The case's tensors with the names the trace prints.
struct CaseTensors {
    Tensor x, W, b, z, loss;
};

CaseTensors record(Tape& tape, const Case& c, const std::string& W_name, bool three_node) {
    CaseTensors t;
    // A single input stays a vector [d], as in the slides; a batch is [B, d].
    Array x = c.x;                           // [B, d]
    if (c.single_input) x.reshape({c.d()});  // [d]
    t.x = Tensor(x, false, "x");
    t.W = Tensor::parameter(c.W, W_name);               // [V, d]
    if (c.has_bias) t.b = Tensor::parameter(c.b, "b");  // [V]
    t.z = c.has_bias ? linear(tape, t.x, t.W, t.b) : linear(tape, t.x, t.W);
    t.z.set_name("z");
    if (three_node) {
        Tensor p = softmax(tape, t.z);
        p.set_name("p");
        t.loss = cross_entropy(tape, p, c.targets);
    } else {
        t.loss = softmax_cross_entropy(tape, t.z, c.targets);
    }
    t.loss.set_name("L");
    return t;
}

/// "[1.5, 0.5]": the values to 4 significant digits, like the rest of the trace.
std::string values(const Array& a) {
    std::ostringstream text;
    text << std::setprecision(4) << "[";
    for (std::size_t i = 0; i < a.size(); ++i) text << (i ? ", " : "") << a.data()[i];
    return text.str() + "]";
}

// "Frankreich (Klasse 1, index 0)", or "Klasse 1 (index 0)" without a vocabulary: the slides
// count classes from 1, the code and the case file from 0.
std::string class_name(const Case& c, std::size_t k) {
    const std::string klasse = "Klasse " + std::to_string(k + 1);
    const std::string index = "index " + std::to_string(k);
    return c.vocab.empty() ? klasse + " (" + index + ")"
                           : c.vocab[k].token + " (" + klasse + ", " + index + ")";
}

/// Where the numbers come from, so that every printed value can be traced back to them.
void print_intro(std::ostream& out, const Case& c, const std::string& W_name) {
    if (c.W_from_logits) {
        out << "x = " << values(c.x) << ", " << W_name
            << " = z x^T / (x^T x) so that z = " << W_name << " x = " << values(c.logits) << ",\n";
    } else {
        out << "x " << shape_string(c.x) << ", " << W_name << " " << shape_string(c.W)
            << (c.has_bias ? ", b " + shape_string(c.b) : std::string()) << " from the case,\n";
    }
    if (c.targets.size() == 1) {
        out << "target: " << class_name(c, c.targets[0]) << ".";
    } else {
        out << "targets, one per row of x:";
        for (std::size_t r = 0; r < c.targets.size(); ++r)
            out << "\n  row " << r << ": " << class_name(c, c.targets[r]);
    }
    out << "\nValues to 4 significant digits.\n\n";
}

/// What the backward printout showed, in the slide's words.
void print_summary(std::ostream& out, const Case& c, const std::string& W_name, bool three_node) {
    const bool one = c.targets.size() == 1;
    const std::string g = one ? "p - y" : "(P - Y)/B";
    const std::string bias =
        c.has_bias ? " and dL/db = " + std::string(one ? g : "its column sums") : "";
    if (three_node) {
        out << "Softmax passed dL/dz = " << g << ";\nLinear turned it into dL/d" << W_name << " = "
            << (one ? "(p - y) x^T" : "(P - Y)^T X / B") << bias << ".\n";
    } else {
        out << "The fused loss hands dL/dz = " << g << " to Linear directly; dL/d" << W_name
            << " is the same matrix.\n";
    }
    if (three_node && !c.vocab.empty() && c.V() <= 8) {
        out << "The rows of dL/d" << W_name << " are the tokens:";
        for (std::size_t k = 0; k < c.V(); ++k) out << (k ? ", " : " ") << c.vocab[k].token;
        out << ".\n";
    }
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

void show_case_tape(std::ostream& out, const Case& c, const std::string& W_name, bool trace,
                    const std::string& dot_file) {
    const std::string title = c.name.empty() ? "The case" : c.name;
    Tape tape;
    CaseTensors t = record(tape, c, W_name, true);
    if (trace) {
        out << "== " << title << " on the tape: Linear -> Softmax -> CrossEntropy ==\n";
        print_intro(out, c, W_name);
        print_tape(out, tape);
        out << "\n";
        print_backward(out, tape, t.loss);
        out << "\n";
        print_summary(out, c, W_name, true);
        out << "\n";

        Tape fused_tape;
        CaseTensors fused = record(fused_tape, c, W_name, false);
        out << "== The same with the fused loss: Linear -> SoftmaxCrossEntropy ==\n";
        print_tape(out, fused_tape);
        out << "\n";
        print_backward(out, fused_tape, fused.loss);
        out << "\n";
        print_summary(out, c, W_name, false);
    }
    if (!dot_file.empty()) write_dot_file(out, tape, dot_file);
}

}  // namespace tapegrad::examples

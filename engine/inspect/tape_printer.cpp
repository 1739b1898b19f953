#include "engine/inspect/tape_printer.hpp"

#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/node.hpp"
#include "engine/core/tape_hooks.hpp"

namespace tapegrad {

namespace {

/// A label for every tensor on the tape, by identity: its name, "node<i>.out" or "leaf<k>".
class TensorLabels {
public:
    explicit TensorLabels(const Tape& tape) {
        for (std::size_t i = 0; i < tape.size(); ++i) {
            const Node& node = tape.node(i);
            producer_[&node.output().data()] = i;
        }
        for (std::size_t i = 0; i < tape.size(); ++i) {
            for (const Tensor& t : tape.node(i).inputs()) label(t);
            label(tape.node(i).output());
        }
    }

    const std::string& label(const Tensor& t) {
        const TensorData* key = &t.data();
        auto found = labels_.find(key);
        if (found != labels_.end()) return found->second;
        std::string text = t.name();
        if (text.empty()) {
            auto produced = producer_.find(key);
            text = produced != producer_.end() ? "node" + std::to_string(produced->second) + ".out"
                                               : "leaf" + std::to_string(leaves_++);
        }
        return labels_.emplace(key, text).first->second;
    }

    /// Index of the node that produced t, or -1 for a leaf.
    long producer(const Tensor& t) const {
        auto found = producer_.find(&t.data());
        return found == producer_.end() ? -1 : static_cast<long>(found->second);
    }

private:
    std::map<const TensorData*, std::size_t> producer_;
    std::map<const TensorData*, std::string> labels_;
    std::size_t leaves_ = 0;
};

void print_values_rec(std::ostream& out, const Array& a, std::size_t dim, std::size_t& offset) {
    if (dim == a.dimension()) {
        out << a.data()[offset++];
        return;
    }
    out << '[';
    for (std::size_t i = 0; i < a.shape()[dim]; ++i) {
        if (i) out << ", ";
        print_values_rec(out, a, dim + 1, offset);
    }
    out << ']';
}

/// "[3, 2] = [[1, 2], [3, 4], [5, 6]]", or "[3000, 2] (6000 values)" when large.
std::string describe(const Array& a, const TraceOptions& options) {
    std::ostringstream out;
    out.precision(options.precision);
    out << shape_string(a);
    if (a.size() <= options.max_values) {
        out << " = ";
        std::size_t offset = 0;
        print_values_rec(out, a, 0, offset);
    } else {
        out << " (" << a.size() << " values)";
    }
    return out.str();
}

void print_formula(std::ostream& out, const char* formula) {
    if (!formula) return;
    // Indent every line of a multi-line formula under the node's header.
    std::istringstream lines(formula);
    std::string line;
    while (std::getline(lines, line)) out << "      " << line << '\n';
}

class BackwardPrinter final : public TapeHooks {
public:
    BackwardPrinter(std::ostream& out, const Tape& tape, const TraceOptions& options)
        : out_(out), labels_(tape), options_(options) {}

    void before_backward(std::size_t index, const Node& node) override {
        const std::string& out_label = labels_.label(node.output());
        out_ << '[' << index << "] " << node.op_name() << '\n';
        print_formula(out_, node.backward_formula());
        out_ << "    receives dL/d" << out_label << ' ' << describe(node.output().grad(), options_)
             << '\n';
        // What each input holds already, so that this node's own contribution can be shown.
        before_.clear();
        reached_before_.clear();
        for (const Tensor& in : node.inputs()) {
            const bool reached = in.requires_grad() && in.has_grad();
            reached_before_.push_back(reached);
            before_.push_back(reached ? in.grad() : Array());  // shape of the input
        }
    }

    void after_backward(std::size_t, const Node& node) override {
        for (std::size_t k = 0; k < node.inputs().size(); ++k) {
            const Tensor& in = node.inputs()[k];
            const std::string& in_label = labels_.label(in);
            if (!in.requires_grad()) {
                out_ << "    input " << k << " (" << in_label << ") requires no gradient\n";
                continue;
            }
            // Report once per tensor even when it is input twice (e.g. Mul(x, x)).
            bool seen = false;
            for (std::size_t j = 0; j < k; ++j) seen = seen || node.inputs()[j].same_as(in);
            if (seen) continue;
            if (!reached_before_[k]) {
                out_ << "    passes dL/d" << in_label << ' ' << describe(in.grad(), options_)
                     << '\n';
            } else {
                const Array contribution = in.grad() - before_[k];  // shape of the input
                out_ << "    passes dL/d" << in_label << ' ' << describe(contribution, options_)
                     << "\n      added to what reached " << in_label << " before, which now holds "
                     << describe(in.grad(), options_) << '\n';
            }
        }
    }

private:
    std::ostream& out_;
    TensorLabels labels_;
    const TraceOptions& options_;
    std::vector<Array> before_;         // gradient of each input before this node ...
    std::vector<bool> reached_before_;  // ... if it had one
};

std::string dot_escape(const std::string& text) {
    std::string escaped;
    for (char c : text) {
        if (c == '"' || c == '\\') escaped += '\\';
        if (c == '\n') {
            escaped += "\\n";
            continue;
        }
        escaped += c;
    }
    return escaped;
}

}  // namespace

void print_tape(std::ostream& out, const Tape& tape, const TraceOptions& options) {
    TensorLabels labels(tape);
    out << "forward: " << tape.size() << " node" << (tape.size() == 1 ? "" : "s")
        << " in recording order\n";
    for (std::size_t i = 0; i < tape.size(); ++i) {
        const Node& node = tape.node(i);
        out << '[' << i << "] " << node.op_name() << '\n';
        print_formula(out, node.forward_formula());
        for (std::size_t k = 0; k < node.inputs().size(); ++k) {
            const Tensor& in = node.inputs()[k];
            out << "    input " << k << ": " << labels.label(in) << ' '
                << describe(in.value(), options);
            const long producer = labels.producer(in);
            if (producer >= 0) out << "   (from [" << producer << "])";
            out << '\n';
        }
        out << "    output:  " << labels.label(node.output()) << ' '
            << describe(node.output().value(), options) << '\n';
    }
}

void print_backward(std::ostream& out, Tape& tape, const Tensor& loss,
                    const TraceOptions& options) {
    BackwardPrinter printer(out, tape, options);
    out << "backward: from the loss to the leaves, nodes in reverse order; dL/dL = 1\n";
    tape.backward(loss, printer);
}

void write_dot(std::ostream& out, const Tape& tape) {
    TensorLabels labels(tape);
    std::map<const TensorData*, std::string> ids;  // DOT node id per tensor
    auto tensor_id = [&](const Tensor& t) {
        auto found = ids.find(&t.data());
        if (found != ids.end()) return found->second;
        const std::string id = "t" + std::to_string(ids.size());
        ids.emplace(&t.data(), id);
        out << "  " << id << " [shape=ellipse, label=\"" << dot_escape(labels.label(t)) << "\\n"
            << shape_string(t.value()) << "\""
            << (t.requires_grad() ? ", style=filled, fillcolor=\"#dbe9f6\"" : "") << "];\n";
        return id;
    };

    out << "digraph tape {\n"
        << "  rankdir=LR;\n"
        << "  node [fontname=\"Helvetica\", fontsize=11];\n"
        << "  edge [fontname=\"Helvetica\", fontsize=9];\n";
    for (std::size_t i = 0; i < tape.size(); ++i) {
        const Node& node = tape.node(i);
        std::vector<std::string> in_ids;
        for (const Tensor& in : node.inputs()) in_ids.push_back(tensor_id(in));
        const std::string op_id = "op" + std::to_string(i);
        std::string label = "[" + std::to_string(i) + "] " + node.op_name();
        if (node.forward_formula()) label += "\n" + std::string(node.forward_formula());
        out << "  " << op_id << " [shape=box, style=rounded, label=\"" << dot_escape(label)
            << "\"];\n";
        for (std::size_t k = 0; k < node.inputs().size(); ++k) {
            out << "  " << in_ids[k] << " -> " << op_id << " [label=\""
                << shape_string(node.inputs()[k].value()) << "\"];\n";
        }
        const std::string out_id = tensor_id(node.output());
        out << "  " << op_id << " -> " << out_id << " [label=\""
            << shape_string(node.output().value()) << "\"];\n";
    }
    out << "}\n";
}

}  // namespace tapegrad

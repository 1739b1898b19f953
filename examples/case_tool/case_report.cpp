#include "examples/case_tool/case_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <vector>

#include "examples/text/pad.hpp"

namespace tapegrad {

namespace {

using json = nlohmann::ordered_json;  // keeps the schema's order of fields

// A 1-D array as a JSON array, a 2-D array as an array of rows.
json to_json(const Array& a) {
    if (a.dimension() == 1) return json(std::vector<double>(a.begin(), a.end()));
    json rows = json::array();
    const std::size_t cols = a.shape()[1];
    for (std::size_t r = 0; r < a.shape()[0]; ++r)
        rows.push_back(std::vector<double>(a.data() + r * cols, a.data() + (r + 1) * cols));
    return rows;
}

// printf into a std::string.
void appendf(std::string& out, const char* format, ...) __attribute__((format(printf, 2, 3)));
void appendf(std::string& out, const char* format, ...) {
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    const int n = std::vsnprintf(nullptr, 0, format, copy);
    va_end(copy);
    if (n > 0) {
        std::vector<char> buffer(static_cast<std::size_t>(n) + 1);
        std::vsnprintf(buffer.data(), buffer.size(), format, args);
        out.append(buffer.data(), static_cast<std::size_t>(n));
    }
    va_end(args);
}

// "Frankreich (id 12856)" with a vocabulary, "Klasse 1 (index 0)" without: the slides count
// classes from 1, the code and the case file from 0.
std::string class_label(const Case& c, std::size_t i) {
    if (c.vocab.empty())
        return "Klasse " + std::to_string(i + 1) + " (index " + std::to_string(i) + ")";
    return c.vocab[i].token + " (id " + std::to_string(c.vocab[i].id) + ")";
}

void append_vector(std::string& out, const Array& a, std::size_t offset, std::size_t n) {
    out += "[";
    for (std::size_t j = 0; j < n; ++j)
        appendf(out, "%s%10.6f", j ? ", " : "", a.data()[offset + j]);
    out += "]";
}

// A gradient as a table: one line per row, one block per way it was computed.
void append_grad(std::string& out, const std::string& title, const GradComparison& g,
                 const std::vector<std::string>& ways) {
    out += title + "\n";
    const Array* arrays[] = {&g.autodiff, &g.closed_form, &g.finite_difference};
    for (std::size_t w = 0; w < ways.size(); ++w) {
        const Array& a = *arrays[w];
        out += "  " + ways[w] + "\n";
        const std::size_t rows = a.dimension() == 2 ? a.shape()[0] : 1;
        const std::size_t cols = a.shape()[a.dimension() - 1];
        for (std::size_t r = 0; r < rows; ++r) {
            appendf(out, "    row %-3zu ", r);
            append_vector(out, a, r * cols, cols);
            out += "\n";
        }
    }
}

bool is_number_array(const json& j) {
    return j.is_array() && !j.empty() &&
           std::all_of(j.begin(), j.end(), [](const json& e) { return e.is_number(); });
}

void format(const json& j, int indent, std::string& out) {
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
    if (is_number_array(j)) {
        // A row of numbers on one line: [1.5, 0.5].
        out += "[";
        for (std::size_t k = 0; k < j.size(); ++k) out += (k ? ", " : "") + j[k].dump();
        out += "]";
        return;
    }
    const bool flat_object = j.is_object() && std::all_of(j.begin(), j.end(), [](const json& e) {
                                 return e.is_primitive();
                             });
    if (flat_object) {  // {"step": 0, "loss": 0.417, "p_target": 0.659} on one line
        out += "{";
        std::size_t k = 0;
        for (const auto& item : j.items())
            out += (k++ ? ", " : "") + json(item.key()).dump() + ": " + item.value().dump();
        out += "}";
        return;
    }
    if (j.is_object() && !j.empty()) {
        out += "{\n";
        std::size_t k = 0;
        for (const auto& item : j.items()) {
            out += inner + json(item.key()).dump() + ": ";
            format(item.value(), indent + 1, out);
            out += ++k < j.size() ? ",\n" : "\n";
        }
        out += pad + "}";
        return;
    }
    if (j.is_array() && !j.empty()) {
        out += "[\n";
        for (std::size_t k = 0; k < j.size(); ++k) {
            out += inner;
            format(j[k], indent + 1, out);
            out += k + 1 < j.size() ? ",\n" : "\n";
        }
        out += pad + "]";
        return;
    }
    out += j.dump(-1, ' ', false, json::error_handler_t::strict);
}

}  // namespace

std::string result_json_text(const Case& c, const CaseResult& r) {
    std::string out;
    format(result_json(c, r), 0, out);
    return out + "\n";
}

nlohmann::ordered_json result_json(const Case& c, const CaseResult& r) {
    json doc;
    doc["probs"] = to_json(r.probs);
    doc["loss"] = r.loss;
    json prediction = json::array();
    for (std::size_t k : r.prediction) {
        json p = {{"index", k}};
        if (!c.vocab.empty()) {
            p["id"] = c.vocab[k].id;
            p["token"] = c.vocab[k].token;
        }
        prediction.push_back(p);
    }
    doc["prediction"] = prediction;
    json grads;
    grads["W"] = {{"autodiff", to_json(r.grad_W.autodiff)},
                  {"closed_form", to_json(r.grad_W.closed_form)},
                  {"finite_difference", to_json(r.grad_W.finite_difference)}};
    if (c.has_bias) {
        grads["b"] = {{"autodiff", to_json(r.grad_b.autodiff)},
                      {"closed_form", to_json(r.grad_b.closed_form)}};
    }
    grads["x"] = {{"autodiff", to_json(r.grad_x.autodiff)},
                  {"closed_form", to_json(r.grad_x.closed_form)}};
    grads["logits"] = {{"autodiff", to_json(r.grad_logits.autodiff)},
                       {"closed_form", to_json(r.grad_logits.closed_form)}};
    doc["grads"] = grads;
    doc["max_abs_diff"] = {
        {"autodiff_vs_closed_form", r.max_abs_diff_autodiff_vs_closed_form},
        {"autodiff_vs_finite_difference", r.max_abs_diff_autodiff_vs_finite_difference}};
    json sgd = json::array();
    for (const SgdEntry& e : r.sgd)
        sgd.push_back({{"step", e.step}, {"loss", e.loss}, {"p_target", e.p_target}});
    doc["sgd"] = sgd;
    return doc;
}

std::string report_text(const Case& c, const CaseResult& r, const std::string& title) {
    const std::size_t B = c.B(), V = c.V(), d = c.d();
    std::string out;
    appendf(out, "== Case %s%s%s ==\n", title.c_str(), c.name.empty() ? "" : ": ", c.name.c_str());
    appendf(out, "W [%zu, %zu]%s, %s, x [%zu, %zu] (%s), lr = %g, steps = %d\n", V, d,
            c.W_from_logits ? " built from the logits as W = z x^T / (x^T x), so that W x = z" : "",
            c.has_bias ? "with bias b" : "no bias", B, d,
            c.single_input ? "one input" : "one input per row", c.lr, c.steps);
    out += "z = x W^T" + std::string(c.has_bias ? " + b" : "") +
           " -> p = softmax(z) -> L = mean over rows of -log p(target)\n\n";

    for (std::size_t row = 0; row < B; ++row) {
        appendf(out, "row %zu: x = ", row);
        append_vector(out, c.x, row * d, d);
        appendf(out, ", target %s\n", class_label(c, c.targets[row]).c_str());
        appendf(out, "  %-28s | %10s | %8s | %3s | %9s\n", "class", "z", "p", "y", "p - y");
        out += "  -----------------------------+------------+----------+-----+----------\n";
        for (std::size_t i = 0; i < V; ++i) {
            const double y = i == c.targets[row] ? 1.0 : 0.0;
            const double p = r.probs(row, i);
            appendf(out, "  %s | %10.4f | %8.4f | %3.0f | %9.4f\n",
                    text::pad(class_label(c, i), 28).c_str(), r.logits(row, i), p, y, p - y);
        }
        const std::size_t k = r.prediction[row];
        appendf(out, "  prediction (argmax): %s, p = %.4f; -log p(target) = %.4f\n\n",
                class_label(c, k).c_str(), r.probs(row, k),
                -std::log(r.probs(row, c.targets[row])));
    }
    appendf(out, "loss L = %.6f  (mean over %zu row%s)\n\n", r.loss, B, B == 1 ? "" : "s");

    const std::vector<std::string> three = {"autodiff (backward through the tape)",
                                            "closed form (P - Y)^T X / B",
                                            "finite differences (central, on every element)"};
    append_grad(out, "dL/dW [V, d], row i = class index i:", r.grad_W, three);
    if (c.has_bias) {
        append_grad(out, "dL/db [V]:", r.grad_b,
                    {"autodiff", "closed form: column sums of (P - Y) / B"});
    }
    append_grad(out, "dL/dx [B, d], row r = input row r:", r.grad_x,
                {"autodiff", "closed form (P - Y) W / B"});
    append_grad(out, "dL/dz [B, V], row r = input row r:", r.grad_logits,
                {"autodiff", "closed form (P - Y) / B"});
    appendf(out, "max |autodiff - closed form| over W%s, x, z:  %.3g\n", c.has_bias ? ", b" : "",
            r.max_abs_diff_autodiff_vs_closed_form);
    appendf(out,
            "max |autodiff - finite differences| over W:  %.3g  (step h = cbrt(eps) max(1, |w|)"
            " = %.3g max(1, |w|))\n",
            r.max_abs_diff_autodiff_vs_finite_difference, finite_difference_step_scale());
    out += "(tables round to 6 decimals; --json prints every number to full precision)\n\n";

    appendf(out, "== SGD: W%s <- ... - lr * gradient, lr = %g, %d steps, through the tape ==\n",
            c.has_bias ? ", b" : "", c.lr, c.steps);
    appendf(out, "%4s | %10s | %10s\n", "step", "loss", "p(target)");
    out += "-----+------------+-----------\n";
    for (const SgdEntry& e : r.sgd)
        appendf(out, "%4d | %10.6f | %10.6f\n", e.step, e.loss, e.p_target);
    if (B > 1) out += "p(target) is the mean over rows of each row's target probability.\n";
    return out;
}

}  // namespace tapegrad

/// decoder_training: the notebook "Decoder-Vorhersage + Softmax & Cross-Entropy" as a program.
///
///   Teil 1   prediction: logits z -> softmax p -> argmax token id -> token string
///   Teil 2   Bsp. 1 and Bsp. 2: dL/dz = p - y and dL/dW_out = (p - y) x^T, by backpropagation
///            through a tape, beside the closed form and the slide's numbers
///   SGD      a few real training steps on Bsp. 1: p(Frankreich) rises, the loss falls

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>

#include "engine/core/tape.hpp"
#include "engine/optim/sgd.hpp"
#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_plots.hpp"
#include "examples/case_tool/case_report.hpp"
#include "examples/case_tool/case_result.hpp"
#include "examples/case_tool/case_tape.hpp"
#include "examples/slides.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/linear.hpp"
#include "ops/soft_target_cross_entropy.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"

using namespace tapegrad;

namespace {

double max_abs_diff(const Array& a, const Array& b) {
    const Array diff = xt::abs(a - b);  // [V, d]
    return xt::amax(diff)();
}

void print_matrix_row(const Array& m, std::size_t row) {
    std::printf("[");
    for (std::size_t j = 0; j < m.shape()[1]; ++j) std::printf("%s%8.4f", j ? ", " : "", m(row, j));
    std::printf("]");
}

void teil1_prediction() {
    std::printf("== Teil 1: decoder prediction ==\n");
    std::printf("context vector h -> logits z -> softmax p -> argmax token id -> token\n");
    std::printf("(the slide gives the logits directly: z = W_out h for some h)\n\n");
    const std::vector<slides::VocabEntry> vocab = slides::teil1_vocab();
    const Array z = slides::teil1_logits();  // [V]
    const Array e = xt::exp(z);              // [V]
    const Array p = softmax(z);              // [V]
    std::printf("%8s | %-11s | %7s | %8s | %9s\n", "Token-ID", "Token", "Logit z", "e^z",
                "Softmax p");
    std::printf("---------+-------------+---------+----------+----------\n");
    for (std::size_t i = 0; i < vocab.size(); ++i) {
        std::printf("%8ld | %-11s | %7.4f | %8.4f | %9.4f\n", vocab[i].id, vocab[i].token.c_str(),
                    z(i), e(i), p(i));
    }
    const std::size_t k = xt::argmax(p)();
    std::printf("\nsum of e^z = %.4f; p = e^z / sum\n", xt::sum(e)());
    std::printf("prediction (argmax): index %zu -> token id %ld -> \"%s\" (p = %.4f)\n\n", k,
                vocab[k].id, vocab[k].token.c_str(), p(k));
}

/// The loss on the tape after Linear.
enum class LossForm {
    three_node,  // Linear -> Softmax -> CrossEntropy (the card's graph)
    fused,       // Linear -> SoftmaxCrossEntropy (class index; the default for training)
    one_hot_y,   // Linear -> SoftTargetCrossEntropy with the slide's vector y = [1, 0, ...]
};

/// dL/dW_out for one example, by a backward pass through a tape.
struct TapeResult {
    Array grad_z;  // [V]
    Array grad_W;  // [V, d]
    double loss;
};
TapeResult backprop(const slides::Example& ex, LossForm form, bool check_finite) {
    Tape tape;
    tape.set_check_finite(check_finite);
    Tensor x(ex.x, false, "x");
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");
    Tensor z = linear(tape, x, W);
    Tensor loss;
    switch (form) {
        case LossForm::three_node:
            loss = cross_entropy(tape, softmax(tape, z), {ex.target});
            break;
        case LossForm::fused:
            loss = softmax_cross_entropy(tape, z, {ex.target});
            break;
        case LossForm::one_hot_y:
            loss = soft_target_cross_entropy(tape, z, slides::one_hot(ex.target, ex.z.size()));
            break;
    }
    // Let z keep its gradient so we can show dL/dz = p - y: it is an op output, so its
    // gradient is written during backward like a parameter's.
    tape.backward(loss);
    return {z.grad(), W.grad(), loss.value()()};
}

void teil2_example(const slides::Example& ex, bool check_finite) {
    const std::size_t V = ex.z.size();
    std::printf("== Teil 2, %s: %zu classes, target class %zu (%s) ==\n", ex.name.c_str(), V,
                ex.target + 1, ex.classes[ex.target].c_str());
    const Array W = slides::w_out_from_logits(ex.z, ex.x);  // [V, d]
    double xx = 0.0;
    for (double v : ex.x) xx += v * v;
    std::printf("x = [");
    for (std::size_t j = 0; j < ex.x.size(); ++j) std::printf("%s%g", j ? ", " : "", ex.x(j));
    std::printf("];  W_out = z x^T / (x^T x) with x^T x = %g, so that W_out x = z exactly\n\n", xx);

    const Array p = softmax(ex.z);                  // [V]
    const Array y = slides::one_hot(ex.target, V);  // [V]
    const Array p_minus_y = p - y;                  // [V]
    std::printf("%-24s | %7s | %7s | %3s | %8s\n", "class", "z", "p", "y", "p - y");
    std::printf("-------------------------+---------+---------+-----+---------\n");
    for (std::size_t i = 0; i < V; ++i) {
        const std::string label = "Klasse " + std::to_string(i + 1) + " (" + ex.classes[i] + ")";
        std::printf("%-24s | %7.4f | %7.4f | %3.0f | %8.4f\n", label.c_str(), ex.z(i), p(i), y(i),
                    p_minus_y(i));
    }
    const double loss = -std::log(p(ex.target));
    std::printf("\nloss L = -log p(%s) = -log %.4f = %.4f   (slide: %.3f)\n",
                ex.classes[ex.target].c_str(), p(ex.target), loss, ex.slide_loss);

    const TapeResult three = backprop(ex, LossForm::three_node, check_finite);
    const TapeResult fused = backprop(ex, LossForm::fused, check_finite);
    const TapeResult one_hot = backprop(ex, LossForm::one_hot_y, check_finite);
    std::printf("on the tape (loss, then dL/dz from backward = p - y):\n");
    const char* forms[] = {"three-node", "fused", "one-hot y"};
    const TapeResult* results[] = {&three, &fused, &one_hot};
    for (int f = 0; f < 3; ++f) {
        std::printf("  %-10s  L = %.17g  dL/dz = [", forms[f], results[f]->loss);
        for (std::size_t i = 0; i < V; ++i)
            std::printf("%s%.4f", i ? ", " : "", results[f]->grad_z(i));
        std::printf("]\n");
    }
    std::printf(
        "(three-node: Linear -> Softmax -> CrossEntropy; fused: Linear -> SoftmaxCrossEntropy\n"
        " with the target index; one-hot y: Linear -> SoftTargetCrossEntropy with the vector "
        "y)\n\n");

    Array closed_form = xt::zeros<double>({V, ex.x.size()});  // (p - y) x^T   [V, d]
    for (std::size_t i = 0; i < V; ++i)
        for (std::size_t j = 0; j < ex.x.size(); ++j) closed_form(i, j) = p_minus_y(i) * ex.x(j);

    std::printf("dL/dW_out, row by row:\n");
    const char* names[] = {"tape: Linear -> Softmax -> CrossEntropy",
                           "tape: Linear -> SoftmaxCrossEntropy (fused)", "closed form (p - y) x^T",
                           "slide"};
    const Array* mats[] = {&three.grad_W, &fused.grad_W, &closed_form, &ex.slide_grad_W};
    for (int m = 0; m < 4; ++m) {
        std::printf("  %s\n", names[m]);
        for (std::size_t i = 0; i < V; ++i) {
            std::printf("    Klasse %zu ", i + 1);
            print_matrix_row(*mats[m], i);
            std::printf("\n");
        }
    }
    std::printf("max |difference|:\n");
    std::printf("  three-node tape vs closed form  %.3g\n",
                max_abs_diff(three.grad_W, closed_form));
    std::printf("  fused tape      vs closed form  %.3g\n",
                max_abs_diff(fused.grad_W, closed_form));
    std::printf("  one-hot y tape  vs closed form  %.3g\n",
                max_abs_diff(one_hot.grad_W, closed_form));
    std::printf("  three-node vs fused             %.3g\n",
                max_abs_diff(three.grad_W, fused.grad_W));
    std::printf("  closed form     vs slide        %.3g\n",
                max_abs_diff(closed_form, ex.slide_grad_W));
    // The slide computed its matrix from p rounded to a few decimals, not from the exact p:
    // redo its arithmetic to show that this, and nothing else, explains the gap.
    Array from_slide_p = xt::zeros<double>({V, ex.x.size()});  // (p_slide - y) x^T   [V, d]
    for (std::size_t i = 0; i < V; ++i)
        for (std::size_t j = 0; j < ex.x.size(); ++j)
            from_slide_p(i, j) = (ex.slide_p(i) - y(i)) * ex.x(j);
    std::printf("  (p_slide - y) x^T vs slide      %.3g\n",
                max_abs_diff(from_slide_p, ex.slide_grad_W));
    std::printf(
        "\nWhere the slide's matrix comes from: it multiplied x by p as printed on the slide,\n"
        "p_slide = [");
    for (std::size_t i = 0; i < V; ++i)
        std::printf("%s%.*f", i ? ", " : "", ex.slide_p_decimals, ex.slide_p(i));
    std::printf("], not by the exact p. Per class:\n");
    const double scale = std::pow(10.0, ex.slide_p_decimals);
    for (std::size_t i = 0; i < V; ++i) {
        const double p_rounded = std::round(p(i) * scale) / scale;
        std::printf("  Klasse %zu: exact p = %.6f, rounded to %d decimals %.*f, slide %.*f%s\n",
                    i + 1, p(i), ex.slide_p_decimals, ex.slide_p_decimals, p_rounded,
                    ex.slide_p_decimals, ex.slide_p(i),
                    p_rounded == ex.slide_p(i) ? "" : "   <- the slide's value is not p rounded");
    }
    std::printf(
        "So max |p - p_slide| = %.3g, times max |x_j| = %g, bounds the gap between the exact\n"
        "gradient and the slide (plus the slide's rounding of the product to 4 decimals).\n",
        max_abs_diff(p, ex.slide_p), xt::amax(xt::abs(ex.x))());
    std::printf("\n");
}

void sgd_demo(const slides::Example& ex, int steps, double lr, bool check_finite) {
    std::printf("== SGD on %s: W_out <- W_out - lr * dL/dW_out, lr = %g, %d steps ==\n",
                ex.name.c_str(), lr, steps);
    std::printf(
        "each step: forward (Linear -> SoftmaxCrossEntropy), backward, update, on a tape\n\n");
    Tensor x(ex.x, false, "x");
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");
    SGD sgd({W}, lr);
    Tape tape;
    tape.set_check_finite(check_finite);
    const std::string p_label = "p(" + ex.classes[ex.target] + ")";
    std::printf("%4s | %8s | %14s\n", "step", "loss", p_label.c_str());
    std::printf("-----+----------+---------------\n");
    for (int step = 0;; ++step) {
        tape.rewind();
        Tensor z = linear(tape, x, W);
        Tensor loss = softmax_cross_entropy(tape, z, {ex.target});
        const Array p = softmax(z.value());  // [V]
        std::printf("%4d | %8.4f | %14.4f\n", step, loss.value()(), p(ex.target));
        if (step == steps) break;
        sgd.zero_grad();
        tape.backward(loss);
        sgd.step();
    }
    std::printf(
        "\nThe loss falls because -log p falls as p(%s) rises (the notebook's target: 0.85).\n",
        ex.classes[ex.target].c_str());
}

// A message as one line: control characters (a newline in a token, say) become '?'.
std::string one_line(std::string text) {
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return text;
}

// Writes the plots of a case and says where (or why not) on `out`.
void plots_for(const std::string& dir, const Case& c, const CaseResult& r, std::FILE* out) {
    const PlotOutcome plots = write_plots(dir, c, r);
    for (const std::string& path : plots.written) std::fprintf(out, "plot: %s\n", path.c_str());
    if (!plots.skipped.empty())
        std::fprintf(out, "plots skipped: %s\n", one_line(plots.skipped).c_str());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "decoder_training: the decoder notebook (prediction, Bsp. 1, Bsp. 2, SGD) on a tape;\n"
        "with --case, the same comparison on your own numbers from a JSON case file"};
    int steps = 5;
    double lr = 0.5;
    std::string case_path;
    bool json_output = false;
    std::string plots_dir = "plots";
    bool no_plots = false;
    app.add_option("--case", case_path,
                   "Run a case from a JSON file (W or logits, b, x, target, vocab, lr, steps) "
                   "instead of the walkthrough")
        ->type_name("FILE");
    CLI::Option* json_option =
        app.add_flag("--json", json_output,
                     "Print one JSON document with the results on stdout and nothing else "
                     "(without --case: Bsp. 1); writes plots only when --plots is given");
    app.add_option("--steps", steps, "SGD steps (overrides the case's \"steps\")")
        ->capture_default_str()
        ->check(CLI::Range(0, kMaxSteps));
    app.add_option("--lr", lr, "SGD learning rate (overrides the case's \"lr\")")
        ->capture_default_str();
    CLI::Option* plots_option =
        app.add_option("--plots", plots_dir,
                       "Folder for the plots (PNG, with their gnuplot scripts)")
            ->type_name("DIR")
            ->capture_default_str();
    app.add_flag("--no-plots", no_plots, "Do not draw the plots")->excludes(plots_option);
    bool check_finite = false;
    app.add_flag("--check-finite", check_finite,
                 "Stop at the first op whose output or gradient is NaN or infinite, naming it");
    // Watching backpropagation (instead of the walkthrough): the tape of Bsp. 1 or of --case.
    bool trace = false;
    std::string dot_file;
    app.add_flag("--trace", trace,
                 "print the tape of Bsp. 1 (or of --case): each node forward, then backward "
                 "node by node")
        ->excludes(json_option);
    app.add_option("--dot", dot_file,
                   "write the tape of Bsp. 1 (or of --case) as Graphviz DOT to FILE (*.dot: also "
                   "a .png, if dot is installed)")
        ->option_text("FILE")
        ->excludes(json_option);
    try {
        app.parse(argc, argv);
        if (app.count("--dot") && dot_file.empty())
            throw CLI::ValidationError("--dot", "needs a file name, got an empty one");
        if (!std::isfinite(lr) || lr < 0)
            throw CLI::ValidationError(
                "--lr", "must be a finite number >= 0, got " + app["--lr"]->as<std::string>());
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "decoder_training: " << one_line(e.what()) << "\n";
        return 2;
    }
    const bool draw_plots = !no_plots && (!json_output || plots_option->count() > 0);
    try {
        if (trace || app.count("--dot")) {
            const Case c = case_path.empty() ? bsp1_case(lr, steps) : load_case(case_path);
            examples::show_case_tape(std::cout, c, case_path.empty() ? "W_out" : "W", trace,
                                     dot_file);
            return 0;
        }
        if (json_output || !case_path.empty()) {
            // Everything is computed before anything is printed: an error leaves stdout empty.
            Case c = case_path.empty() ? bsp1_case(lr, steps) : load_case(case_path);
            if (app.count("--lr")) c.lr = lr;
            if (app.count("--steps")) c.steps = steps;
            CaseResult r;
            try {
                r = run_case(c, check_finite);
            } catch (const std::exception& e) {
                // Numbers that overflow together, or --check-finite stopping: like every other
                // problem with a case, the message names the file.
                if (case_path.empty()) throw;
                throw std::runtime_error(case_path + ": " + e.what());
            }
            if (json_output) {
                const std::string text = result_json_text(c, r);
                if (draw_plots) plots_for(plots_dir, c, r, stderr);
                std::fwrite(text.data(), 1, text.size(), stdout);
            } else {
                const std::string text = report_text(c, r, case_path);
                std::fwrite(text.data(), 1, text.size(), stdout);
                if (draw_plots) {
                    std::printf("\n");
                    plots_for(plots_dir, c, r, stdout);
                }
            }
            return 0;
        }
        const Case bsp1 = bsp1_case(lr, steps);
        const CaseResult bsp1_result =
            run_case(bsp1, check_finite);  // for the plots, before printing
        std::printf("tapegrad walkthrough: how a decoder predicts a token and learns W_out\n\n");
        teil1_prediction();
        teil2_example(slides::bsp1(), check_finite);
        teil2_example(slides::bsp2(), check_finite);
        sgd_demo(slides::bsp1(), steps, lr, check_finite);
        if (draw_plots) {
            std::printf("\nThe notebook's figures for Bsp. 1 (probabilities, SGD, -log p):\n");
            plots_for(plots_dir, bsp1, bsp1_result, stdout);
        }
    } catch (const std::exception& e) {
        std::cerr << "decoder_training: " << one_line(e.what()) << "\n";
        return 2;
    }
    return 0;
}

/// The walkthrough: the notebook "Decoder-Vorhersage + Softmax & Cross-Entropy" as a program,
/// in the notebook's order. `decoder_training` with no options prints what this file computes.
///
///   Teil 1   prediction: logits z -> softmax p -> argmax token id -> token string
///   Bsp. 1   the card's graph on a tape, three nodes:
///                x, W_out -> Linear -> z -> Softmax -> p -> CrossEntropy -> L
///            backward hands dL/dp to Softmax, which turns it into dL/dz = p - y, which Linear
///            turns into dL/dW_out = (p - y) x^T; beside the closed form and the slide's numbers
///   Bsp. 2   the same with four classes, and a slide value that is not p correctly rounded
///   SGD      a few real training steps on Bsp. 1: p(Frankreich) rises, the loss falls
///
/// It uses the engine (engine/), the layers (ops/) and the slide's numbers (examples/slides.hpp)
/// and nothing else. Numbering: the slides' Klasse 1..V are the indices 0..V-1 of the code.

#include "examples/decoder_training/walkthrough.hpp"

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xtensor/xmath.hpp>
#include <xtensor/xsort.hpp>

#include "engine/core/tape.hpp"
#include "engine/inspect/finite_check.hpp"
#include "engine/optim/sgd.hpp"
#include "examples/slides.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/linear.hpp"
#include "ops/soft_target_cross_entropy.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace tapegrad::walkthrough {

namespace {

// ---------------------------------------------------------------------------------------------
// Teil 1: how a decoder predicts a token.

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
    std::printf("prediction (argmax): index %zu -> token id %ld -> \"%s\" (p = %.4f)\n", k,
                vocab[k].id, vocab[k].token.c_str(), p(k));
    std::printf(
        "(numbering: indices count from 0, as in the code and in case files; the slides'\n"
        " Klasse 1..V below are the indices 0..V-1, so Klasse 1 is index 0)\n\n");
}

// ---------------------------------------------------------------------------------------------
// Teil 2, Bsp. 1 and Bsp. 2: how it learns W_out. Each example goes through a tape three ways.

/// What one backward pass through a tape gives.
struct TapeResult {
    Array grad_z;  // dL/dz        [V]
    Array grad_W;  // dL/dW_out    [V, d]
    double loss;
};

/// The card's graph: Linear -> Softmax -> CrossEntropy, forward, then backward.
TapeResult card_graph(const slides::Example& ex, bool check_finite) {
    Tape tape;
    FiniteCheck finite_check;  // --check-finite: stop at the first NaN or infinity
    if (check_finite) tape.add_hooks(finite_check);
    Tensor x(ex.x, false, "x");                                                    // [d]
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");  // [V, d]
    Tensor z = linear(tape, x, W);                      // z = W_out x            [V]
    Tensor p = softmax(tape, z);                        // p = softmax(z)         [V]
    Tensor loss = cross_entropy(tape, p, {ex.target});  // L = -log p_target      []
    z.retain_grad();      // z is an op's output: keep dL/dz after backward, to show it
    tape.backward(loss);  // dL/dp = -1/p_target at the target, dL/dz = p - y, dL/dW = (p - y) x^T
    return {z.grad(), W.grad(), loss.value()()};
}

/// The same with the loss fused from the logits, Linear -> SoftmaxCrossEntropy (the target as
/// a class index; what training uses): its backward hands dL/dz = p - y to Linear directly.
TapeResult fused_graph(const slides::Example& ex, bool check_finite) {
    Tape tape;
    FiniteCheck finite_check;  // --check-finite: stop at the first NaN or infinity
    if (check_finite) tape.add_hooks(finite_check);
    Tensor x(ex.x, false, "x");                                                    // [d]
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");  // [V, d]
    Tensor z = linear(tape, x, W);                                                 // [V]
    Tensor loss = softmax_cross_entropy(tape, z, {ex.target});                     // []
    z.retain_grad();
    tape.backward(loss);
    return {z.grad(), W.grad(), loss.value()()};
}

/// The same with the target as the slide writes it, the vector y = [1, 0, ...]:
/// Linear -> SoftTargetCrossEntropy (which takes any distribution y; dL/dz = p - y again).
TapeResult one_hot_graph(const slides::Example& ex, bool check_finite) {
    Tape tape;
    FiniteCheck finite_check;  // --check-finite: stop at the first NaN or infinity
    if (check_finite) tape.add_hooks(finite_check);
    Tensor x(ex.x, false, "x");                                                    // [d]
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");  // [V, d]
    Tensor z = linear(tape, x, W);                                                 // [V]
    const Array y = slides::one_hot(ex.target, ex.z.size());                       // [V]
    Tensor loss = soft_target_cross_entropy(tape, z, y);                           // []
    z.retain_grad();
    tape.backward(loss);
    return {z.grad(), W.grad(), loss.value()()};
}

void print_matrix_row(const Array& m, std::size_t row) {
    std::printf("[");
    for (std::size_t j = 0; j < m.shape()[1]; ++j) std::printf("%s%8.4f", j ? ", " : "", m(row, j));
    std::printf("]");
}

/// One example of Teil 2: p and p - y, the loss, the three tapes' dL/dz and dL/dW_out against
/// the closed form (p - y) x^T and the slide, and where the slide's rounding comes from.
/// trace_hint: name the command that shows this example's backward pass node by node.
void teil2_example(const slides::Example& ex, bool check_finite, bool trace_hint) {
    const std::size_t V = ex.z.size();
    std::printf("== Teil 2, %s: %zu classes, target Klasse %zu (%s) ==\n", ex.name.c_str(), V,
                ex.target + 1, ex.classes[ex.target].c_str());
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

    const TapeResult three = card_graph(ex, check_finite);
    const TapeResult fused = fused_graph(ex, check_finite);
    const TapeResult one_hot = one_hot_graph(ex, check_finite);
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
        "y)\n");
    if (trace_hint) {
        std::printf(
            "to watch the chain rule node by node (CrossEntropy passes -1/p, Softmax turns it\n"
            "into p - y, Linear into (p - y) x^T): decoder_training --trace\n");
    }
    std::printf("\n");

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

// ---------------------------------------------------------------------------------------------
// SGD on Bsp. 1: W_out <- W_out - lr * dL/dW_out, a few steps on one tape.

/// One row of the SGD table: the loss and p(target) of one forward pass.
void print_sgd_row(int step, const Tensor& loss, const Tensor& z, std::size_t target) {
    const Array p = softmax(z.value());  // [V]
    std::printf("%4d | %8.4f | %14.4f\n", step, loss.value()(), p(target));
}

void sgd_demo(const slides::Example& ex, int steps, double lr, bool check_finite) {
    std::printf("== SGD on %s: W_out <- W_out - lr * dL/dW_out, lr = %g, %d steps ==\n",
                ex.name.c_str(), lr, steps);
    std::printf(
        "each step: forward (Linear -> SoftmaxCrossEntropy), backward, update, on a tape\n\n");
    const std::string p_label = "p(" + ex.classes[ex.target] + ")";
    std::printf("%4s | %8s | %14s\n", "step", "loss", p_label.c_str());
    std::printf("-----+----------+---------------\n");

    Tensor x(ex.x, false, "x");                                                    // [d]
    Tensor W = Tensor::parameter(slides::w_out_from_logits(ex.z, ex.x), "W_out");  // [V, d]
    SGD sgd({W}, lr);
    Tape tape;
    FiniteCheck finite_check;  // --check-finite: stop at the first NaN or infinity
    if (check_finite) tape.add_hooks(finite_check);
    for (int step = 0; step <= steps; ++step) {
        tape.rewind();                                              // replay: reuse the buffers
        Tensor z = linear(tape, x, W);                              // z = W x            [V]
        Tensor loss = softmax_cross_entropy(tape, z, {ex.target});  // L = -log p_target  []
        print_sgd_row(step, loss, z, ex.target);                    // after `step` updates
        if (step == steps) break;                                   // (the last row: no update)
        sgd.zero_grad();
        tape.backward(loss);  // W.grad() = (p - y) x^T
        sgd.step();           // W <- W - lr (p - y) x^T
    }
    std::printf(
        "\nThe loss falls because -log p falls as p(%s) rises (the notebook's target: 0.85).\n",
        ex.classes[ex.target].c_str());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The whole walkthrough, in the notebook's order.

void run(int steps, double lr, bool check_finite) {
    std::printf("tapegrad walkthrough: how a decoder predicts a token and learns W_out\n\n");
    teil1_prediction();
    teil2_example(slides::bsp1(), check_finite, true);  // --trace shows this one's tape
    teil2_example(slides::bsp2(), check_finite, false);
    sgd_demo(slides::bsp1(), steps, lr, check_finite);
}

}  // namespace tapegrad::walkthrough

#include "examples/tiny_decoder/lib/explain.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "engine/core/array.hpp"
#include "ops/linear.hpp"
#include "ops/softmax_cross_entropy.hpp"

namespace tapegrad {

namespace {

// The last position's row of each layer's attention probabilities [1, H, T, T], per head.
std::vector<std::vector<std::vector<double>>> attention_of_last(const std::vector<Tensor>& layers) {
    std::vector<std::vector<std::vector<double>>> out;
    for (const Tensor& t : layers) {
        const Array& P = t.value();  // [1, H, T, T]
        const std::size_t H = P.shape()[1], T = P.shape()[2];
        std::vector<std::vector<double>> heads(H, std::vector<double>(T));
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t j = 0; j < T; ++j) heads[h][j] = P(0, h, T - 1, j);
        out.push_back(std::move(heads));
    }
    return out;
}

}  // namespace

ExplainResult explain(const TinyDecoder& model, const std::vector<int>& ids, int target,
                      double sgd_lr, std::size_t sgd_steps) {
    const TinyDecoderConfig& cfg = model.config();
    const std::size_t V = cfg.V, C = cfg.C, T = ids.size();
    if (target != predicted_target && (target < 0 || static_cast<std::size_t>(target) >= V))
        throw std::invalid_argument("explain: target id " + std::to_string(target) +
                                    " outside [0, " + std::to_string(V) + ")");
    ExplainResult r;
    r.ids = ids;

    // Teil 1: one forward pass through the whole model.
    Tape tape;
    const TinyDecoderForward f = model.forward(tape, ids, 1, T, true);
    const Array& H_all = f.h.value();       // [1, T, C]
    const Array& Z_all = f.logits.value();  // [1, T, V]
    r.h.resize(C);
    for (std::size_t c = 0; c < C; ++c) r.h[c] = H_all(0, T - 1, c);
    r.z.resize(V);
    r.exp_z.resize(V);
    r.p.resize(V);
    for (std::size_t v = 0; v < V; ++v) {
        r.z[v] = Z_all(0, T - 1, v);
        r.exp_z[v] = std::exp(r.z[v]);
        r.sum_exp_z += r.exp_z[v];
    }
    for (std::size_t v = 0; v < V; ++v) r.p[v] = r.exp_z[v] / r.sum_exp_z;
    r.argmax = static_cast<int>(std::max_element(r.p.begin(), r.p.end()) - r.p.begin());
    r.attention = attention_of_last(f.attention);

    // Teil 2: the loss on the last position only, backward through the whole tape.
    if (target == predicted_target) target = r.argmax;
    r.target = target;
    std::vector<std::int64_t> targets(T, default_ignore_index);
    targets[T - 1] = target;
    const Tensor loss = softmax_cross_entropy(tape, f.logits, targets);  // scalar
    r.loss = loss.item();
    // The gradients read below must be this pass's alone: leaves accumulate until zero_grad().
    for (NamedTensor p : model.parameters()) p.tensor.zero_grad();
    Tensor logits = f.logits;  // [1, T, V], an op's output: keep dL/dz after backward
    logits.retain_grad();
    tape.backward(loss);
    const Array& gW = model.W_out().grad();  // [V, C]
    const Array& gb = model.b_out().grad();  // [V]
    const Array& gZ = f.logits.grad();       // [1, T, V]
    r.grad_z.resize(V);
    r.grad_W_out.assign(V, std::vector<double>(C));
    for (std::size_t v = 0; v < V; ++v) {
        const double p = r.p[v];
        const double y = static_cast<int>(v) == target ? 1.0 : 0.0;
        r.grad_z[v] = p - y;
        r.max_diff_grad_z = std::max(r.max_diff_grad_z, std::abs(gZ(0, T - 1, v) - (p - y)));
        r.max_diff_b_out = std::max(r.max_diff_b_out, std::abs(gb(v) - (p - y)));
        for (std::size_t c = 0; c < C; ++c) {
            r.grad_W_out[v][c] = gW(v, c);
            r.max_diff_W_out = std::max(r.max_diff_W_out, std::abs(gW(v, c) - (p - y) * r.h[c]));
        }
    }

    // SGD on W_out alone, h and b_out fixed: the notebook's update, each step on a tape.
    r.sgd_lr = sgd_lr;
    Tensor W = Tensor::parameter(model.W_out().value(), "W_out (copy)");  // [V, C]
    const Tensor b(model.b_out().value());                                // [V]
    Array h_row = Array::from_shape({1, C});                              // [1, C]
    for (std::size_t c = 0; c < C; ++c) h_row(0, c) = r.h[c];
    const Tensor x(h_row);
    for (std::size_t s = 0; s <= sgd_steps; ++s) {
        Tape t;
        const Tensor z = linear(t, x, W, b);                     // [1, V]
        const Tensor L = softmax_cross_entropy(t, z, {target});  // scalar
        const double zt = z.value()(0, static_cast<std::size_t>(target));
        Array zrow = z.value();  // [1, V]
        const double m = *std::max_element(zrow.begin(), zrow.end());
        double sum = 0;
        for (double v : zrow) sum += std::exp(v - m);
        r.sgd.push_back({s, L.item(), std::exp(zt - m) / sum});
        if (s == sgd_steps) break;
        t.backward(L);
        Array& Wv = W.value();
        const Array& g = W.grad();  // [V, C] = (p - y) h^T
        for (std::size_t i = 0; i < Wv.size(); ++i) Wv.flat(i) -= sgd_lr * g.flat(i);
        W.zero_grad();
    }
    return r;
}

}  // namespace tapegrad

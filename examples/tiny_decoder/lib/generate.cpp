#include "examples/tiny_decoder/lib/generate.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "engine/core/no_grad.hpp"
#include "engine/core/random.hpp"
#include "examples/tiny_decoder/lib/prompt.hpp"

namespace tapegrad {

std::vector<int> generate(const TinyDecoder& model, std::vector<int> ids, int eos_id,
                          const GenerateOptions& options) {
    const std::size_t T_max = model.config().T_max, V = model.config().V;
    if (!std::isfinite(options.temperature) || options.temperature < 0)
        throw std::invalid_argument(
            "generate: the temperature must be finite and >= 0 (0: greedy)");
    if (ids.empty()) throw std::invalid_argument("generate: the prompt has no pieces");
    Random rng(options.seed);
    for (std::size_t n = 0; n < options.tokens; ++n) {
        const std::vector<int> context = last_pieces(ids, T_max);
        Tape tape;
        NoGrad guard(tape);
        const TinyDecoderForward f = model.forward(tape, context, 1, context.size());
        const Array& Z = f.logits.value();  // [1, T, V]
        std::vector<double> z(V);           // the last position's logits
        for (std::size_t v = 0; v < V; ++v) z[v] = Z(0, context.size() - 1, v);
        int next = static_cast<int>(std::max_element(z.begin(), z.end()) - z.begin());
        if (options.temperature > 0) {
            std::vector<std::size_t> order(V);
            std::iota(order.begin(), order.end(), std::size_t{0});
            std::stable_sort(order.begin(), order.end(),
                             [&](std::size_t i, std::size_t j) { return z[i] > z[j]; });
            const std::size_t k = options.top_k == 0 ? V : std::min(options.top_k, V);
            std::vector<double> w(k);
            double sum = 0;
            for (std::size_t i = 0; i < k; ++i)
                sum += w[i] = std::exp((z[order[i]] - z[order[0]]) / options.temperature);
            double u = rng.uniform() * sum;
            std::size_t pick = k - 1;
            for (std::size_t i = 0; i < k; ++i) {
                if (u < w[i]) {
                    pick = i;
                    break;
                }
                u -= w[i];
            }
            next = static_cast<int>(order[pick]);
        }
        if (next == eos_id) break;
        ids.push_back(next);
    }
    return ids;
}

}  // namespace tapegrad

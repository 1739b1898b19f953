#include "examples/slides.hpp"

#include <stdexcept>

#include <xtensor/xbuilder.hpp>

namespace tapegrad::slides {

std::vector<VocabEntry> teil1_vocab() {
    return {{12856, "Frankreich"}, {5312, "Deutschland"}, {9021, "Spanien"}};
}

Array teil1_logits() {
    return Array{3.2, 1.7, 1.2};
}

Example bsp1() {
    Example e;
    e.name = "Bsp. 1";
    e.classes = {"Frankreich", "Deutschland", "Spanien"};
    e.z = Array{2.0, 1.0, 0.1};
    e.target = 0;
    e.x = Array{1.5, 0.5};
    e.slide_p = Array{0.6590, 0.2424, 0.0986};
    e.slide_p_decimals = 4;
    e.slide_loss = 0.417;
    e.slide_grad_W = Array{{-0.5115, -0.1705}, {0.3636, 0.1212}, {0.1479, 0.0493}};
    return e;
}

Example bsp2() {
    Example e;
    e.name = "Bsp. 2";
    e.classes = {"Frankreich", "Deutschland", "Spanien", "Italien"};
    e.z = Array{3.52, 2.37, 1.185, 0.07};
    e.target = 0;
    e.x = Array{1.2, 0.8, 0.5};
    e.slide_p = Array{0.692, 0.219, 0.066, 0.022};
    e.slide_p_decimals = 3;
    e.slide_loss = 0.368;
    e.slide_grad_W = Array{{-0.3696, -0.2464, -0.1540},
                           {0.2628, 0.1752, 0.1095},
                           {0.0792, 0.0528, 0.0330},
                           {0.0264, 0.0176, 0.0110}};
    return e;
}

Array w_out_from_logits(const Array& z, const Array& x) {
    if (z.dimension() != 1 || x.dimension() != 1 || z.size() == 0 || x.size() == 0) {
        throw std::invalid_argument("w_out_from_logits: needs z [V] and x [d], got z " +
                                    shape_string(z) + ", x " + shape_string(x));
    }
    double xx = 0.0;  // x^T x
    for (double v : x) xx += v * v;
    if (xx == 0.0) {
        throw std::invalid_argument("w_out_from_logits: x is zero, so no W_out gives W_out x = z");
    }
    const std::size_t V = z.size();
    const std::size_t d = x.size();
    Array W = xt::zeros<double>({V, d});  // [V, d]
    for (std::size_t i = 0; i < V; ++i)
        for (std::size_t j = 0; j < d; ++j) W(i, j) = z(i) * x(j) / xx;
    return W;
}

Array one_hot(std::size_t target, std::size_t V) {
    Array y = xt::zeros<double>({V});  // [V]
    if (target >= V) {
        throw std::invalid_argument("one_hot: target " + std::to_string(target) +
                                    " out of range [0, " + std::to_string(V) + ")");
    }
    y(target) = 1.0;
    return y;
}

}  // namespace tapegrad::slides

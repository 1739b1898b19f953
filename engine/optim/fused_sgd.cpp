#include "engine/optim/fused_sgd.hpp"

#include <vector>

#include <xtensor/xnoalias.hpp>

namespace tapegrad {

namespace {

// Where p may be updated inside the pass: the node and slot that read it, by the rule in the
// header. Returns false when it may not (or when no node reads it: then nothing reaches it).
bool update_slot(const Tape& tape, std::size_t loss_index, const Tensor& p, std::size_t& node,
                 std::size_t& slot) {
    if (p.has_grad()) return false;
    std::size_t uses = 0;
    for (std::size_t i = 0; i <= loss_index; ++i) {
        const Node& n = tape.node(i);
        if (n.output().same_as(p)) return false;  // not a leaf
        for (std::size_t k = 0; k < n.inputs().size(); ++k) {
            if (!n.inputs()[k].same_as(p)) continue;
            ++uses;
            node = i;
            slot = k;
        }
    }
    return uses == 1 && tape.node(node).in_place_update_safe(slot);
}

bool listed_twice(const std::vector<Tensor>& parameters, std::size_t i) {
    for (std::size_t j = 0; j < parameters.size(); ++j)
        if (j != i && parameters[j].same_as(parameters[i])) return true;
    return false;
}

}  // namespace

std::size_t fused_sgd_step(Tape& tape, const Tensor& loss, SGD& sgd) {
    const std::size_t last = tape.loss_index(loss);
    const std::vector<Tensor>& parameters = sgd.parameters();
    std::vector<Tape::ValueUpdate> updates;
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        std::size_t node = 0, slot = 0;
        if (listed_twice(parameters, i) || !update_slot(tape, last, parameters[i], node, slot))
            continue;
        updates.push_back({node, slot, -sgd.lr()});
    }
    tape.backward_updating(loss, updates);
    sgd.step();  // the parameters updated inside the pass hold no gradient: step skips them
    sgd.zero_grad();
    return updates.size();
}

}  // namespace tapegrad

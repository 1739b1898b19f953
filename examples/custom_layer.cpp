/// custom_layer: a hidden layer before the output layer, built from tapegrad's layers and
/// checked with gradcheck before it trains. The guide's second worked example (README,
/// "Adding a layer").
///
/// The task: two context tokens -> the next token, on six tiny facts in two directions,
///     Paris in -> Frankreich           Frankreich Hauptstadt -> Paris
///     Berlin in -> Deutschland         Deutschland Hauptstadt -> Berlin
///     Madrid in -> Spanien             Spanien Hauptstadt -> Madrid
/// so the answer depends on both tokens: on the first for which city or country, on the
/// second for which direction.
///
/// The model (Bengio et al. 2003, a neural language model in miniature):
///     e1 = C[t1], e2 = C[t2]               Embedding: one table C [V, d] for both positions
///     a  = e1 H1^T + c  +  e2 H2^T         Linear per position, then Add     [B, h]
///     s  = tanh(a)                         Tanh: the hidden layer            [B, h]
///     z  = s U^T + b                       Linear: the output layer, logits  [B, V]
///     L  = SoftmaxCrossEntropy(z, next)    mean over the B contexts
/// Concatenating e1 and e2 and multiplying by [H1 H2] is the same as the sum of the two
/// products, which needs no concatenation op.

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <xtensor/xrandom.hpp>
#include <xtensor/xsort.hpp>
#include <xtensor/xview.hpp>

#include "engine/core/tape.hpp"
#include "engine/inspect/gradcheck.hpp"
#include "engine/inspect/testing.hpp"
#include "engine/optim/sgd.hpp"
#include "ops/add.hpp"
#include "ops/embedding.hpp"
#include "ops/linear.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "ops/tanh.hpp"

using namespace tapegrad;

namespace {

const std::vector<std::string> vocab = {"Paris",       "Berlin",  "Madrid", "Frankreich",
                                        "Deutschland", "Spanien", "in",     "Hauptstadt"};

/// B contexts of two token ids each and the id of the token that follows.
struct Batch {
    std::vector<std::size_t> first, second, next;
};

Batch facts() {
    enum { Paris, Berlin, Madrid, Frankreich, Deutschland, Spanien, in, Hauptstadt };
    return Batch{{Paris, Berlin, Madrid, Frankreich, Deutschland, Spanien},
                 {in, in, in, Hauptstadt, Hauptstadt, Hauptstadt},
                 {Frankreich, Deutschland, Spanien, Paris, Berlin, Madrid}};
}

/// A trainable layer stack: owns its parameters and lists them for the optimizer.
/// The forward pass is a free function of the parameter tensors, so that gradcheck can run it
/// on its own copies.
class ContextModel {
public:
    ContextModel(std::size_t V, std::size_t d, std::size_t h, unsigned seed) {
        xt::random::seed(seed);
        // Small random values: tanh works in its linear range at first, and no two weights
        // are equal (equal weights would get equal updates and stay equal).
        C_ = Tensor::parameter(xt::random::rand<double>({V, d}, -0.5, 0.5), "C");    // [V, d]
        H1_ = Tensor::parameter(xt::random::rand<double>({h, d}, -0.5, 0.5), "H1");  // [h, d]
        H2_ = Tensor::parameter(xt::random::rand<double>({h, d}, -0.5, 0.5), "H2");  // [h, d]
        c_ = Tensor::parameter(xt::random::rand<double>({h}, -0.1, 0.1), "c");       // [h]
        U_ = Tensor::parameter(xt::random::rand<double>({V, h}, -0.5, 0.5), "U");    // [V, h]
        b_ = Tensor::parameter(xt::random::rand<double>({V}, -0.1, 0.1), "b");       // [V]
    }
    std::vector<Tensor> parameters() const { return {C_, H1_, H2_, c_, U_, b_}; }

private:
    Tensor C_, H1_, H2_, c_, U_, b_;
};

/// The logits z [B, V] from parameters {C, H1, H2, c, U, b}, in the order of parameters().
Tensor logits(Tape& tape, const std::vector<Tensor>& p, const Batch& batch) {
    const Tensor &C = p[0], &H1 = p[1], &H2 = p[2], &c = p[3], &U = p[4], &b = p[5];
    Tensor e1 = embedding(tape, C, batch.first);                          // [B, d]
    Tensor e2 = embedding(tape, C, batch.second);                         // [B, d]
    Tensor a = add(tape, linear(tape, e1, H1, c), linear(tape, e2, H2));  // [B, h]
    Tensor s = tanh(tape, a);                                             // [B, h]
    return linear(tape, s, U, b);                                         // [B, V]
}

Tensor loss(Tape& tape, const std::vector<Tensor>& p, const Batch& batch) {
    return softmax_cross_entropy(tape, logits(tape, p, batch), batch.next);
}

}  // namespace

int main() {
    const Batch batch = facts();
    const std::size_t V = vocab.size(), d = 4, h = 8;
    ContextModel model(V, d, h, 7);

    // 1. Is the backward of the whole stack right? Every element of every parameter.
    const GradcheckReport check =
        gradcheck([&](Tape& tape, const std::vector<Tensor>& p) { return loss(tape, p, batch); },
                  values_of(model.parameters()));
    std::printf(
        "gradcheck of Embedding -> Linear + Linear -> Add -> Tanh -> Linear -> "
        "SoftmaxCrossEntropy:\n  %s\n\n",
        check.summary().c_str());
    if (!check.passed()) return 1;

    // 2. Train: forward, backward, update, on one tape reused every step.
    const int steps = 30;
    const double lr = 1.0;
    SGD sgd(model.parameters(), lr);
    Tape tape;
    std::printf("SGD, lr = %g, %zu contexts (mean loss; log %zu = %.4f is a uniform guess)\n", lr,
                batch.next.size(), V, std::log(static_cast<double>(V)));
    std::printf("%4s | %8s\n", "step", "loss");
    std::printf("-----+---------\n");
    double first_loss = 0.0, last_loss = 0.0;
    for (int step = 0;; ++step) {
        tape.rewind();
        Tensor L = loss(tape, model.parameters(), batch);
        last_loss = L.value()();
        if (step == 0) first_loss = last_loss;
        if (step % 5 == 0 || step == steps) std::printf("%4d | %8.4f\n", step, last_loss);
        if (step == steps) break;
        sgd.zero_grad();
        tape.backward(L);
        sgd.step();
    }

    // 3. What the model predicts now.
    Tape eval;
    const Array z = logits(eval, model.parameters(), batch).value();  // [B, V]
    const Array p = softmax(z);                                       // [B, V]
    std::printf("\n%-24s | %-11s | %s\n", "context", "prediction", "p(correct next token)");
    std::printf("-------------------------+-------------+----------------------\n");
    for (std::size_t r = 0; r < batch.next.size(); ++r) {
        const std::string context = vocab[batch.first[r]] + " " + vocab[batch.second[r]];
        const Array row = xt::view(p, r, xt::all());  // [V]
        const std::size_t k = xt::argmax(row)();
        std::printf("%-24s | %-11s | %.4f (%s)\n", context.c_str(), vocab[k].c_str(),
                    p(r, batch.next[r]), vocab[batch.next[r]].c_str());
    }
    return last_loss < first_loss ? 0 : 1;
}

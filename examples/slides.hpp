#pragma once
/// The numbers of the notebook "Decoder-Vorhersage + Softmax & Cross-Entropy" and its slides,
/// in one place for the walkthrough (decoder_training) and the tests that check it.

#include <cstddef>
#include <string>
#include <vector>

#include "engine/core/array.hpp"

namespace tapegrad::slides {

/// One vocabulary entry: the tokenizer's id and its string.
struct VocabEntry {
    long id;
    std::string token;
};

/// Teil 1: the mini vocabulary {12856: Frankreich, 5312: Deutschland, 9021: Spanien}
/// in the order of the logits, and the example logits z = [3.2, 1.7, 1.2].
std::vector<VocabEntry> teil1_vocab();
Array teil1_logits();  // [3]

/// Bsp. 1 and Bsp. 2 of Teil 2, with what the slide prints for them.
struct Example {
    std::string name;                  // "Bsp. 1"
    std::vector<std::string> classes;  // "Frankreich", ...
    Array z;                           // logits [V]
    std::size_t target;                // the correct class (0 = Frankreich)
    Array x;                           // input vector from attention [d]
    Array slide_p;                     // softmax as printed on the slide (rounded) [V]
    int slide_p_decimals;              // ... to this many decimals
    double slide_loss;                 // L as printed on the slide (3 decimals)
    Array slide_grad_W;                // dL/dW as printed on the slide [V, d]
};
Example bsp1();
Example bsp2();

/// An output matrix W_out [V, d] with W_out x = z for the given z [V] and x [d]:
///     W_out = z x^T / (x^T x)
/// (then W_out x = z (x^T x) / (x^T x) = z). The slides give only z and x; this is the
/// simplest W_out that reproduces them, so the tape can start from a real Linear layer.
/// Throws std::invalid_argument when x is zero or the shapes are not [V] and [d].
Array w_out_from_logits(const Array& z, const Array& x);

/// The one-hot vector y of `target` among `V` classes.
Array one_hot(std::size_t target, std::size_t V);

}  // namespace tapegrad::slides

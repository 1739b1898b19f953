#pragma once
/// The walkthrough of the notebook "Decoder-Vorhersage + Softmax & Cross-Entropy": what
/// `decoder_training` prints when run without options (see walkthrough.cpp, which reads top to
/// bottom; main.cpp is the command line around it).

namespace tapegrad::walkthrough {

/// Prints Teil 1 (prediction), Teil 2's Bsp. 1 and Bsp. 2 (dL/dz = p - y and
/// dL/dW_out = (p - y) x^T on a tape, beside the closed form and the slide) and `steps` SGD
/// steps on Bsp. 1 with learning rate `lr`, on stdout. check_finite turns on every tape's
/// anomaly detection (engine/core/tape.hpp: NonFiniteError at the first NaN or infinity).
void run(int steps, double lr, bool check_finite);

}  // namespace tapegrad::walkthrough

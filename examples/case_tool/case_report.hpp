#pragma once
/// The two ways decoder_training reports a case: a JSON document for programs and tables for
/// people.
///
/// JSON (result_json): probs [B][V], loss, prediction [{index, id, token}], grads
/// {W: {autodiff, closed_form, finite_difference}, b (only with a bias), x, logits: {autodiff,
/// closed_form}}, max_abs_diff {autodiff_vs_closed_form, autodiff_vs_finite_difference}, sgd
/// [{step, loss, p_target}]. Numbers are written in the shortest form that reads back to the
/// same double (nlohmann::json's dump), so every digit round-trips.

#include <string>

#include <nlohmann/json.hpp>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_result.hpp"

namespace tapegrad {

/// The result document, fields in the order above.
nlohmann::ordered_json result_json(const Case& c, const CaseResult& r);

/// result_json as text: two-space indentation, each row of numbers on one line, a final
/// newline. (nlohmann's dump writes the numbers; only the layout is ours.)
std::string result_json_text(const Case& c, const CaseResult& r);

/// The human-readable report: per row z | p | y | p - y, the loss, each gradient three ways
/// with the largest differences, and the SGD table. `title` heads it (the file name, say).
std::string report_text(const Case& c, const CaseResult& r, const std::string& title);

}  // namespace tapegrad

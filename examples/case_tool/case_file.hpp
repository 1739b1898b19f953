#pragma once
/// Case files: a user's own decoder example as JSON, read and checked before any arithmetic.
///
///   {
///     "W":      [[...], ...],        V rows of d numbers            (or "logits" instead)
///     "b":      [...],               optional bias, V numbers
///     "logits": [...],               V numbers; only with a single x: W = z x^T / (x^T x)
///     "x":      [...] or [[...]],    one input of d numbers, or B rows of d
///     "target": k or [k1, ..., kB],  class index (a row of W) per input row, 0-based
///     "vocab":  [{"id": 12856, "token": "Frankreich"}, ...],   optional, V entries
///     "lr": 0.5, "steps": 5,         optional (defaults: the walkthrough's)
///     "name": "...", "comment": "..."   optional text; the name heads the report
///   }
///
/// parse_case() is the whole validator and touches no file, so it can be fuzzed on its own.
/// Every problem throws CaseError with one line naming the field (`x[1][0]`, `target[2]`,
/// `vocab[0].id`) and what is wrong; nothing is ever half-accepted. Refused on purpose:
/// unknown or duplicated fields (a typo would otherwise be ignored silently), numbers that
/// overflow a double, nesting deeper than kMaxDepth, cases whose finite differences would run
/// for minutes (kMaxFiniteDifferenceWork).

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/array.hpp"
#include "examples/slides.hpp"

namespace tapegrad {

/// A malformed case: the message is one line, "<field>: <what is wrong>".
class CaseError : public std::invalid_argument {
public:
    using std::invalid_argument::invalid_argument;
};

/// A checked case, ready to compute: every array non-empty, finite and of matching shape.
struct Case {
    std::string name;  // "" when the file gives none
    Array W;           // [V, d]
    bool has_bias = false;
    Array b;                                // [V] when has_bias, else empty
    bool W_from_logits = false;             // W was built as z x^T / (x^T x)
    Array logits;                           // [V] the given z when W_from_logits
    Array x;                                // [B, d] (a single input is one row)
    bool single_input = false;              // x was given as one vector [d]
    std::vector<std::size_t> targets;       // B class indices in [0, V)
    std::vector<slides::VocabEntry> vocab;  // empty or V entries in W's row order
    double lr = 0.5;                        // the walkthrough's defaults
    int steps = 5;

    std::size_t V() const { return W.shape()[0]; }
    std::size_t d() const { return W.shape()[1]; }
    std::size_t B() const { return x.shape()[0]; }
};

/// Deeper JSON nesting is refused while parsing (a valid case needs 3 levels); the parser
/// keeps its own stack, so this is about refusing nonsense early, not about recursion.
constexpr int kMaxDepth = 32;
/// At most this many SGD steps (a typo like 5e9 would otherwise run for hours).
constexpr int kMaxSteps = 1000000;
/// Central differences over every W[i][j] take 2 V d losses of B V d multiply-adds each;
/// above this many (about a second here) the case is refused as too large for the check.
constexpr double kMaxFiniteDifferenceWork = 2e9;
/// A case file larger than this is refused before reading it.
constexpr std::size_t kMaxCaseFileBytes = 64u << 20;

/// Parses and validates the JSON text of a case. Throws CaseError.
Case parse_case(const std::string& json_text);

/// The bytes of a case file. Throws CaseError ("<path>: cannot open: ...") when the file is
/// missing, unreadable, a directory or larger than kMaxCaseFileBytes.
std::string read_case_file(const std::string& path);

/// read_case_file + parse_case; the message of a CaseError from parsing is prefixed with
/// the path.
Case load_case(const std::string& path);

/// Bsp. 1 of the slides as a case (logits, x, target Frankreich; the vocabulary ids of
/// Teil 1, whose tokens are the same three in the same order), with the given lr and steps.
Case bsp1_case(double lr, int steps);

}  // namespace tapegrad

#pragma once
/// The PyTorch harness, C++ side: a registry of case writers and the JSON form of arrays.
///
/// torch_cases (torch_cases.cpp) runs every registered writer and prints one JSON document,
///     {"format": "tapegrad-torch-cases", "version": 1, "cases": [case, ...]}
/// with each case
///     {"name": "linear/rank2_bias", "kind": "linear", "inputs": {...}, "results": {...}}
/// where `inputs` is what tapegrad was given and `results` what it computed. check_torch.py
/// recomputes every case in torch float64 with the checker registered for its `kind` (in a
/// kinds_*.py file) and compares (see README.md in this folder).
///
/// Adding cases for a new op is one new file, cases_<op>.cpp, listed in CMakeLists.txt:
///
///     namespace {
///     void tanh_cases(Cases& cases) {
///         Random rng(1);
///         const Array x = normal({3, 4}, 1.0, rng);  // [3, 4]
///         ... compute with a Tape ...
///         cases.add("tanh/rank2", "tanh", {{"x", array_json(x)}}, {{"y", array_json(y)}});
///     }
///     const bool registered_tanh = register_cases("tanh", tanh_cases);
///     }  // namespace
///
/// and one kinds_<op>.py beside check_torch.py with KINDS = {"tanh": check_tanh}.

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/array.hpp"

namespace tapegrad::torch_cases {

using json = nlohmann::json;

/// The cases being written, in order.
class Cases {
public:
    /// Throws std::invalid_argument when a case of this name was added before.
    void add(const std::string& name, const std::string& kind, json inputs, json results);
    const json& list() const { return list_; }

private:
    json list_ = json::array();
};

using CaseWriter = void (*)(Cases&);

/// Registers `writer` under `group` (its file's name, e.g. "linear"); returns true, so that a
/// namespace-scope `const bool registered_<op> = register_cases(...)` runs it at start-up (a
/// name per file: the case files compile in unity batches). torch_cases runs the writers in the
/// order of their group names. A group registered twice is reported by torch_cases as an error.
bool register_cases(const char* group, CaseWriter writer);

/// The registered writers by group, and the groups registered more than once.
const std::map<std::string, CaseWriter>& registered_writers();
const std::vector<std::string>& duplicate_groups();

/// A number as JSON: finite numbers as JSON numbers (shortest form that reads back the same),
/// NaN and infinities as the strings "nan", "inf", "-inf" (JSON has no literal for them).
json number_json(double x);
/// {"shape": [d0, d1, ...], "data": [row-major values as number_json]}; a scalar has shape [].
json array_json(const Array& a);

}  // namespace tapegrad::torch_cases

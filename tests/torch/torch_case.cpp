#include "tests/torch/torch_case.hpp"

#include <cmath>
#include <stdexcept>

namespace tapegrad::torch_cases {

namespace {

// Function-local statics: the registry exists before the first registration whatever order
// the files' static initialisers run in.
std::map<std::string, CaseWriter>& writers() {
    static std::map<std::string, CaseWriter> w;
    return w;
}

std::vector<std::string>& duplicates() {
    static std::vector<std::string> d;
    return d;
}

}  // namespace

void Cases::add(const std::string& name, const std::string& kind, json inputs, json results) {
    for (const json& c : list_)
        if (c["name"] == name)
            throw std::invalid_argument("torch_cases: case name '" + name + "' used twice");
    list_.push_back({{"name", name},
                     {"kind", kind},
                     {"inputs", std::move(inputs)},
                     {"results", std::move(results)}});
}

bool register_cases(const char* group, CaseWriter writer) {
    if (!writers().emplace(group, writer).second) duplicates().push_back(group);
    return true;
}

const std::map<std::string, CaseWriter>& registered_writers() {
    return writers();
}

const std::vector<std::string>& duplicate_groups() {
    return duplicates();
}

json number_json(double x) {
    if (std::isnan(x)) return "nan";
    if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
    return x;
}

json array_json(const Array& a) {
    json shape = json::array();
    for (std::size_t d : a.shape()) shape.push_back(d);
    json data = json::array();
    for (double x : a) data.push_back(number_json(x));
    return {{"shape", std::move(shape)}, {"data", std::move(data)}};
}

}  // namespace tapegrad::torch_cases

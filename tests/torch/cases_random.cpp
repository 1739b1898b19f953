/// Random: the first raw, uniform and normal draws for a few seeds. kinds_random.py recomputes
/// them with its own pure-Python MT19937-64 and the same transforms, and requires every value
/// bit for bit (the generator's promise: the same numbers on every platform).

#include <cstdint>

#include "engine/core/random.hpp"
#include "tests/torch/torch_case.hpp"

namespace tapegrad::torch_cases {

namespace {

void random_case(Cases& cases, std::uint64_t seed, int count) {
    json raw = json::array();
    json uniform = json::array();
    json normal = json::array();
    Random r(seed);
    for (int i = 0; i < 8; ++i) raw.push_back(r.next_u64());
    Random u(seed);
    for (int i = 0; i < count; ++i) uniform.push_back(u.uniform());
    Random n(seed);
    for (int i = 0; i < count; ++i) normal.push_back(n.normal());
    cases.add("random/seed_" + std::to_string(seed), "random", {{"seed", seed}, {"count", count}},
              {{"raw", raw}, {"uniform", uniform}, {"normal", normal}});
}

void random_cases(Cases& cases) {
    random_case(cases, 0, 1000);
    random_case(cases, 42, 1000);
    random_case(cases, 18446744073709551615ULL, 1000);  // 2^64 - 1
}

const bool registered_random = register_cases("random", random_cases);

}  // namespace

}  // namespace tapegrad::torch_cases

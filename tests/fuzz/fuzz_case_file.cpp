/// libFuzzer target: the case-file parser and validator, tapegrad::parse_case.
///
/// Any input must either give a Case or be refused with CaseError; anything else (another
/// exception, a crash, a leak, a sanitizer report, a timeout) is a bug. Accepted cases are
/// checked for the promises Case makes (finite values, matching shapes, targets in range).
/// Build and run: .ci/fuzz (clang, -fsanitize=fuzzer,address,undefined).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "examples/case_tool/case_file.hpp"

namespace {

void require(bool ok) {
    if (!ok) std::abort();  // libFuzzer reports the input as a crash
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    tapegrad::Case c;
    try {
        c = tapegrad::parse_case(text);
    } catch (const tapegrad::CaseError&) {
        return 0;  // refused with a message: the expected outcome for most inputs
    }
    require(c.W.dimension() == 2 && c.V() > 0 && c.d() > 0);
    require(c.x.dimension() == 2 && c.B() > 0 && c.x.shape()[1] == c.d());
    require(c.targets.size() == c.B());
    for (std::size_t t : c.targets) require(t < c.V());
    require(!c.has_bias || (c.b.dimension() == 1 && c.b.size() == c.V()));
    require(c.vocab.empty() || c.vocab.size() == c.V());
    require(tapegrad::first_non_finite(c.W) == c.W.size());
    require(tapegrad::first_non_finite(c.x) == c.x.size());
    require(c.steps >= 0);
    return 0;
}

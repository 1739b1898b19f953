#include "engine/inspect/op_formula.hpp"

#include <string>

#include "engine/core/node.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_op_formula)

using namespace tapegrad;

namespace {
struct WithFormulas {
    static constexpr const char* name = "WithFormulas";
    static constexpr const char* forward_formula = "y = f(x)";
    static constexpr const char* backward_formula = "dL/dx = f'(x) dL/dy";
};
struct WithoutFormulas {
    static constexpr const char* name = "WithoutFormulas";
};
struct OnlyBackward {
    static constexpr const char* name = "OnlyBackward";
    static constexpr const char* backward_formula = "dL/dx = 0";
};
}  // namespace

BOOST_AUTO_TEST_CASE(an_op_that_states_formulas_gives_them) {
    BOOST_TEST(std::string(forward_formula_of<WithFormulas>()) == "y = f(x)");
    BOOST_TEST(std::string(backward_formula_of<WithFormulas>()) == "dL/dx = f'(x) dL/dy");
}

BOOST_AUTO_TEST_CASE(an_op_without_formulas_gives_null) {
    BOOST_TEST(forward_formula_of<WithoutFormulas>() == nullptr);
    BOOST_TEST(backward_formula_of<WithoutFormulas>() == nullptr);
    BOOST_TEST(forward_formula_of<OnlyBackward>() == nullptr);
    BOOST_TEST(std::string(backward_formula_of<OnlyBackward>()) == "dL/dx = 0");
}

BOOST_AUTO_TEST_SUITE_END()

// Inputs<N>: an op's input values, read-only, in the order they were applied.
#include "engine/core/inputs.hpp"

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_inputs)

using namespace tapegrad;

BOOST_AUTO_TEST_CASE(inputs_refer_to_the_values_in_application_order) {
    const Array a{1.0, 2.0};  // [2]
    const Array b{3.0};       // [1]
    const Inputs<2> in({&a, &b});
    static_assert(Inputs<2>::size() == 2);
    BOOST_TEST(&in[0] == &a);  // no copies: the tensors' own values
    BOOST_TEST(&in[1] == &b);
}

BOOST_AUTO_TEST_SUITE_END()

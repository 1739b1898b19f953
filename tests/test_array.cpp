#include "engine/core/array.hpp"

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_array)

using namespace tapegrad;

BOOST_AUTO_TEST_CASE(shape_string_lists_the_extents) {
    BOOST_TEST(shape_string(Array{{1.0, 2.0}, {3.0, 4.0}, {5.0, 6.0}}) == "[3, 2]");
    BOOST_TEST(shape_string(Array{1.0, 2.0}) == "[2]");
    const Array scalar = 1.5;  // 0-d
    BOOST_TEST(shape_string(scalar) == "[]");
}

BOOST_AUTO_TEST_CASE(shapes_equal_compares_extents_not_container_types) {
    const std::vector<std::size_t> v{3, 2};
    const std::array<std::size_t, 2> a{3, 2};
    BOOST_TEST(shapes_equal(v, a));
    BOOST_TEST(!shapes_equal(v, std::array<std::size_t, 2>{2, 3}));
    BOOST_TEST(!shapes_equal(v, std::vector<std::size_t>{3, 2, 1}));
}

BOOST_AUTO_TEST_SUITE_END()

// GradTarget: the three ways an op writes a gradient, and how the engine combines each with
// what the tensor holds (dest <- g, or dest <- dest + g), without the op knowing which.
#include "engine/core/grad_target.hpp"

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_grad_target)

using namespace tapegrad;
using namespace tapegrad::test;

namespace {
const Array g{{1.0, 2.0}, {3.0, 4.0}};        // the gradient an op computes   [2, 2]
const Array old{{10.0, 20.0}, {30.0, 40.0}};  // what dest held before        [2, 2]

// dest after an op writes g in `way` (0 set, 1 set_product of g and the identity, 2 array())
// into a target that overwrites or accumulates; `dest` starts as `before`, the input's shape is
// `shape` (nullptr: dest's own).
Array write(int way, bool accumulate, Array before = old, const Shape* shape = nullptr) {
    Array dest = std::move(before);
    Array scratch;
    GradTarget target("Test", 0, &dest, accumulate, &scratch, shape);
    const Array identity{{1.0, 0.0}, {0.0, 1.0}};  // [2, 2]
    if (way == 0) target.set(g);
    if (way == 1) target.set_product(rows_of(g), false, rows_of(identity), false);
    if (way == 2) {
        Array& out = target.array();
        for (std::size_t i = 0; i < g.size(); ++i) out.data()[i] = g.data()[i];
    }
    BOOST_TEST(target.written());
    target.finish();
    return dest;
}
}  // namespace

BOOST_AUTO_TEST_CASE(every_way_of_writing_gives_g_or_dest_plus_g) {
    for (int way = 0; way < 3; ++way) {
        BOOST_TEST_CONTEXT("way " << way) {
            BOOST_TEST(write(way, false) == g, tt::per_element());              // first
            BOOST_TEST(write(way, true) == Array(old + g), tt::per_element());  // again
        }
    }
}

BOOST_AUTO_TEST_CASE(array_is_the_destination_itself_when_it_is_overwritten) {
    Array dest = old;  // [2, 2]
    Array scratch;
    GradTarget plain("Test", 0, &dest, false, &scratch);
    BOOST_TEST(&plain.array() == &dest);
    GradTarget adding("Test", 0, &dest, true, &scratch);
    BOOST_TEST(&adding.array() == &scratch);  // added in by finish()
    BOOST_TEST(shapes_equal(scratch.shape(), dest.shape()));
}

BOOST_AUTO_TEST_CASE(take_swaps_buffers_when_overwriting_and_adds_otherwise) {
    Array dest = old;  // [2, 2]
    Array scratch;
    Array mine = g;  // the op's own buffer holding g   [2, 2]
    const double* mine_data = mine.data();
    const double* dest_data = dest.data();
    GradTarget plain("Test", 0, &dest, false, &scratch);
    BOOST_TEST(plain.take(mine));
    BOOST_TEST(dest.data() == mine_data);  // no copy: the buffers changed hands
    BOOST_TEST(mine.data() == dest_data);
    BOOST_TEST(dest == g, tt::per_element());
    Array again = g;  // [2, 2]
    GradTarget adding("Test", 0, &dest, true, &scratch);
    BOOST_TEST(!adding.take(again));
    BOOST_TEST(dest == Array(2.0 * g), tt::per_element());
    BOOST_TEST(again == g, tt::per_element());  // kept
    Array other{1.0, 2.0};                      // [2]: not the input's shape
    BOOST_CHECK_THROW(adding.take(other), std::logic_error);
}

BOOST_AUTO_TEST_CASE(an_overwritten_gradient_without_elements_gets_the_input_shape) {
    const Shape input_shape{2, 2};
    const Array released = Array::from_shape({0});  // no elements
    for (int way = 0; way < 3; ++way)
        BOOST_TEST(write(way, false, released, &input_shape) == g, tt::per_element());
}

BOOST_AUTO_TEST_CASE(a_gradient_of_another_shape_throws_naming_the_op_and_both_shapes) {
    Array dest = old;  // [2, 2]
    Array scratch;
    GradTarget target("Square", 1, &dest, false, &scratch);
    try {
        target.set(Array{1.0, 2.0, 3.0});
        BOOST_ERROR("expected std::logic_error");
    } catch (const std::logic_error& e) {
        const std::string msg = e.what();
        BOOST_TEST(msg.find("Square::backward") != std::string::npos, msg);
        BOOST_TEST(msg.find("input 1") != std::string::npos, msg);
        BOOST_TEST(msg.find("[3]") != std::string::npos, msg);
        BOOST_TEST(msg.find("[2, 2]") != std::string::npos, msg);
    }
    const Array A{{1.0, 2.0, 3.0}};  // [1, 3]
    BOOST_CHECK_THROW(target.set_product(rows_of(A), true, rows_of(A), false), std::logic_error);
}

BOOST_AUTO_TEST_CASE(an_unwanted_target_ignores_set_and_refuses_array) {
    GradTarget unwanted;
    BOOST_TEST(!unwanted.wanted());
    unwanted.set(g);  // nothing happens
    BOOST_TEST(!unwanted.written());
    BOOST_CHECK_THROW(unwanted.array(), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

// Tests of examples/text/pad: widths in characters (code points), not bytes.

#include <boost/test/unit_test.hpp>

#include <string>

#include "examples/text/pad.hpp"

using namespace tapegrad;

BOOST_AUTO_TEST_SUITE(test_pad)

BOOST_AUTO_TEST_CASE(umlauts_and_the_word_mark_are_one_character_each) {
    BOOST_TEST(text::display_width("Frankreich") == 10u);
    BOOST_TEST(text::display_width("Gr\xC3\xB6\xC3\x9F"
                                   "e") == 5u);  // Größe, 7 bytes
    BOOST_TEST(text::display_width("\xE2\x96\x81"
                                   "Frankreich") == 11u);  // ▁Frankreich
    BOOST_TEST(text::display_width("") == 0u);
}

BOOST_AUTO_TEST_CASE(pad_fills_to_the_width_in_characters_left_or_right) {
    BOOST_TEST(text::pad("B\xC3\xA4r", 5) == "B\xC3\xA4r  ");  // Bär + 2 spaces
    BOOST_TEST(text::pad("B\xC3\xA4r", 5, true) == "  B\xC3\xA4r");
    BOOST_TEST(text::pad("Deutschland", 4) == "Deutschland");  // never cut
}

BOOST_AUTO_TEST_SUITE_END()

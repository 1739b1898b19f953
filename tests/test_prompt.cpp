// Tests of examples/tiny_decoder/lib/prompt: from text to the ids the decoder reads, and the one
// piece it should predict, with the shipped tokenizer.

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/prompt.hpp"
#include "test_helpers.hpp"

using namespace tapegrad;

namespace test_prompt {

const Tokenizer& shipped() {
    static const Tokenizer tokenizer = Tokenizer::load(shipped_data_dir() + "/tokenizer.model");
    return tokenizer;
}

}  // namespace test_prompt

BOOST_AUTO_TEST_SUITE(test_prompt)

BOOST_AUTO_TEST_CASE(a_prompt_is_all_its_pieces_and_an_empty_one_is_refused) {
    const std::vector<int> ids = encode_prompt(shipped(), "Paris ist die Hauptstadt von");
    BOOST_TEST(ids == shipped().encode("Paris ist die Hauptstadt von"));
    test::check_invalid_argument([] { encode_prompt(shipped(), " \t\n"); },
                                 {"the prompt is empty"});
    test::check_invalid_argument([] { encode_prompt(shipped(), ""); }, {"the prompt is empty"});
}

BOOST_AUTO_TEST_CASE(the_model_reads_the_last_T_max_pieces) {
    const std::vector<int> ids = {5, 6, 7, 8, 9};
    BOOST_TEST(last_pieces(ids, 3) == (std::vector<int>{7, 8, 9}));
    BOOST_TEST(last_pieces(ids, 5) == ids);
    BOOST_TEST(last_pieces(ids, 32) == ids);
}

BOOST_AUTO_TEST_CASE(the_target_is_its_word_initial_piece) {
    const int id = target_id(shipped(), "Frankreich");
    BOOST_TEST(shipped().piece(id) ==
               "\xE2\x96\x81"
               "Frankreich");
    BOOST_TEST(is_one_piece(shipped(), "Frankreich"));
}

BOOST_AUTO_TEST_CASE(a_target_of_several_pieces_or_unknown_characters_is_refused_with_its_pieces) {
    BOOST_TEST(!is_one_piece(shipped(), "Donaudampfschifffahrt"));
    test::check_invalid_argument([] { target_id(shipped(), "Donaudampfschifffahrt"); },
                                 {"\"Donaudampfschifffahrt\" is not one piece but"});
    test::check_invalid_argument([] { target_id(shipped(), "\xE6\x97\xA5"); },
                                 {"is not in the vocabulary (it encodes as"});
    test::check_invalid_argument([] { target_id(shipped(), ""); }, {"the target is empty"});
}

BOOST_AUTO_TEST_SUITE_END()

// Tests of examples/tiny_decoder/lib/generate: greedy continuation is argmax of the last position's
// logits step by step; sampling is seeded; top_k = 1 is greedy; the end piece stops it.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <vector>

#include "engine/core/no_grad.hpp"
#include "examples/tiny_decoder/lib/generate.hpp"
#include "small_decoder.hpp"
#include "test_helpers.hpp"

using namespace tapegrad;

namespace test_generate {

// The greedy next piece after `context`, computed here without generate().
int argmax_next(const TinyDecoder& model, const std::vector<int>& context) {
    Tape tape;
    NoGrad guard(tape);
    const TinyDecoderForward f = model.forward(tape, context, 1, context.size());
    const Array& Z = f.logits.value();  // [1, T, V]
    std::vector<double> z;
    for (std::size_t v = 0; v < model.config().V; ++v) z.push_back(Z(0, context.size() - 1, v));
    return static_cast<int>(std::max_element(z.begin(), z.end()) - z.begin());
}

}  // namespace test_generate

BOOST_AUTO_TEST_SUITE(test_generate)

BOOST_AUTO_TEST_CASE(greedy_appends_the_argmax_reading_the_last_T_max_pieces) {
    const TinyDecoder model(test::small_decoder(), 3);  // T_max = 6
    GenerateOptions o;
    o.tokens = 8;
    const std::vector<int> out = generate(model, {1, 2, 3}, -1, o);
    BOOST_TEST_REQUIRE(out.size() == 11u);
    for (std::size_t n = 3; n < out.size(); ++n) {
        const std::size_t from = n > 6 ? n - 6 : 0;
        const std::vector<int> context(out.begin() + static_cast<long>(from),
                                       out.begin() + static_cast<long>(n));
        BOOST_TEST(out[n] == argmax_next(model, context), "piece " << n);
    }
}

BOOST_AUTO_TEST_CASE(the_end_piece_stops_generation) {
    const TinyDecoder model(test::small_decoder(), 3);
    GenerateOptions o;
    o.tokens = 8;
    const int first = argmax_next(model, {1, 2, 3});
    BOOST_TEST(generate(model, {1, 2, 3}, first, o) == (std::vector<int>{1, 2, 3}));
}

BOOST_AUTO_TEST_CASE(sampling_is_seeded_and_top_k_1_is_greedy) {
    const TinyDecoder model(test::small_decoder(), 3);
    GenerateOptions greedy, sampled, top1;
    greedy.tokens = sampled.tokens = top1.tokens = 10;
    sampled.temperature = top1.temperature = 2.0;
    top1.top_k = 1;
    BOOST_TEST(generate(model, {4}, -1, sampled) == generate(model, {4}, -1, sampled));
    BOOST_TEST(generate(model, {4}, -1, top1) == generate(model, {4}, -1, greedy));
    GenerateOptions other = sampled;
    other.seed = 2;
    BOOST_TEST(generate(model, {4}, -1, other) != generate(model, {4}, -1, sampled));
}

BOOST_AUTO_TEST_CASE(a_bad_temperature_or_an_empty_prompt_is_refused) {
    const TinyDecoder model(test::small_decoder(), 3);
    GenerateOptions o;
    o.temperature = -1.0;
    test::check_invalid_argument([&] { generate(model, {1}, -1, o); }, {"temperature"});
    test::check_invalid_argument([&] { generate(model, {}, -1, GenerateOptions{}); },
                                 {"the prompt has no pieces"});
}

BOOST_AUTO_TEST_SUITE_END()

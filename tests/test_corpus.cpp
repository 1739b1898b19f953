// Tests of examples/tiny_decoder/lib/corpus: the token stream (pieces then </s> per sentence),
// windows starting at sentence starts with targets shifted by one, the batch order's
// determinism and resumability from (seed, position), and the corpus refusals.

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/corpus.hpp"
#include "examples/tiny_decoder/lib/data_paths.hpp"

using namespace tapegrad;

namespace test_corpus {

const Tokenizer& shipped() {
    static const Tokenizer tok = Tokenizer::load(shipped_data_dir() + "/tokenizer.model");
    return tok;
}

std::string temp_file(const std::string& name, const std::string& text) {
    const std::string path = (std::filesystem::temp_directory_path() / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

}  // namespace test_corpus

BOOST_AUTO_TEST_SUITE(test_corpus)

BOOST_AUTO_TEST_CASE(stream_is_pieces_then_end_of_sentence) {
    const std::string path = temp_file("tapegrad_corpus_a.txt",
                                       "Paris ist die Hauptstadt von Frankreich.\n\n"
                                       "Die Hauptstadt von Spanien ist Madrid.\n");
    const TokenCorpus c = TokenCorpus::from_file(path, shipped(), 4);
    std::vector<int> expected = shipped().encode("Paris ist die Hauptstadt von Frankreich.");
    const std::size_t first = expected.size();
    expected.push_back(shipped().eos_id());
    for (int id : shipped().encode("Die Hauptstadt von Spanien ist Madrid."))
        expected.push_back(id);
    expected.push_back(shipped().eos_id());
    BOOST_TEST(c.sentences() == 2u);
    BOOST_TEST(c.stream() == expected);
    BOOST_TEST(c.windows() == 2u);  // both sentence starts have 5 tokens after them
    std::vector<int> in, tg;
    c.window(1, in, tg);
    BOOST_TEST(in == std::vector<int>(expected.begin() + first + 1, expected.begin() + first + 5));
    BOOST_TEST(tg == std::vector<int>(expected.begin() + first + 2, expected.begin() + first + 6));
    std::remove(path.c_str());
}

BOOST_AUTO_TEST_CASE(batches_depend_on_seed_and_position_only) {
    const TokenCorpus c = TokenCorpus::from_file(shipped_data_dir() + "/valid.txt", shipped(), 16);
    BatchSampler a(c, 8, 42), b(c, 8, 42), other(c, 8, 43);
    std::vector<int> ia, ta, ib, tb, io, to;
    for (int i = 0; i < 3; ++i) a.next(ia, ta);
    for (int i = 0; i < 3; ++i) b.next(ib, tb);
    other.next(io, to);
    BOOST_TEST(ia == ib);
    BOOST_TEST(ia.size() == 8u * 16u);
    BatchSampler resumed(c, 8, 42, 16);  // after two batches of 8
    std::vector<int> ir, tr;
    resumed.next(ir, tr);
    BOOST_TEST(ir == ia);  // a's third batch
    BOOST_TEST(a.position() == 24u);
    BatchSampler fresh(c, 8, 43);
    fresh.next(ir, tr);
    BOOST_TEST(ir == io);
    // One epoch uses every window exactly once: the epoch's batches, as a multiset of
    // windows, are the corpus's windows (duplicates in the text included).
    BatchSampler all(c, 1, 42);
    std::vector<std::vector<int>> drawn, windows;
    for (std::size_t k = 0; k < c.windows(); ++k) {
        std::vector<int> in, tg, wi, wt;
        all.next(in, tg);
        drawn.push_back(in);
        c.window(k, wi, wt);
        windows.push_back(wi);
    }
    std::sort(drawn.begin(), drawn.end());
    std::sort(windows.begin(), windows.end());
    BOOST_TEST((drawn == windows));
}

BOOST_AUTO_TEST_CASE(refuses_missing_empty_and_short_corpora) {
    BOOST_CHECK_THROW(TokenCorpus::from_file("/nonexistent/corpus.txt", shipped(), 8),
                      std::invalid_argument);
    const std::string empty = temp_file("tapegrad_corpus_empty.txt", "\n  \n");
    BOOST_CHECK_THROW(TokenCorpus::from_file(empty, shipped(), 8), std::invalid_argument);
    const std::string bad = temp_file("tapegrad_corpus_bad.txt",
                                      "Gr\xfc\xdf"
                                      "e\n");
    BOOST_CHECK_THROW(TokenCorpus::from_file(bad, shipped(), 8), std::invalid_argument);
    const std::string shorty = temp_file("tapegrad_corpus_short.txt", "Paris.\n");
    BOOST_CHECK_THROW(TokenCorpus::from_file(shorty, shipped(), 8), std::invalid_argument);
    for (const std::string& p : {empty, bad, shorty}) std::remove(p.c_str());
}

BOOST_AUTO_TEST_SUITE_END()

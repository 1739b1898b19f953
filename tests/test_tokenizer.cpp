// Tests of examples/tiny_decoder/lib/tokenizer: the shipped model (its size, the country names as
// single pieces, the walkthrough's prompt, round trips of the corpus), training (the same
// bytes every time, equal to the shipped files) and every refusal with its message.

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/tokenizer.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tapegrad;
using tapegrad::test::TempDir;

namespace test_tokenizer {

const std::string kData = shipped_data_dir();
const std::string kModel = kData + "/tokenizer.model";
const std::string kTrain = kData + "/train.txt";

// Every sentence of the corpus fits a decoder context of 32 tokens with <s> and </s>
// (data/README.md promises it; measured: the longest has 28).
constexpr std::size_t kMaxSentenceTokens = 30;

// The shipped model, loaded once.
const Tokenizer& shipped() {
    static const Tokenizer tokenizer = Tokenizer::load(kModel);
    return tokenizer;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    BOOST_REQUIRE_MESSAGE(out, "cannot write " << path);
}

std::vector<std::string> read_lines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    BOOST_REQUIRE_MESSAGE(in, "cannot open " << path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The canonical country list: countries.tsv, written by make_corpus.py with the corpus.
struct Country {
    std::string name, capital;
};
std::vector<Country> corpus_countries() {
    std::vector<Country> countries;
    const std::vector<std::string> rows = read_lines(kData + "/countries.tsv");
    BOOST_REQUIRE(!rows.empty());
    BOOST_REQUIRE_EQUAL(rows[0].substr(0, 16), "country\tcapital\t");
    for (std::size_t i = 1; i < rows.size(); ++i) {
        const std::size_t tab1 = rows[i].find('\t'), tab2 = rows[i].find('\t', tab1 + 1);
        countries.push_back({rows[i].substr(0, tab1), rows[i].substr(tab1 + 1, tab2 - tab1 - 1)});
    }
    return countries;
}

std::vector<std::string> pieces_of(const Tokenizer& tokenizer, const std::string& text) {
    std::vector<std::string> pieces;
    for (const int id : tokenizer.encode(text)) pieces.push_back(tokenizer.piece(id));
    return pieces;
}

// The message of the std::invalid_argument that `f` throws, or "" when it throws none.
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    return "";
}

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.compare(0, prefix.size(), prefix) == 0;
}
bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

// The files in a folder, to see that a failed training leaves no temporary file behind.
std::vector<std::string> files_in(const fs::path& folder) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace test_tokenizer

BOOST_AUTO_TEST_SUITE(test_tokenizer)

BOOST_AUTO_TEST_CASE(shipped_model_has_the_default_size_and_the_special_ids) {
    const Tokenizer& tok = shipped();
    BOOST_TEST(tok.vocab_size() == kDefaultVocabSize);
    BOOST_TEST(tok.vocab_size() == 512);
    BOOST_TEST(tok.unk_id() == 0);
    BOOST_TEST(tok.bos_id() == 1);
    BOOST_TEST(tok.eos_id() == 2);
    BOOST_TEST(tok.piece(0) == "<unk>");
    BOOST_TEST(tok.piece(1) == "<s>");
    BOOST_TEST(tok.piece(2) == "</s>");
    BOOST_TEST(tok.piece_id("<unk>") == 0);
    BOOST_TEST(tok.piece_id("</s>") == 2);
    BOOST_TEST(tok.piece_id("▁Hauptstadt") > 2);
    BOOST_TEST(tok.piece(tok.piece_id("▁Hauptstadt")) == "▁Hauptstadt");
    // Not in the vocabulary: -1, where SentencePiece itself would answer unk_id() = 0.
    BOOST_TEST(tok.piece_id("▁Luxemburg") == -1);
    BOOST_TEST(tok.piece_id("") == -1);
}

BOOST_AUTO_TEST_CASE(every_country_of_the_corpus_is_one_piece) {
    const Tokenizer& tok = shipped();
    const std::vector<Country> countries = corpus_countries();
    BOOST_TEST(countries.size() == 40u);
    const std::vector<std::string> train = read_lines(kTrain);
    for (const Country& c : countries) {
        BOOST_TEST_CONTEXT(c.name) {
            const int id = tok.piece_id("▁" + c.name);
            BOOST_TEST(id > 2);
            BOOST_TEST(tok.encode(c.name) == std::vector<int>{id});
            // The walkthrough's sentence is in train.txt, and its prompt "<capital> ist die
            // Hauptstadt von" encodes to the sentence's first pieces: the country follows as
            // the one next piece, then ".".
            const std::string prompt = c.capital + " ist die Hauptstadt von";
            const std::string sentence = prompt + " " + c.name + ".";
            BOOST_TEST((std::find(train.begin(), train.end(), sentence) != train.end()));
            std::vector<int> expected = tok.encode(prompt);
            expected.push_back(id);
            expected.push_back(tok.piece_id("."));
            BOOST_TEST(tok.encode(sentence) == expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(the_walkthrough_prompt_encodes_to_whole_words) {
    const Tokenizer& tok = shipped();
    const std::vector<std::string> prompt = {"▁Paris", "▁ist", "▁die", "▁Hauptstadt", "▁von"};
    BOOST_TEST(pieces_of(tok, "Paris ist die Hauptstadt von") == prompt);
    std::vector<std::string> sentence = prompt;
    sentence.push_back("▁Frankreich");
    sentence.push_back(".");
    BOOST_TEST(pieces_of(tok, "Paris ist die Hauptstadt von Frankreich.") == sentence);
    // The notebook's other two candidates are single pieces too.
    BOOST_TEST(pieces_of(tok, "Deutschland Spanien") ==
               (std::vector<std::string>{"▁Deutschland", "▁Spanien"}));
}

BOOST_AUTO_TEST_CASE(german_sentences_round_trip) {
    const Tokenizer& tok = shipped();
    std::vector<std::string> sentences = read_lines(kData + "/valid.txt");
    const std::vector<std::string> train = read_lines(kTrain);
    sentences.insert(sentences.end(), train.begin(), train.end());
    std::size_t longest = 0;
    for (const std::string& s : sentences) {
        BOOST_TEST_CONTEXT(s) {
            const std::vector<int> ids = tok.encode(s);
            BOOST_TEST(tok.decode(ids) == s);
            BOOST_TEST((std::find(ids.begin(), ids.end(), tok.unk_id()) == ids.end()));
            longest = std::max(longest, ids.size());
        }
    }
    BOOST_TEST_MESSAGE("the longest sentence of the corpus has " << longest << " tokens");
    BOOST_TEST(longest <= kMaxSentenceTokens);
    // Not in the corpus, but made of its characters: every umlaut and ß.
    for (const std::string s :
         {"Schöne Grüße aus Köln, Äpfel und Öl, Übermut und Straße.", "ÄÖÜäöüß áíô"}) {
        BOOST_TEST_CONTEXT(s) {
            const std::vector<int> ids = tok.encode(s);
            BOOST_TEST(tok.decode(ids) == s);
            BOOST_TEST((std::find(ids.begin(), ids.end(), tok.unk_id()) == ids.end()));
        }
    }
    // <s> and </s> decode to nothing.
    std::vector<int> framed = {tok.bos_id()};
    for (const int id : tok.encode("Die Theiß fließt durch Ungarn.")) framed.push_back(id);
    framed.push_back(tok.eos_id());
    BOOST_TEST(tok.decode(framed) == "Die Theiß fließt durch Ungarn.");
}

BOOST_AUTO_TEST_CASE(encode_normalizes_and_marks_unknown_characters) {
    const Tokenizer& tok = shipped();
    // NFKC: "O" + U+0308 (combining diaeresis) is "Ö".
    BOOST_TEST(tok.encode("O\xCC\x88sterreich") == tok.encode("Österreich"));
    // Extra spaces go.
    BOOST_TEST(tok.encode("  Paris   ist ") == tok.encode("Paris ist"));
    // No piece for "Ł" (there is no byte fallback): <unk>, decoded as " ⁇ ".
    const std::vector<int> ids = tok.encode("Łodz");
    BOOST_TEST((std::find(ids.begin(), ids.end(), tok.unk_id()) != ids.end()));
    BOOST_TEST(contains(tok.decode(ids), "⁇"));
    BOOST_TEST(tok.encode("").empty());
}

BOOST_AUTO_TEST_CASE(encode_refuses_text_that_is_not_utf8) {
    const Tokenizer& tok = shipped();
    BOOST_TEST(error_of([&] { tok.encode("Sch\xF6n"); }) ==
               "Tokenizer::encode: not valid UTF-8 at byte 4 of the text (0xF6)");
    BOOST_TEST(error_of([&] { tok.encode("a\xC3"); }) ==
               "Tokenizer::encode: not valid UTF-8 at byte 2 of the text (0xC3)");
    BOOST_TEST(error_of([&] { tok.encode("\xC0\xAF"); }) ==  // overlong "/"
               "Tokenizer::encode: not valid UTF-8 at byte 1 of the text (0xC0)");
    BOOST_TEST(error_of([&] { tok.encode("x\xED\xA0\x80"); }) ==  // a UTF-16 surrogate
               "Tokenizer::encode: not valid UTF-8 at byte 2 of the text (0xED)");
    BOOST_TEST(error_of([&] { tok.encode("\xF4\x90\x80\x80"); }) ==  // above U+10FFFF
               "Tokenizer::encode: not valid UTF-8 at byte 1 of the text (0xF4)");
    BOOST_TEST(error_of([&] { tok.encode("\xF0\x9F\x98\x80"); }) == "");  // U+1F600 is fine
}

BOOST_AUTO_TEST_CASE(decode_and_piece_refuse_ids_outside_the_vocabulary) {
    const Tokenizer& tok = shipped();
    BOOST_TEST(error_of([&] {
                   tok.decode({3, 512});
               }) ==
               "Tokenizer::decode: Out of range: Invalid id: 512 (the vocabulary has ids 0 to "
               "511)");
    BOOST_TEST(error_of([&] { tok.decode({-1}); }) ==
               "Tokenizer::decode: Out of range: Invalid id: -1 (the vocabulary has ids 0 to "
               "511)");
    BOOST_TEST(error_of([&] { tok.piece(512); }) == "Tokenizer::piece: id 512 is outside [0, 512)");
    BOOST_TEST(error_of([&] { tok.piece(-1); }) == "Tokenizer::piece: id -1 is outside [0, 512)");
    BOOST_TEST(tok.decode({}) == "");
}

BOOST_AUTO_TEST_CASE(training_gives_the_shipped_files_byte_for_byte) {
    TempDir dir("tapegrad_tokenizer");
    const std::string a = dir.file("a.model"), b = dir.file("b.model");
    const auto start = std::chrono::steady_clock::now();
    train_tokenizer(kTrain, a);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    BOOST_TEST_MESSAGE("one training on train.txt, " << kDefaultVocabSize
                                                     << " pieces: " << seconds.count() << " s");
    train_tokenizer(kTrain, b, kDefaultVocabSize);
    BOOST_TEST((read_bytes(a) == read_bytes(b)));
    BOOST_TEST((read_bytes(a) == read_bytes(kModel)));
    BOOST_TEST((read_bytes(dir.file("a.vocab")) == read_bytes(dir.file("b.vocab"))));
    BOOST_TEST((read_bytes(dir.file("a.vocab")) == read_bytes(kData + "/tokenizer.vocab")));
    BOOST_TEST(files_in(dir.path) ==
               (std::vector<std::string>{"a.model", "a.vocab", "b.model", "b.vocab"}));
    // The .vocab lists the model's pieces in id order.
    const std::vector<std::string> vocab = read_lines(dir.file("a.vocab"));
    BOOST_TEST(vocab.size() == 512u);
    BOOST_TEST(vocab[0] == "<unk>\t0");
    BOOST_TEST(vocab[shipped().piece_id("▁Frankreich")].substr(0, 14) == "▁Frankreich\t");
    // Training over an existing model replaces it.
    write_bytes(a, "old");
    train_tokenizer(kTrain, a);
    BOOST_TEST((read_bytes(a) == read_bytes(kModel)));
}

BOOST_AUTO_TEST_CASE(training_refuses_bad_corpora_and_leaves_the_target_alone) {
    TempDir dir("tapegrad_tokenizer");
    const std::string model = dir.file("tok.model");
    write_bytes(model, "the old model");
    write_bytes(dir.file("tok.vocab"), "the old vocab");
    const std::string missing = dir.file("missing.txt");
    const std::string empty = dir.file("empty.txt");
    write_bytes(empty, "");
    const std::string blank = dir.file("blank.txt");
    write_bytes(blank, "\n  \n\r\n");
    const std::string latin1 = dir.file("latin1.txt");
    write_bytes(latin1, "Gut.\nSch\xF6n.\n");
    const std::string tiny = dir.file("tiny.txt");
    write_bytes(tiny, "Paris ist die Hauptstadt von Frankreich.\nRom liegt in Italien.\n");
    const std::string long_line = dir.file("long.txt");
    write_bytes(long_line, "Kurz.\n" + std::string(4193, 'a') + "\n");
    const std::vector<std::string> before = files_in(dir.path);

    BOOST_TEST(error_of([&] { train_tokenizer(missing, model); }) ==
               "train_tokenizer: " + missing + ": cannot open (No such file or directory)");
    BOOST_TEST(error_of([&] { train_tokenizer(empty, model); }) ==
               "train_tokenizer: " + empty + ": is empty (no sentence to train on)");
    BOOST_TEST(error_of([&] { train_tokenizer(blank, model); }) ==
               "train_tokenizer: " + blank + ": is empty (no sentence to train on)");
    BOOST_TEST(error_of([&] { train_tokenizer(latin1, model); }) ==
               "train_tokenizer: " + latin1 + ": line 2, byte 4: not valid UTF-8 (0xF6)");
    BOOST_TEST(error_of([&] { train_tokenizer(long_line, model); }) ==
               "train_tokenizer: " + long_line +
                   ": line 2: longer than 4192 bytes (SentencePiece would skip it)");
    BOOST_TEST(error_of([&] { train_tokenizer(dir.path.string(), model); }) ==
               "train_tokenizer: " + dir.path.string() + ": is a folder, not a file");
    BOOST_TEST(error_of([&] { train_tokenizer(kTrain, model, 0); }) ==
               "train_tokenizer: the vocab size must be positive, got 0");
    // SentencePiece's own messages: more pieces than a two-sentence corpus can make, fewer
    // than train.txt has characters (64) plus <unk> <s> </s>.
    const std::string too_many = error_of([&] { train_tokenizer(tiny, model); });
    BOOST_TEST(starts_with(too_many, "train_tokenizer: " + tiny + " with vocab size 512: "));
    BOOST_TEST(contains(too_many, "Vocabulary size too high (512). Please set it to a value <= "));
    const std::string too_few = error_of([&] { train_tokenizer(kTrain, model, 40); });
    BOOST_TEST(starts_with(too_few, "train_tokenizer: " + kTrain + " with vocab size 40: "));
    BOOST_TEST(contains(too_few, "Vocabulary size is smaller than required_chars. 40 vs 67."));
    // Where the model cannot go.
    const std::string nowhere = dir.file("no/such/folder/tok.model");
    BOOST_TEST(error_of([&] { train_tokenizer(kTrain, nowhere); }) ==
               "train_tokenizer: " + nowhere + ": folder " + dir.file("no/such/folder") +
                   " does not exist");
    const std::string vocab_named = dir.file("tok.vocab");
    BOOST_TEST(error_of([&] { train_tokenizer(kTrain, vocab_named); }) ==
               "train_tokenizer: " + vocab_named +
                   ": a model file must not end in .vocab (the piece list is written to "
                   "<name>.vocab beside it)");

    BOOST_TEST(read_bytes(model) == "the old model");
    BOOST_TEST(read_bytes(dir.file("tok.vocab")) == "the old vocab");
    BOOST_TEST(files_in(dir.path) == before);
}

BOOST_AUTO_TEST_CASE(load_refuses_missing_empty_and_foreign_files) {
    TempDir dir("tapegrad_tokenizer");
    const std::string missing = dir.file("missing.model");
    BOOST_TEST(error_of([&] { Tokenizer::load(missing); }) ==
               "Tokenizer::load: " + missing + ": Not found: \"" + missing +
                   "\": No such file or directory Error #2");
    const std::string empty = dir.file("empty.model");
    write_bytes(empty, "");
    BOOST_TEST(error_of([&] { Tokenizer::load(empty); }) ==
               "Tokenizer::load: " + empty + ": Internal: unk is not defined.");
    BOOST_TEST(error_of([&] { Tokenizer::load(dir.path.string()); }) ==
               "Tokenizer::load: " + dir.path.string() + ": is a folder, not a file");
    // Text (the corpus, the .vocab) and a PNG: not protobuf, SentencePiece cannot parse them.
    const std::string png = dir.file("image.model");
    write_bytes(png, std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02", 26));
    for (const std::string& foreign : {kTrain, kData + "/tokenizer.vocab", png}) {
        const std::string message = error_of([&] { Tokenizer::load(foreign); });
        BOOST_TEST_CONTEXT(foreign) {
            BOOST_TEST(starts_with(message, "Tokenizer::load: " + foreign + ": Internal: "));
            BOOST_TEST(contains(message, "ParseFromArray"));
            BOOST_TEST(contains(message, "] (not a SentencePiece model, or one cut short)"));
        }
    }
}

BOOST_AUTO_TEST_CASE(load_refuses_a_model_cut_short_anywhere) {
    // The pieces and the trainer_spec take the first ~7.2 KB of the shipped model (the rest is
    // the normalizer's character map). SentencePiece alone accepts the model cut after any
    // piece, as a smaller model with default options; load() refuses every cut.
    const std::string bytes = read_bytes(kModel);
    TempDir dir("tapegrad_tokenizer");
    int cuts = 0, incomplete = 0, unparsable = 0, other = 0;
    const auto check_cut = [&](const std::string& path, std::size_t n) {
        ++cuts;
        const std::string message = error_of([&] { Tokenizer::load(path); });
        BOOST_TEST_CONTEXT("cut after " << n << " bytes") {
            BOOST_TEST(starts_with(message, "Tokenizer::load: " + path + ": "));
        }
        if (contains(message,
                     ": incomplete SentencePiece model (no trainer_spec or "
                     "normalizer_spec after the pieces: the file was cut short?)"))
            ++incomplete;
        else if (contains(message, "(not a SentencePiece model, or one cut short)"))
            ++unparsable;
        else
            ++other;  // SentencePiece's own objections, e.g. "unk is not defined."
    };
    const auto start = std::chrono::steady_clock::now();
    // Every cut in the first 8,000 bytes: one file, shortened a byte at a time (rewriting a
    // file from scratch costs ~4 ms here, shortening it ~20 us).
    const std::string cut = dir.file("cut.model");
    write_bytes(cut, bytes.substr(0, 8000));
    for (std::size_t n = 7999; n >= 1; --n) {
        fs::resize_file(cut, n);
        check_cut(cut, n);
    }
    // And two inside the normalizer's character map.
    for (const std::size_t n : {bytes.size() / 2, bytes.size() - 1}) {
        const std::string path = dir.file("cut" + std::to_string(n) + ".model");
        write_bytes(path, bytes.substr(0, n));
        check_cut(path, n);
    }
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    BOOST_TEST_MESSAGE(cuts << " cuts in " << seconds.count() << " s: " << incomplete
                            << " parse as a smaller model, " << unparsable << " do not parse, "
                            << other << " are refused by SentencePiece otherwise");
    BOOST_TEST(incomplete > 500);  // one per piece boundary, and one after the trainer_spec
}

BOOST_AUTO_TEST_CASE(the_vocab_file_sits_beside_the_model) {
    BOOST_TEST(vocab_path_for("data/tokenizer.model") == "data/tokenizer.vocab");
    BOOST_TEST(vocab_path_for("tok") == "tok.vocab");
    BOOST_TEST(vocab_path_for("/a/b.c/tok.bin") == "/a/b.c/tok.vocab");
}

BOOST_AUTO_TEST_SUITE_END()

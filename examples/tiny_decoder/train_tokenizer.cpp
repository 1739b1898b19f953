// train_tokenizer: trains the tiny decoder's SentencePiece BPE tokenizer on a corpus and
// writes the model (and its .vocab beside it). With no options it regenerates the shipped
// examples/tiny_decoder/data/tokenizer.model, byte for byte, from the shipped train.txt.
//
//   build/examples/train_tokenizer [--corpus FILE] [--vocab-size N] [--out FILE]

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/tokenizer.hpp"

using namespace tapegrad;

namespace {

// A message as one line: control characters (a newline in a file name, say) become '?'.
std::string one_line(std::string text) {
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return text;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "train_tokenizer: trains the tiny decoder's SentencePiece BPE tokenizer on a corpus\n"
        "(UTF-8, one sentence per line) and writes the model and its .vocab"};
    std::string corpus = default_data_dir() + "/train.txt";
    std::string out = default_data_dir() + "/tokenizer.model";
    int vocab_size = kDefaultVocabSize;
    app.add_option("--corpus", corpus, "The training text")
        ->type_name("FILE")
        ->capture_default_str();
    app.add_option("--vocab-size", vocab_size, "Number of pieces, <unk> <s> </s> included")
        ->capture_default_str();
    app.add_option("--out", out, "The model file; the piece list goes beside it as .vocab")
        ->type_name("FILE")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "train_tokenizer: " << one_line(e.what()) << "\n";
        return 2;
    }
    try {
        const auto start = std::chrono::steady_clock::now();
        train_tokenizer(corpus, out, vocab_size);
        const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;

        // What the model makes of its own corpus (lines as train_tokenizer reads them).
        const Tokenizer tokenizer = Tokenizer::load(out);
        std::ifstream in(corpus, std::ios::binary);
        long sentences = 0, tokens = 0;
        for (std::string line; std::getline(in, line);) {
            if (!line.empty() && line.back() == '\r') line.pop_back();
            if (line.find_first_not_of(" \t") == std::string::npos) continue;
            ++sentences;
            tokens += static_cast<long>(tokenizer.encode(line).size());
        }
        std::printf("wrote %s and %s: %d pieces, trained in %.2f s\n", out.c_str(),
                    vocab_path_for(out).c_str(), tokenizer.vocab_size(), seconds.count());
        std::printf("%s: %ld sentences, %ld tokens, %.2f tokens per sentence\n", corpus.c_str(),
                    sentences, tokens,
                    static_cast<double>(tokens) / static_cast<double>(sentences));
    } catch (const std::exception& e) {
        // The library's messages begin with the function's name, which is this program's.
        const std::string message = e.what();
        const std::string name = "train_tokenizer: ";
        const bool named = message.compare(0, name.size(), name) == 0;
        std::cerr << (named ? "" : name) << one_line(message) << "\n";
        return 2;
    }
    return 0;
}

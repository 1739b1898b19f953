#include "examples/tiny_decoder/lib/loaded_model.hpp"

#include <filesystem>
#include <stdexcept>

#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/sha256.hpp"

namespace fs = std::filesystem;

namespace tapegrad {

Tokenizer tokenizer_for(const Metadata& m, const std::string& checkpoint,
                        const std::string& given) {
    const auto file = m.find("tokenizer.file");
    const auto sha = m.find("tokenizer.sha256");
    if (file == m.end() || sha == m.end())
        throw std::invalid_argument(checkpoint +
                                    ": metadata tokenizer.file / tokenizer.sha256: missing");
    std::string path = given;
    if (path.empty()) {
        const fs::path beside = fs::path(folder_of(checkpoint)) / fs::path(file->second).filename();
        path = fs::exists(beside) ? beside.string()
                                  : (fs::path(default_data_dir()) / file->second).string();
    }
    const std::string actual = sha256_file(path);
    if (actual != sha->second)
        throw std::invalid_argument(path + ": SHA-256 " + actual + " is not the tokenizer " +
                                    checkpoint + " was trained with (" + file->second +
                                    ", SHA-256 " + sha->second + ")");
    return Tokenizer::load(path);
}

std::string folder_of(const std::string& path) {
    const fs::path p = fs::path(path).parent_path();
    return p.empty() ? "." : p.string();
}

LoadedModel load_model(const std::string& checkpoint, const std::string& tokenizer_path,
                       Trainer::Use use) {
    if (!fs::exists(checkpoint))
        throw std::invalid_argument(checkpoint +
                                    ": no such checkpoint (train one: tiny_decoder train --out " +
                                    checkpoint + ")");
    Metadata m;
    std::unique_ptr<Trainer> t = Trainer::load(checkpoint, &m, use);
    Tokenizer tok = tokenizer_for(m, checkpoint, tokenizer_path);
    if (static_cast<std::size_t>(tok.vocab_size()) != t->model().config().V)
        throw std::invalid_argument(
            checkpoint + ": config.V = " + std::to_string(t->model().config().V) +
            " but the tokenizer has " + std::to_string(tok.vocab_size()) + " pieces");
    return {std::move(t), std::move(m), std::move(tok)};
}

}  // namespace tapegrad

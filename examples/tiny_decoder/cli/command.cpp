#include "examples/tiny_decoder/cli/command.hpp"

#include <cstdio>
#include <filesystem>

#include "examples/gnuplot/gnuplot.hpp"
#include "examples/tiny_decoder/lib/prompt.hpp"

namespace tapegrad::cli {

std::string default_checkpoint() {
    return (std::filesystem::path(kDefaultRunDir) / "checkpoint.safetensors").string();
}

std::string one_line(std::string text) {
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return text;
}

std::vector<int> prompt_ids(const Tokenizer& tok, const std::string& prompt, std::size_t T_max) {
    std::vector<int> ids = encode_prompt(tok, prompt);
    if (ids.size() > T_max) {
        std::fprintf(stderr,
                     "tiny_decoder: the prompt has %zu pieces, more than T_max = %zu: the model "
                     "reads its last %zu\n",
                     ids.size(), T_max, T_max);
    }
    return ids;
}

std::string plot_or_reason(const std::string& dir, const std::string& name,
                           const std::string& script) {
    std::string why;
    const std::string png = draw_plot(dir, name, script, why);
    return png.empty() ? "plot skipped: " + why : "plot: " + png;
}

}  // namespace tapegrad::cli

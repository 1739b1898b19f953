#include "examples/tiny_decoder/cli/generate_command.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "examples/tiny_decoder/cli/command.hpp"
#include "examples/tiny_decoder/lib/generate.hpp"
#include "examples/tiny_decoder/lib/loaded_model.hpp"

namespace tapegrad::cli {

int run_generate(const GenerateArgs& a) {
    const std::string checkpoint = a.checkpoint.empty() ? default_checkpoint() : a.checkpoint;
    const LoadedModel m = load_model(checkpoint, a.tokenizer);
    const TinyDecoder& model = m.trainer->model();
    if (!std::isfinite(a.temperature) || a.temperature < 0)
        throw Refusal("--temperature must be finite and >= 0 (0: greedy)");
    GenerateOptions options;
    options.tokens = a.tokens;
    options.temperature = a.temperature;
    options.top_k = a.top_k;
    options.seed = a.seed;
    const std::vector<int> prompt = prompt_ids(m.tokenizer, a.prompt, model.config().T_max);
    const std::vector<int> text = generate(model, prompt, m.tokenizer.eos_id(), options);
    std::printf("%s\n", m.tokenizer.decode(text).c_str());  // the whole prompt, then the rest
    return 0;
}

void add_generate_options(CLI::App& cmd, GenerateArgs& a) {
    cmd.add_option("--checkpoint", a.checkpoint, "Default tiny_decoder_run/checkpoint.safetensors")
        ->type_name("FILE");
    cmd.add_option("--prompt", a.prompt, "Text to continue")->required();
    cmd.add_option("--tokens", a.tokens, "At most N new pieces")->capture_default_str();
    cmd.add_option("--temperature", a.temperature, "0: greedy (argmax); > 0: sample")
        ->capture_default_str();
    cmd.add_option("--top-k", a.top_k, "Sample among the K most likely (0: all)")
        ->capture_default_str();
    cmd.add_option("--seed", a.seed, "Seed of the sampling")->capture_default_str();
    cmd.add_option("--tokenizer", a.tokenizer, "SentencePiece model (checked by SHA-256)")
        ->type_name("FILE");
}

}  // namespace tapegrad::cli

#include "examples/tiny_decoder/cli/step_command.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/number_string.hpp"
#include "examples/tiny_decoder/cli/command.hpp"
#include "examples/tiny_decoder/lib/loaded_model.hpp"

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

namespace tapegrad::cli {

namespace {

struct Batch {
    std::vector<int> inputs, targets;
    std::size_t B = 0, T = 0;
};

std::vector<Batch> read_batches(const std::string& path, std::size_t V, std::size_t T_max) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Refusal(path + ": cannot open the batch file");
    json j;
    try {
        j = json::parse(in);
    } catch (const json::exception& e) {
        throw Refusal(path + ": not JSON: " + e.what());
    }
    if (!j.is_array() || j.empty())
        throw Refusal(path +
                      ": expected a non-empty list of batches, each a list of rows of "
                      "token ids ([[[1, 2, 3], [4, 5, 6]], ...])");
    std::vector<Batch> out;
    for (std::size_t b = 0; b < j.size(); ++b) {
        const std::string where = path + ": batch " + std::to_string(b);
        if (!j[b].is_array() || j[b].empty())
            throw Refusal(where + ": not a non-empty list of rows");
        Batch batch;
        std::size_t len = 0;
        for (std::size_t r = 0; r < j[b].size(); ++r) {
            const json& row = j[b][r];
            if (!row.is_array())
                throw Refusal(where + " row " + std::to_string(r) + ": not a list");
            if (r == 0) len = row.size();
            if (row.size() != len)
                throw Refusal(where + " row " + std::to_string(r) + ": " +
                              std::to_string(row.size()) + " ids, row 0 has " +
                              std::to_string(len) + " (ragged rows)");
            if (len < 2 || len > T_max + 1)
                throw Refusal(where + ": rows of " + std::to_string(len) +
                              " ids; need 2 to T_max + 1 = " + std::to_string(T_max + 1));
            for (std::size_t i = 0; i < len; ++i) {
                if (!row[i].is_number_integer() || row[i].get<long long>() < 0 ||
                    row[i].get<long long>() >= static_cast<long long>(V))
                    throw Refusal(where + " row " + std::to_string(r) + " position " +
                                  std::to_string(i) + ": " + row[i].dump() +
                                  " is not a token id in [0, " + std::to_string(V) + ")");
                const int id = row[i].get<int>();
                if (i + 1 < len) batch.inputs.push_back(id);
                if (i > 0) batch.targets.push_back(id);
            }
        }
        batch.B = j[b].size();
        batch.T = len - 1;
        out.push_back(std::move(batch));
    }
    return out;
}

}  // namespace

int run_step(const StepArgs& a) {
    if (a.steps == 0) throw Refusal("--steps 0: nothing to do (give at least 1)");
    const std::string checkpoint = a.checkpoint.empty() ? default_checkpoint() : a.checkpoint;
    LoadedModel m = load_model(checkpoint, a.tokenizer, Trainer::Use::resume);
    const TinyDecoderConfig& cfg = m.trainer->model().config();
    const std::vector<Batch> batches = read_batches(a.batches, cfg.V, cfg.T_max);
    if (batches.size() < a.steps)
        throw Refusal(a.batches + ": " + std::to_string(batches.size()) + " batches for --steps " +
                      std::to_string(a.steps) + " (one batch per step)");
    std::vector<double> losses;
    for (std::size_t s = 0; s < a.steps; ++s) {
        const Batch& b = batches[s];
        losses.push_back(m.trainer->step(b.inputs, b.targets, b.B, b.T));
        if (!a.json)
            std::printf("step %ld: loss %s\n", m.trainer->step_count(),
                        number_string(losses.back()).c_str());
    }
    Metadata extra;
    for (const char* key : {"tokenizer.file", "tokenizer.sha256", "data.corpus", "data.corpus_path",
                            "data.corpus_sha256", "data.valid_path"})
        if (m.metadata.count(key)) extra[key] = m.metadata.at(key);
    extra["train.loss"] = number_string(losses.back());
    const std::string dir = folder_of(a.out);
    fs::create_directories(dir);
    m.trainer->save(a.out, extra);
    if (a.json) {
        json j;
        j["losses"] = losses;
        j["step"] = m.trainer->step_count();
        j["out"] = a.out;
        std::cout << j.dump() << "\n";
    } else {
        std::printf("checkpoint: %s\n", a.out.c_str());
    }
    return 0;
}

void add_step_options(CLI::App& cmd, StepArgs& a) {
    cmd.add_option("--checkpoint", a.checkpoint, "Default tiny_decoder_run/checkpoint.safetensors")
        ->type_name("FILE");
    cmd.add_option("--batches", a.batches,
                   "JSON: a list of batches, each a list of rows of T + 1 token ids (inputs: "
                   "the first T, targets: the last T)")
        ->required()
        ->type_name("FILE");
    cmd.add_option("--steps", a.steps, "N")->required();
    cmd.add_option("--out", a.out, "Checkpoint to write")->required()->type_name("FILE");
    cmd.add_flag("--json", a.json, "Print {\"losses\": [...]} as JSON");
    cmd.add_option("--tokenizer", a.tokenizer, "SentencePiece model (checked by SHA-256)")
        ->type_name("FILE");
}

}  // namespace tapegrad::cli

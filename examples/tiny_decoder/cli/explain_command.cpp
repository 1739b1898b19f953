#include "examples/tiny_decoder/cli/explain_command.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/core/number_string.hpp"
#include "examples/text/pad.hpp"
#include "examples/tiny_decoder/lib/explain.hpp"
#include "examples/tiny_decoder/lib/loaded_model.hpp"
#include "examples/tiny_decoder/lib/plots.hpp"
#include "examples/tiny_decoder/lib/prompt.hpp"

using json = nlohmann::ordered_json;

namespace tapegrad::cli {

namespace {

std::string fixed(double v, int digits) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", digits, v);
    return b;
}

std::string sci(double v) {
    char b[64];
    std::snprintf(b, sizeof b, "%.3e", v);
    return b;
}

// The indices of the n largest values (ties: lower index first).
std::vector<std::size_t> top_n(const std::vector<double>& v, std::size_t n, bool by_abs) {
    std::vector<std::size_t> idx(v.size());
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    auto key = [&](std::size_t i) { return by_abs ? std::abs(v[i]) : v[i]; };
    std::stable_sort(idx.begin(), idx.end(),
                     [&](std::size_t i, std::size_t j) { return key(i) > key(j); });
    idx.resize(std::min(n, idx.size()));
    return idx;
}

}  // namespace

int run_explain(const ExplainArgs& a) {
    const std::string checkpoint = a.checkpoint.empty() ? default_checkpoint() : a.checkpoint;
    const LoadedModel m = load_model(checkpoint, a.tokenizer);
    const Tokenizer& tok = m.tokenizer;
    const TinyDecoder& model = m.trainer->model();
    const std::vector<int> ids =
        last_pieces(prompt_ids(tok, a.prompt, model.config().T_max), model.config().T_max);
    // No target given: the notebook's for the notebook's prompt when this tokenizer has it as one
    // piece (one trained on one's own corpus may not), otherwise the model's own prediction.
    std::string target_text = a.target;
    if (target_text.empty() && a.prompt == kDefaultPrompt && is_one_piece(tok, kDefaultTarget))
        target_text = kDefaultTarget;
    if (!std::isfinite(a.sgd_lr) || a.sgd_lr < 0) throw Refusal("--sgd-lr must be finite and >= 0");
    const int target = target_text.empty() ? predicted_target : target_id(tok, target_text);
    const ExplainResult r = explain(model, ids, target, a.sgd_lr, a.sgd_steps);
    std::vector<std::string> pieces;
    for (int id : ids) pieces.push_back(tok.piece(id));
    const std::size_t V = r.z.size(), C = r.h.size();
    double h_norm = 0;
    for (double v : r.h) h_norm += v * v;
    h_norm = std::sqrt(h_norm);
    const std::string plot_dir = a.plots.empty() ? folder_of(checkpoint) : a.plots;

    if (a.json) {
        json j;
        j["checkpoint"] = checkpoint;
        j["prompt"] = a.prompt;
        j["ids"] = r.ids;
        j["pieces"] = pieces;
        j["h"] = r.h;
        j["h_norm"] = h_norm;
        j["logits"] = r.z;
        j["sum_exp_logits"] = r.sum_exp_z;
        j["probabilities"] = r.p;
        j["argmax"] = {
            {"id", r.argmax}, {"piece", tok.piece(r.argmax)}, {"text", tok.decode({r.argmax})}};
        j["target"] = {{"id", r.target}, {"piece", tok.piece(r.target)}};
        j["loss"] = r.loss;
        j["grad_logits"] = r.grad_z;
        j["grad_W_out"] = r.grad_W_out;
        j["max_diff"] = {{"grad_logits", r.max_diff_grad_z},
                         {"grad_W_out", r.max_diff_W_out},
                         {"grad_b_out", r.max_diff_b_out}};
        json sgd = json::array();
        for (const SgdPoint& p : r.sgd)
            sgd.push_back({{"step", p.step}, {"loss", p.loss}, {"p_target", p.p_target}});
        j["sgd"] = {{"lr", r.sgd_lr}, {"trajectory", sgd}};
        j["attention"] = r.attention;
        std::cout << j.dump() << "\n";
        return 0;
    }

    std::printf("checkpoint %s: %s, step %s, tokenizer %s\n\n", checkpoint.c_str(),
                model.config().describe().c_str(), m.metadata.at("optimizer.step").c_str(),
                m.metadata.at("tokenizer.file").c_str());
    std::printf("== Teil 1: prediction ==\n");
    std::printf("prompt \"%s\": %zu pieces\n", a.prompt.c_str(), ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i)
        std::printf("  %2zu  id %3d  %s\n", i, ids[i], pieces[i].c_str());
    std::printf("\nh = hidden vector at the last position after ln_f, [%zu]:\n  [", C);
    for (std::size_t c = 0; c < std::min<std::size_t>(8, C); ++c)
        std::printf("%s%s", c ? ", " : "", fixed(r.h[c], 4).c_str());
    std::printf(", ...]   ||h|| = %s\n", fixed(h_norm, 4).c_str());
    std::printf(
        "\nz = W_out h + b_out over all %zu pieces; sum of e^z over the whole vocabulary = %s\n", V,
        sci(r.sum_exp_z).c_str());
    std::printf("  %-8s | %-16s | %10s | %12s | %10s\n", "Token-ID", "Token", "Logit z", "e^z",
                "Softmax p");
    std::printf("  ---------+------------------+------------+--------------+-----------\n");
    for (std::size_t v : top_n(r.p, a.top, false))
        std::printf("  %-8zu | %s | %10s | %12s | %10s\n", v,
                    text::pad(tok.piece(static_cast<int>(v)), 16).c_str(), fixed(r.z[v], 4).c_str(),
                    sci(r.exp_z[v]).c_str(), fixed(r.p[v], 6).c_str());
    std::printf("argmax p -> id %d -> piece %s -> text \"%s\"\n", r.argmax,
                tok.piece(r.argmax).c_str(), tok.decode({r.argmax}).c_str());

    std::printf("\n== Teil 2: loss and gradient (target %s, id %d%s) ==\n",
                tok.piece(r.target).c_str(), r.target,
                target_text.empty() ? ", the model's own prediction" : "");
    std::printf("y = one-hot of id %d;  p(target) = %s;  L = -log p(target) = %s\n", r.target,
                fixed(r.p[static_cast<std::size_t>(r.target)], 6).c_str(),
                fixed(r.loss, 6).c_str());
    std::printf("dL/dz = p - y, largest |entries|:\n");
    for (std::size_t v : top_n(r.grad_z, 6, true))
        std::printf("  id %3zu  %s  %+.6f\n", v,
                    text::pad(tok.piece(static_cast<int>(v)), 16).c_str(), r.grad_z[v]);
    std::printf(
        "dL/dW_out [%zu, %zu] from backward through the whole tape vs (p - y) h^T: max "
        "|difference| = %s\n",
        V, C, sci(r.max_diff_W_out).c_str());
    std::printf("dL/db_out [%zu] from the tape vs p - y: max |difference| = %s\n", V,
                sci(r.max_diff_b_out).c_str());
    const std::size_t t = static_cast<std::size_t>(r.target);
    std::printf("  e.g. dL/dW_out[%zu, 0..2] = %s, %s, %s  (tape)\n", t,
                fixed(r.grad_W_out[t][0], 6).c_str(), fixed(r.grad_W_out[t][1], 6).c_str(),
                fixed(r.grad_W_out[t][2], 6).c_str());
    std::printf("SGD on W_out alone (lr %s, h and b_out fixed): W_out <- W_out - lr (p - y) h^T\n",
                number_string(r.sgd_lr).c_str());
    std::printf("  %4s  %10s  %10s\n", "step", "L", "p(target)");
    for (const SgdPoint& p : r.sgd)
        std::printf("  %4zu  %10s  %10s\n", p.step, fixed(p.loss, 6).c_str(),
                    fixed(p.p_target, 6).c_str());

    std::printf("\n== Attention of the last position (%s) over the prompt ==\n",
                pieces.back().c_str());
    std::printf("  %-14s", "");
    for (const std::string& p : pieces) std::printf(" %s", text::pad(p, 12, true).c_str());
    std::printf("\n");
    for (std::size_t l = 0; l < r.attention.size(); ++l)
        for (std::size_t h = 0; h < r.attention[l].size(); ++h) {
            std::printf("  layer %zu head %zu", l, h);
            for (double w : r.attention[l][h]) std::printf(" %12s", fixed(w, 4).c_str());
            std::printf("\n");
        }
    if (!a.no_plots)
        std::printf(
            "%s\n",
            plot_or_reason(plot_dir, "attention", attention_script(pieces, r.attention)).c_str());
    return 0;
}

void add_explain_options(CLI::App& cmd, ExplainArgs& a) {
    cmd.add_option("--checkpoint", a.checkpoint, "Default tiny_decoder_run/checkpoint.safetensors")
        ->type_name("FILE");
    cmd.add_option("--prompt", a.prompt, "The context")->capture_default_str();
    cmd.add_option("--target", a.target,
                   "The expected next word, one piece (default Frankreich for the "
                   "default prompt, else the model's own prediction)");
    cmd.add_flag("--json", a.json, "One JSON document on stdout");
    cmd.add_option("--sgd-lr", a.sgd_lr, "Learning rate of the SGD steps on W_out")
        ->capture_default_str();
    cmd.add_option("--sgd-steps", a.sgd_steps, "SGD steps on W_out")->capture_default_str();
    cmd.add_option("--top", a.top, "Rows of the Teil 1 table")->capture_default_str();
    cmd.add_option("--plots", a.plots, "Folder for attention.png (default: the checkpoint's)")
        ->type_name("DIR");
    cmd.add_flag("--no-plots", a.no_plots, "Do not draw the heatmap");
    cmd.add_option("--tokenizer", a.tokenizer, "SentencePiece model (checked by SHA-256)")
        ->type_name("FILE");
}

}  // namespace tapegrad::cli

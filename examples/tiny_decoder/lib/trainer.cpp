#include "examples/tiny_decoder/lib/trainer.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "engine/core/no_grad.hpp"
#include "engine/core/number_string.hpp"
#include "engine/optim/clip_grad_norm.hpp"

namespace tapegrad {

AdamWOptions TrainSettings::default_adamw() {
    AdamWOptions o;
    o.lr = 3e-3;
    o.beta1 = 0.9;
    o.beta2 = 0.99;
    o.eps = 1e-8;
    o.weight_decay = 0.1;
    o.decay_only_matrices = true;
    return o;
}

void TrainSettings::check() const {
    config.check();
    auto finite_nonneg = [](double v, const char* what) {
        if (!std::isfinite(v) || v < 0)
            throw std::invalid_argument(std::string(what) + " must be a finite number >= 0, got " +
                                        number_string(v));
    };
    finite_nonneg(adamw.lr, "the learning rate (--lr)");
    finite_nonneg(adamw.weight_decay, "the weight decay");
    finite_nonneg(clip, "the clipping norm");
    if (batch == 0) throw std::invalid_argument("the batch size (--batch) must be at least 1");
    if (seq_len == 0 || seq_len > config.T_max)
        throw std::invalid_argument(
            "the sequence length must be in [1, T_max = " + std::to_string(config.T_max) +
            "], got " + std::to_string(seq_len));
}

Trainer::Trainer(const TrainSettings& settings)
    : settings_((settings.check(), settings)),
      model_(std::make_unique<TinyDecoder>(settings.config, settings.seed)),
      params_(model_->parameters()),
      opt_(std::make_unique<AdamW>(params_, settings.adamw)) {}

NamedTensors Trainer::checkpoint_tensors() const {
    NamedTensors all = params_;
    for (const NamedTensor& s : opt_->state()) all.push_back({"optimizer." + s.name, s.tensor});
    return all;
}

double Trainer::step(const std::vector<int>& inputs, const std::vector<int>& targets, std::size_t B,
                     std::size_t T) {
    tape_.rewind();
    const Tensor loss = model_->loss(tape_, inputs, targets, B, T);
    const double value = loss.item();
    tape_.backward(loss);
    clip_grad_norm(params_, settings_.clip);
    opt_->step();
    opt_->zero_grad();
    return value;
}

double Trainer::evaluate(const std::vector<int>& inputs, const std::vector<int>& targets,
                         std::size_t B, std::size_t T) {
    Tape tape;
    NoGrad guard(tape);
    return model_->loss(tape, inputs, targets, B, T).item();
}

Metadata Trainer::metadata() const {
    Metadata m = settings_.config.metadata();
    m["format"] = kCheckpointFormat;
    for (const auto& [k, v] : opt_->hyperparameters())
        m[k == "optimizer" ? "optimizer" : "optimizer." + k] = v;
    m["optimizer.step"] = std::to_string(opt_->step_count());
    m["train.clip"] = number_string(settings_.clip);
    m["train.batch"] = std::to_string(settings_.batch);
    m["train.seq_len"] = std::to_string(settings_.seq_len);
    m["train.seed"] = std::to_string(settings_.seed);
    m["data.position"] = std::to_string(data_position_);
    return m;
}

void Trainer::save(const std::string& path, const Metadata& extra) const {
    Metadata m = metadata();
    for (const auto& [k, v] : extra) m[k] = v;
    save_checkpoint(path, checkpoint_tensors(), m);
}

double metadata_double(const Metadata& m, const std::string& key, const std::string& file) {
    const auto it = m.find(key);
    if (it == m.end()) throw CheckpointError(file + ": metadata " + key + ": missing");
    const char* s = it->second.c_str();
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(s, &end);
    if (it->second.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(v))
        throw CheckpointError(file + ": metadata " + key + ": \"" + it->second +
                              "\" is not a finite number");
    return v;
}

std::uint64_t metadata_uint(const Metadata& m, const std::string& key, const std::string& file) {
    const auto it = m.find(key);
    if (it == m.end()) throw CheckpointError(file + ": metadata " + key + ": missing");
    const std::string& s = it->second;
    if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
        throw CheckpointError(file + ": metadata " + key + ": \"" + s +
                              "\" is not a non-negative integer");
    return std::stoull(s);
}

std::unique_ptr<Trainer> Trainer::load(const std::string& path, Metadata* metadata_out, Use use) {
    const SafetensorsFile file = load_safetensors(path);  // checks the file itself
    const Metadata& m = file.metadata;
    const auto format = m.find("format");
    if (format == m.end() || format->second != kCheckpointFormat)
        throw CheckpointError(
            path + ": metadata format: not a tiny_decoder checkpoint (expected \"" +
            std::string(kCheckpointFormat) + "\", found " +
            (format == m.end() ? std::string("none") : "\"" + format->second + "\"") + ")");
    TrainSettings s;
    try {
        s.config = TinyDecoderConfig::from_metadata(m);
    } catch (const std::invalid_argument& e) {
        throw CheckpointError(path + ": " + e.what());
    }
    s.adamw.lr = metadata_double(m, "optimizer.lr", path);
    s.adamw.beta1 = metadata_double(m, "optimizer.beta1", path);
    s.adamw.beta2 = metadata_double(m, "optimizer.beta2", path);
    s.adamw.eps = metadata_double(m, "optimizer.eps", path);
    s.adamw.weight_decay = metadata_double(m, "optimizer.weight_decay", path);
    const auto dom = m.find("optimizer.decay_only_matrices");
    if (dom == m.end() || (dom->second != "true" && dom->second != "false"))
        throw CheckpointError(path +
                              ": metadata optimizer.decay_only_matrices: missing or not "
                              "true/false");
    s.adamw.decay_only_matrices = dom->second == "true";
    s.clip = metadata_double(m, "train.clip", path);
    s.batch = metadata_uint(m, "train.batch", path);
    s.seq_len = metadata_uint(m, "train.seq_len", path);
    s.seed = metadata_uint(m, "train.seed", path);
    const std::uint64_t step = metadata_uint(m, "optimizer.step", path);
    std::unique_ptr<Trainer> t;
    try {
        t = std::make_unique<Trainer>(s);
    } catch (const std::invalid_argument& e) {
        throw CheckpointError(path + ": " + e.what());
    }
    bool has_optimizer_state = false;
    for (const auto& [name, array] : file.tensors)
        has_optimizer_state = has_optimizer_state || name.rfind("optimizer.", 0) == 0;
    const bool weights_only = use == Use::inference && !has_optimizer_state;
    try {
        load_checkpoint(path, weights_only ? t->params_ : t->checkpoint_tensors());
    } catch (const CheckpointError& e) {
        // The tensors do not fit the configuration the metadata names, or there is no
        // optimizer state to train on.
        std::string what = std::string(e.what()) + " (configuration " + s.config.describe() + ")";
        if (!has_optimizer_state)
            what += "; the file has no optimizer state: it can generate and explain, not resume";
        throw CheckpointError(what);
    }
    t->opt_->set_step_count(static_cast<long>(step));
    t->data_position_ = metadata_uint(m, "data.position", path);
    if (metadata_out) *metadata_out = m;
    return t;
}

}  // namespace tapegrad

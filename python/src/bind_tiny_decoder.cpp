// The tiny German decoder (examples/tiny_decoder): its tokenizer, training (Trainer,
// TokenCorpus, BatchSampler: the loop of `tiny_decoder train`, written in Python), and a trained
// model loaded from its checkpoint (TinyDecoder: forward, explain, generate).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "examples/tiny_decoder/lib/corpus.hpp"
#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/explain.hpp"
#include "examples/tiny_decoder/lib/generate.hpp"
#include "examples/tiny_decoder/lib/loaded_model.hpp"
#include "examples/tiny_decoder/lib/prompt.hpp"
#include "examples/tiny_decoder/lib/sha256.hpp"
#include "examples/tiny_decoder/lib/tokenizer.hpp"
#include "examples/tiny_decoder/lib/trainer.hpp"
#include "python/src/bindings.hpp"
#include "python/src/numpy_array.hpp"

namespace py = pybind11;

namespace tapegrad::python {

namespace {

py::dict config_dict(const TinyDecoderConfig& c) {
    py::dict d;
    d["V"] = c.V;
    d["C"] = c.C;
    d["L"] = c.L;
    d["H"] = c.H;
    d["T_max"] = c.T_max;
    return d;
}

std::vector<std::string> pieces_of(const Tokenizer& tok, const std::vector<int>& ids) {
    std::vector<std::string> pieces;
    for (int id : ids) pieces.push_back(tok.piece(id));
    return pieces;
}

// A trained model with its tokenizer, shared by the Python object.
struct TinyDecoderHandle {
    LoadedModel loaded;
    std::string checkpoint;
    const TinyDecoder& model() const { return loaded.trainer->model(); }
    const Tokenizer& tokenizer() const { return loaded.tokenizer; }
};

// ids as given from Python: [T] (one sequence) or [B, T].
py::dict forward(const TinyDecoderHandle& m, Tape& tape, const py::object& ids,
                 bool keep_attention) {
    const std::vector<std::size_t> shape = shape_of(ids);
    if (shape.size() != 1 && shape.size() != 2)
        throw py::value_error("TinyDecoder.forward: ids must be [T] or [B, T], got " +
                              std::to_string(shape.size()) + " dimensions");
    const std::size_t B = shape.size() == 2 ? shape[0] : 1;
    const std::size_t T = shape.back();
    std::vector<int> tokens;
    for (std::size_t id : ids_from_python(ids, "TinyDecoder.forward(ids)"))
        tokens.push_back(static_cast<int>(id));
    const TinyDecoderForward f = m.model().forward(tape, tokens, B, T, keep_attention);
    py::dict out;
    out["h"] = f.h;
    out["logits"] = f.logits;
    out["attention"] = f.attention;
    return out;
}

py::dict explain_dict(const TinyDecoderHandle& m, const std::string& prompt,
                      const std::optional<std::string>& target, double sgd_lr,
                      std::size_t sgd_steps) {
    const Tokenizer& tok = m.tokenizer();
    const std::vector<int> all = encode_prompt(tok, prompt);
    const std::vector<int> ids = last_pieces(all, m.model().config().T_max);
    const int target_index = target ? target_id(tok, *target) : predicted_target;
    ExplainResult r;
    {
        py::gil_scoped_release no_gil;
        r = explain(m.model(), ids, target_index, sgd_lr, sgd_steps);
    }
    const std::size_t V = r.z.size(), C = r.h.size();
    Array grad_W = Array::from_shape({V, C});  // [V, C]
    for (std::size_t v = 0; v < V; ++v)
        for (std::size_t c = 0; c < C; ++c) grad_W(v, c) = r.grad_W_out[v][c];
    py::dict d;
    d["prompt"] = prompt;
    d["ids"] = r.ids;
    d["pieces"] = pieces_of(tok, r.ids);
    d["prompt_pieces"] = all.size();
    d["h"] = to_numpy(r.h);
    d["logits"] = to_numpy(r.z);
    d["exp_logits"] = to_numpy(r.exp_z);
    d["sum_exp_logits"] = r.sum_exp_z;
    d["p"] = to_numpy(r.p);
    d["argmax"] = r.argmax;
    d["argmax_piece"] = tok.piece(r.argmax);
    d["argmax_text"] = tok.decode({r.argmax});
    d["target"] = r.target;
    d["target_piece"] = tok.piece(r.target);
    d["loss"] = r.loss;
    d["grad_logits"] = to_numpy(r.grad_z);
    d["grad_W_out"] = to_numpy(grad_W);
    d["max_diff_W_out"] = r.max_diff_W_out;
    d["max_diff_b_out"] = r.max_diff_b_out;
    d["max_diff_grad_logits"] = r.max_diff_grad_z;
    py::list sgd;
    for (const SgdPoint& s : r.sgd) {
        py::dict point;
        point["step"] = s.step;
        point["loss"] = s.loss;
        point["p_target"] = s.p_target;
        sgd.append(point);
    }
    d["sgd_lr"] = r.sgd_lr;
    d["sgd"] = sgd;
    // attention [L][H][T]: each block's weights of the last position over the prompt
    const std::size_t L = r.attention.size(), H = L ? r.attention[0].size() : 0;
    const std::size_t T = H ? r.attention[0][0].size() : 0;
    Array att = Array::from_shape({L, H, T});  // [L, H, T]
    for (std::size_t l = 0; l < L; ++l)
        for (std::size_t h = 0; h < H; ++h)
            for (std::size_t t = 0; t < T; ++t) att(l, h, t) = r.attention[l][h][t];
    d["attention"] = to_numpy(att);
    return d;
}

std::string generate_text(const TinyDecoderHandle& m, const std::string& prompt, std::size_t tokens,
                          double temperature, std::size_t top_k, std::uint64_t seed) {
    GenerateOptions o;
    o.tokens = tokens;
    o.temperature = temperature;
    o.top_k = top_k;
    o.seed = seed;
    const std::vector<int> ids = encode_prompt(m.tokenizer(), prompt);
    std::vector<int> out;
    {
        py::gil_scoped_release no_gil;
        out = generate(m.model(), ids, m.tokenizer().eos_id(), o);
    }
    return m.tokenizer().decode(out);
}

std::unique_ptr<Trainer> make_trainer(std::size_t V, std::size_t C, std::size_t L, std::size_t H,
                                      std::size_t T_max, std::size_t batch, double lr,
                                      std::uint64_t seed) {
    TrainSettings s;
    s.config = TinyDecoderConfig{V, C, L, H, T_max};
    s.seq_len = T_max;
    s.batch = batch;
    s.adamw.lr = lr;
    s.seed = seed;
    return std::make_unique<Trainer>(s);
}

}  // namespace

void bind_tiny_decoder(py::module_& m) {
    m.def("tiny_decoder_data_dir", &default_data_dir,
          "The tiny decoder's data folder: corpus train.txt, valid.txt, tokenizer.model.");

    py::class_<Tokenizer>(m, "Tokenizer", "SentencePiece pieces and ids (the decoder's vocabulary)")
        .def_static("load", &Tokenizer::load, py::arg("path"))
        .def("encode", &Tokenizer::encode, py::arg("text"))
        .def("decode", &Tokenizer::decode, py::arg("ids"))
        .def("piece", &Tokenizer::piece, py::arg("id"))
        .def("piece_id", &Tokenizer::piece_id, py::arg("piece"))
        .def_property_readonly("vocab_size", &Tokenizer::vocab_size)
        .def_property_readonly("eos_id", &Tokenizer::eos_id);

    py::class_<TokenCorpus>(m, "TokenCorpus", "A text file of sentences as one token stream")
        .def_static("from_file", &TokenCorpus::from_file, py::arg("path"), py::arg("tokenizer"),
                    py::arg("T"))
        .def_property_readonly("sentences", &TokenCorpus::sentences)
        .def_property_readonly("tokens", &TokenCorpus::tokens)
        .def_property_readonly("windows", &TokenCorpus::windows)
        .def("window", [](const TokenCorpus& c, std::size_t w) {
            std::vector<int> inputs, targets;
            c.window(w, inputs, targets);
            return py::make_tuple(inputs, targets);
        });
    py::class_<BatchSampler>(m, "BatchSampler", "B windows per step in the seeded shuffled order")
        .def(py::init<const TokenCorpus&, std::size_t, std::uint64_t, std::uint64_t>(),
             py::arg("corpus"), py::arg("B"), py::arg("seed"), py::arg("position") = 0,
             py::keep_alive<1, 2>())
        .def("next",
             [](BatchSampler& s) {
                 std::vector<int> inputs, targets;
                 s.next(inputs, targets);
                 return py::make_tuple(inputs, targets);
             })
        .def_property_readonly("position", &BatchSampler::position);

    py::class_<Trainer>(m, "Trainer",
                        "The tiny decoder with AdamW: one step = loss, backward, clip, AdamW")
        .def(py::init(&make_trainer), py::arg("V"), py::arg("C") = 64, py::arg("L") = 2,
             py::arg("H") = 4, py::arg("T_max") = 32, py::arg("batch") = 32,
             py::arg("lr") = TrainSettings::default_adamw().lr, py::arg("seed") = 1337)
        .def(
            "step",
            [](Trainer& t, const std::vector<int>& inputs, const std::vector<int>& targets,
               std::size_t B, std::size_t T) {
                py::gil_scoped_release no_gil;
                return t.step(inputs, targets, B, T);
            },
            py::arg("inputs"), py::arg("targets"), py::arg("B"), py::arg("T"))
        .def(
            "evaluate",
            [](Trainer& t, const std::vector<int>& inputs, const std::vector<int>& targets,
               std::size_t B, std::size_t T) {
                py::gil_scoped_release no_gil;
                return t.evaluate(inputs, targets, B, T);
            },
            py::arg("inputs"), py::arg("targets"), py::arg("B"), py::arg("T"))
        .def(
            "save",
            [](const Trainer& t, const std::string& path, const std::string& tokenizer,
               Metadata extra) {
                // What load_model needs to find and check the tokenizer (loaded_model.hpp).
                extra["tokenizer.file"] = std::filesystem::path(tokenizer).filename().string();
                extra["tokenizer.sha256"] = sha256_file(tokenizer);
                t.save(path, extra);
            },
            py::arg("path"), py::arg("tokenizer"), py::arg("metadata") = Metadata{})
        .def_property("data_position", &Trainer::data_position, &Trainer::set_data_position)
        .def_property_readonly("step_count", &Trainer::step_count)
        .def_property_readonly("config",
                               [](const Trainer& t) { return config_dict(t.model().config()); })
        .def("parameters", [](const Trainer& t) { return to_dict(t.model().parameters()); });

    py::class_<TinyDecoderHandle, std::shared_ptr<TinyDecoderHandle>>(
        m, "TinyDecoder", "A trained tiny decoder and its tokenizer, loaded from a checkpoint")
        .def_static(
            "load",
            [](const std::string& checkpoint, const std::string& tokenizer) {
                return std::make_shared<TinyDecoderHandle>(
                    TinyDecoderHandle{load_model(checkpoint, tokenizer), checkpoint});
            },
            py::arg("checkpoint"), py::arg("tokenizer") = "")
        .def_property_readonly("checkpoint",
                               [](const TinyDecoderHandle& h) { return h.checkpoint; })
        .def_property_readonly("metadata",
                               [](const TinyDecoderHandle& h) { return h.loaded.metadata; })
        .def_property_readonly(
            "config", [](const TinyDecoderHandle& h) { return config_dict(h.model().config()); })
        .def_property_readonly("tokenizer",
                               [](const TinyDecoderHandle& h) { return h.tokenizer(); })
        .def("encode", [](const TinyDecoderHandle& h,
                          const std::string& text) { return h.tokenizer().encode(text); })
        .def("decode", [](const TinyDecoderHandle& h,
                          const std::vector<int>& ids) { return h.tokenizer().decode(ids); })
        .def("pieces", [](const TinyDecoderHandle& h,
                          const std::vector<int>& ids) { return pieces_of(h.tokenizer(), ids); })
        .def("target_id",
             [](const TinyDecoderHandle& h, const std::string& target) {
                 return target_id(h.tokenizer(), target);
             })
        .def("forward", &forward, py::arg("tape"), py::arg("ids"),
             py::arg("keep_attention") = false,
             "{'h': Tensor [B, T, C], 'logits': Tensor [B, T, V], 'attention': [Tensor [B, H, T, "
             "T]] per block}")
        .def("explain", &explain_dict, py::arg("prompt"), py::arg("target") = py::none(),
             py::arg("sgd_lr") = 0.01, py::arg("sgd_steps") = 5,
             "Teil 1 and Teil 2 on the model's true numbers "
             "(examples/tiny_decoder/lib/explain.hpp)")
        .def("generate", &generate_text, py::arg("prompt"), py::arg("tokens") = 24,
             py::arg("temperature") = 0.0, py::arg("top_k") = 0, py::arg("seed") = 1)
        .def("parameters",
             [](const TinyDecoderHandle& h) { return to_dict(h.model().parameters()); })
        .def_property_readonly("W_out",
                               [](const TinyDecoderHandle& h) { return h.model().W_out(); })
        .def_property_readonly("b_out",
                               [](const TinyDecoderHandle& h) { return h.model().b_out(); });
}

}  // namespace tapegrad::python

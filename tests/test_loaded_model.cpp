// Tests of examples/tiny_decoder/lib/loaded_model: a checkpoint comes back with the tokenizer it
// was trained with, found beside it or in the data folder and checked by SHA-256; each refusal
// names the file and what to do.

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "examples/tiny_decoder/lib/data_paths.hpp"
#include "examples/tiny_decoder/lib/loaded_model.hpp"
#include "examples/tiny_decoder/lib/sha256.hpp"
#include "temp_dir.hpp"
#include "test_helpers.hpp"

using namespace tapegrad;

namespace test_loaded_model {

const std::string kTokenizer = shipped_data_dir() + "/tokenizer.model";

// A small untrained model with the shipped tokenizer's V = 512 (or another V), saved with the
// metadata load_model reads.
std::string save_small(const test::TempDir& dir, std::size_t V, const Metadata& tokenizer_keys) {
    TrainSettings s;
    s.config = TinyDecoderConfig{V, 8, 1, 2, 6};
    s.seq_len = 6;
    s.batch = 2;
    const Trainer trainer(s);
    const std::string path = dir.file("small.safetensors");
    trainer.save(path, tokenizer_keys);
    return path;
}

Metadata shipped_tokenizer_keys() {
    return {{"tokenizer.file", "tokenizer.model"}, {"tokenizer.sha256", sha256_file(kTokenizer)}};
}

}  // namespace test_loaded_model

BOOST_AUTO_TEST_SUITE(test_loaded_model)

BOOST_AUTO_TEST_CASE(a_checkpoint_loads_with_the_tokenizer_of_the_data_folder) {
    const test::TempDir dir;
    const std::string path = save_small(dir, 512, shipped_tokenizer_keys());
    const LoadedModel m = load_model(path);
    BOOST_TEST(m.trainer->model().config().V == 512u);
    BOOST_TEST(m.tokenizer.vocab_size() == 512);
    BOOST_TEST(m.metadata.at("tokenizer.file") == "tokenizer.model");
    BOOST_TEST(folder_of(path) == dir.path.string());
    BOOST_TEST(folder_of("plain.safetensors") == ".");
}

BOOST_AUTO_TEST_CASE(a_tokenizer_beside_the_checkpoint_comes_first_and_must_match_its_sha256) {
    const test::TempDir dir;
    const std::string path = save_small(dir, 512, shipped_tokenizer_keys());
    std::ofstream(dir.file("tokenizer.model")) << "not the tokenizer";
    test::check_invalid_argument([&] { load_model(path); }, {"tokenizer.model: SHA-256",
                                                             "is not the tokenizer", path.c_str()});
}

BOOST_AUTO_TEST_CASE(a_missing_checkpoint_names_the_command_that_trains_one) {
    test::check_invalid_argument([] { load_model("nowhere/c.safetensors"); },
                                 {"nowhere/c.safetensors: no such checkpoint",
                                  "tiny_decoder train --out nowhere/c.safetensors"});
}

BOOST_AUTO_TEST_CASE(missing_tokenizer_keys_and_another_vocabulary_are_refused) {
    const test::TempDir dir;
    const std::string no_keys = save_small(dir, 512, {});
    test::check_invalid_argument([&] { load_model(no_keys); },
                                 {"metadata tokenizer.file / tokenizer.sha256: missing"});
    const std::string other_V = save_small(dir, 50, shipped_tokenizer_keys());
    test::check_invalid_argument([&] { load_model(other_V); },
                                 {"config.V = 50 but the tokenizer has 512 pieces"});
}

BOOST_AUTO_TEST_CASE(weights_without_optimizer_state_run_the_model_but_do_not_resume) {
    // What PyTorch writes from the model's state_dict (with the checkpoint's metadata): the
    // parameters, no "optimizer." tensors.
    const test::TempDir dir;
    const std::string full = save_small(dir, 512, shipped_tokenizer_keys());
    const SafetensorsFile file = load_safetensors(full);
    std::vector<std::pair<std::string, const Array*>> weights;
    for (const auto& [name, array] : file.tensors)
        if (name.rfind("optimizer.", 0) != 0) weights.push_back({name, &array});
    const std::string torch_saved = dir.file("weights.safetensors");
    save_safetensors(torch_saved, weights, file.metadata);

    const LoadedModel m = load_model(torch_saved);  // for inference
    const LoadedModel reference = load_model(full);
    const NamedTensors a = m.trainer->model().parameters();
    const NamedTensors b = reference.trainer->model().parameters();
    BOOST_TEST_REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
        BOOST_TEST(a[i].tensor.value() == b[i].tensor.value());
    test::check_invalid_argument([&] { load_model(torch_saved, {}, Trainer::Use::resume); },
                                 {"weights.safetensors", "optimizer.exp_avg.wte.weight",
                                  "no optimizer state: it can generate and explain, not resume"});
}

BOOST_AUTO_TEST_SUITE_END()

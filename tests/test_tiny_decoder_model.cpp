// Tests of examples/tiny_decoder/lib/model: the parameters by state_dict name in order with their
// shapes, the initialisation (normal(0, 0.02) / zeros / ones, the same bits for the same seed),
// the configuration's metadata and refusals, the forward's shapes and its loss at
// initialisation (close to log V: the logits start near zero).

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/core/tape.hpp"
#include "examples/tiny_decoder/lib/model.hpp"
#include "small_decoder.hpp"

using namespace tapegrad;

namespace test_tiny_decoder_model {

TinyDecoderConfig small() {
    return test::small_decoder();
}

}  // namespace test_tiny_decoder_model

BOOST_AUTO_TEST_SUITE(test_tiny_decoder_model)

BOOST_AUTO_TEST_CASE(parameters_carry_state_dict_names_and_shapes) {
    const TinyDecoder m(small(), 1);
    const NamedTensors p = m.parameters();
    std::vector<std::string> names;
    for (const NamedTensor& t : p) names.push_back(t.name);
    std::vector<std::string> expected = {"wte.weight", "wpe.weight"};
    for (int i = 0; i < 2; ++i)
        for (const char* s : {"ln1.weight", "ln1.bias", "attn.qkv.weight", "attn.qkv.bias",
                              "attn.proj.weight", "attn.proj.bias", "ln2.weight", "ln2.bias",
                              "mlp.fc1.weight", "mlp.fc1.bias", "mlp.fc2.weight", "mlp.fc2.bias"})
            expected.push_back("blocks." + std::to_string(i) + "." + s);
    for (const char* s : {"ln_f.weight", "ln_f.bias", "W_out", "b_out"}) expected.push_back(s);
    BOOST_TEST(names == expected, boost::test_tools::per_element());
    BOOST_TEST(shape_string(p[0].tensor.shape()) == "[50, 8]");
    BOOST_TEST(shape_string(p[1].tensor.shape()) == "[6, 8]");
    BOOST_TEST(shape_string(p[4].tensor.shape()) == "[24, 8]");
    BOOST_TEST(shape_string(p[10].tensor.shape()) == "[32, 8]");
    BOOST_TEST(shape_string(p[12].tensor.shape()) == "[8, 32]");
    BOOST_TEST(shape_string(m.W_out().shape()) == "[50, 8]");
    BOOST_TEST(shape_string(m.b_out().shape()) == "[50]");
}

BOOST_AUTO_TEST_CASE(initialisation_is_seeded_normal_zeros_ones) {
    const TinyDecoder a(small(), 7), b(small(), 7), c(small(), 8);
    const NamedTensors pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
    bool some_differ = false;
    for (std::size_t i = 0; i < pa.size(); ++i) {
        const Array& x = pa[i].tensor.value();
        BOOST_TEST((x == pb[i].tensor.value()));  // same seed, same bits
        some_differ = some_differ || !(x == pc[i].tensor.value());
        const std::string& n = pa[i].name;
        const bool is_bias = n.size() > 5 && n.compare(n.size() - 5, 5, ".bias") == 0;
        const bool is_ln = n.find("ln") != std::string::npos;
        if (is_bias || n == "b_out") {
            for (double v : x) BOOST_TEST(v == 0.0);
        } else if (is_ln) {
            for (double v : x) BOOST_TEST(v == 1.0);
        } else {
            double sum2 = 0;
            for (double v : x) sum2 += v * v;
            const double sd = std::sqrt(sum2 / static_cast<double>(x.size()));
            BOOST_TEST(sd > 0.012);  // 0.02 within sampling error for >= 48 draws
            BOOST_TEST(sd < 0.028);
        }
    }
    BOOST_TEST(some_differ);
}

BOOST_AUTO_TEST_CASE(config_metadata_round_trips_and_is_checked) {
    const TinyDecoderConfig c = small();
    const TinyDecoderConfig back = TinyDecoderConfig::from_metadata(c.metadata());
    BOOST_TEST(back.describe() == "V=50 C=8 L=2 H=2 T_max=6");
    auto m = c.metadata();
    m["config.H"] = "3";  // does not divide C = 8
    BOOST_CHECK_THROW(TinyDecoderConfig::from_metadata(m), std::invalid_argument);
    m["config.H"] = "x";
    BOOST_CHECK_THROW(TinyDecoderConfig::from_metadata(m), std::invalid_argument);
    m.erase("config.H");
    BOOST_CHECK_THROW(TinyDecoderConfig::from_metadata(m), std::invalid_argument);
    TinyDecoderConfig zero = small();
    zero.L = 0;
    BOOST_CHECK_THROW(TinyDecoder(zero, 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(forward_shapes_and_initial_loss_near_log_V) {
    const TinyDecoder m(small(), 3);
    Tape tape;
    const std::vector<int> in = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};  // B = 2, T = 5
    const std::vector<int> tg = {2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
    const TinyDecoderForward f = m.forward(tape, in, 2, 5, true);
    BOOST_TEST(shape_string(f.h.shape()) == "[2, 5, 8]");
    BOOST_TEST(shape_string(f.logits.shape()) == "[2, 5, 50]");
    BOOST_TEST(f.attention.size() == 2u);
    BOOST_TEST(shape_string(f.attention[0].shape()) == "[2, 2, 5, 5]");
    const double L = m.loss(tape, in, tg, 2, 5).item();
    BOOST_TEST(std::abs(L - std::log(50.0)) < 0.05);  // logits start within ~0.02 of zero
    BOOST_CHECK_THROW(m.forward(tape, {1, 2, 50}, 1, 3), std::invalid_argument);  // id >= V
    BOOST_CHECK_THROW(m.forward(tape, std::vector<int>(7, 1), 1, 7), std::invalid_argument);
    BOOST_CHECK_THROW(m.loss(tape, {1, 2}, {1, -1}, 1, 2), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

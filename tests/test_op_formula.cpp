#include "engine/core/op_formula.hpp"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "engine/core/node.hpp"
#include "ops/add.hpp"
#include "ops/add_bias.hpp"
#include "ops/causal_attention.hpp"
#include "ops/causal_softmax.hpp"
#include "ops/cross_entropy.hpp"
#include "ops/embedding.hpp"
#include "ops/gelu.hpp"
#include "ops/layer_norm.hpp"
#include "ops/linear.hpp"
#include "ops/linear_cross_entropy.hpp"
#include "ops/mat_mul.hpp"
#include "ops/mean.hpp"
#include "ops/mean_axis.hpp"
#include "ops/mul.hpp"
#include "ops/relu.hpp"
#include "ops/reshape.hpp"
#include "ops/rms_norm.hpp"
#include "ops/scale.hpp"
#include "ops/sigmoid.hpp"
#include "ops/slice.hpp"
#include "ops/soft_target_cross_entropy.hpp"
#include "ops/softmax.hpp"
#include "ops/softmax_cross_entropy.hpp"
#include "ops/sum.hpp"
#include "ops/sum_axis.hpp"
#include "ops/tanh.hpp"
#include "ops/transpose.hpp"
#include "source_paths.hpp"
#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_op_formula)

using namespace tapegrad;

namespace {
struct WithFormulas {
    static constexpr const char* name = "WithFormulas";
    static constexpr const char* forward_formula = "y = f(x)";
    static constexpr const char* backward_formula = "dL/dx = f'(x) dL/dy";
};
struct WithoutFormulas {
    static constexpr const char* name = "WithoutFormulas";
};
struct OnlyBackward {
    static constexpr const char* name = "OnlyBackward";
    static constexpr const char* backward_formula = "dL/dx = 0";
};

// Formulas stated per object, as an op written in Python states them.
struct ObjectFormulas {
    const char* name = "ObjectFormulas";
    const char* forward_formula = nullptr;
    const char* backward_formula = nullptr;
};

struct Formulas {
    std::string forward, backward;
};

// Every op in ops/, with the formulas of its fullest application (Linear with a bias).
template <class Op>
void add(std::map<std::string, Formulas>& ops, std::size_t inputs) {
    ops[Op::name] = {forward_formula_of(Op{}, inputs), backward_formula_of(Op{}, inputs)};
}
std::map<std::string, Formulas> shipped_ops() {
    std::map<std::string, Formulas> ops;
    add<Linear>(ops, 3);
    add<Softmax>(ops, 1);
    add<MatMul>(ops, 2);
    add<Reshape>(ops, 1);
    add<Transpose>(ops, 1);
    add<Slice>(ops, 1);
    add<Scale>(ops, 1);
    add<Sum>(ops, 1);
    add<Mean>(ops, 1);
    add<SumAxis>(ops, 1);
    add<MeanAxis>(ops, 1);
    add<AddBias>(ops, 2);
    add<CausalSoftmax>(ops, 1);
    add<CausalAttention>(ops, 1);
    add<CrossEntropy>(ops, 1);
    add<SoftmaxCrossEntropy>(ops, 1);
    add<LinearCrossEntropy>(ops, 3);
    add<SoftTargetCrossEntropy>(ops, 1);
    add<Tanh>(ops, 1);
    add<ReLU>(ops, 1);
    add<Sigmoid>(ops, 1);
    add<Embedding>(ops, 1);
    add<LayerNorm>(ops, 3);
    add<GELU>(ops, 1);
    add<RMSNorm>(ops, 2);
    add<Add>(ops, 2);
    add<Mul>(ops, 2);
    return ops;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}
}  // namespace

BOOST_AUTO_TEST_CASE(formulas_are_found_when_stated) {
    BOOST_TEST(std::string(forward_formula_of(WithFormulas{}, 1)) == "y = f(x)");
    BOOST_TEST(std::string(backward_formula_of(WithFormulas{}, 1)) == "dL/dx = f'(x) dL/dy");
}

BOOST_AUTO_TEST_CASE(missing_formulas_are_null) {
    BOOST_TEST(forward_formula_of(WithoutFormulas{}, 1) == nullptr);
    BOOST_TEST(backward_formula_of(WithoutFormulas{}, 1) == nullptr);
    BOOST_TEST(forward_formula_of(OnlyBackward{}, 1) == nullptr);
    BOOST_TEST(std::string(backward_formula_of(OnlyBackward{}, 1)) == "dL/dx = 0");
}

BOOST_AUTO_TEST_CASE(an_object_may_state_its_own_formulas) {
    const ObjectFormulas silu{"SiLU", "y = x sigmoid(x)", nullptr};
    BOOST_TEST(std::string(forward_formula_of(silu, 1)) == "y = x sigmoid(x)");
    BOOST_TEST(backward_formula_of(silu, 1) == nullptr);
    BOOST_TEST(forward_formula_of(ObjectFormulas{}, 1) == nullptr);
}

BOOST_AUTO_TEST_CASE(a_formula_may_depend_on_the_number_of_inputs) {
    BOOST_TEST(std::string(forward_formula_of(Linear{}, 2)) == "z = x W^T");
    BOOST_TEST(std::string(forward_formula_of(Linear{}, 3)) == "z = x W^T + b");
    BOOST_TEST(std::string(backward_formula_of(Linear{}, 2)).find("dL/db") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_node_reports_its_ops_formulas) {
    const OpNode<Tanh, 1> tanh_node;
    BOOST_TEST(std::string(tanh_node.forward_formula()) == "y = tanh(x)");
    const OpNode<Linear, 2> no_bias;
    BOOST_TEST(std::string(no_bias.forward_formula()) == "z = x W^T");
}

namespace {

// The rows of ops/README.md's table, | `Name{...}` | `forward` | `backward` | `file` |, by the
// name's leading word. (Parsed by hand, not with std::regex: GCC 12 with the sanitizers warns
// inside libstdc++'s regex that a std::function may be used uninitialized, an error in CI.)
std::map<std::string, Formulas> formula_table(const std::string& guide) {
    std::map<std::string, Formulas> table;
    std::istringstream lines(guide);
    for (std::string line; std::getline(lines, line);) {
        std::vector<std::string> cells;  // the backquoted contents of the leading cells
        std::size_t pos = 0;
        while (cells.size() < 3 && line.compare(pos, 3, "| `") == 0) {
            const std::size_t close = line.find('`', pos + 3);
            if (close == std::string::npos || line.compare(close, 3, "` |") != 0) break;
            cells.push_back(line.substr(pos + 3, close - pos - 3));
            pos = close + 2;  // the next cell's "|"
        }
        if (cells.size() < 3) continue;
        std::size_t word = 0;
        while (word < cells[0].size() &&
               (std::isalnum(static_cast<unsigned char>(cells[0][word])) || cells[0][word] == '_'))
            ++word;
        if (word > 0) table[cells[0].substr(0, word)] = {cells[1], cells[2]};
    }
    return table;
}

// Every `static constexpr const char* name = "..."` in a header's text.
std::vector<std::string> op_names_in(const std::string& text) {
    const std::string key = "static constexpr const char* name = \"";
    std::vector<std::string> names;
    for (std::size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
        const std::size_t begin = at + key.size();
        const std::size_t end = text.find('"', begin);
        if (end != std::string::npos) names.push_back(text.substr(begin, end - begin));
    }
    return names;
}

}  // namespace

// The table in ops/README.md is a copy of the ops' own formula strings: every row must equal
// them, and every op in ops/ (every `name = "..."` in a header) must have a row.
BOOST_AUTO_TEST_CASE(the_guides_table_matches_every_ops_formulas) {
    const std::filesystem::path source = test::source_dir();
    const std::map<std::string, Formulas> ops = shipped_ops();
    std::size_t headers = 0;
    for (const auto& entry : std::filesystem::directory_iterator(source / "ops")) {
        if (entry.path().extension() != ".hpp") continue;
        for (const std::string& name : op_names_in(read_file(entry.path()))) {
            ++headers;
            BOOST_TEST(ops.count(name) == 1u, name << " (" << entry.path().filename().string()
                                                   << ") is missing from this test's list of ops");
        }
    }
    BOOST_TEST(headers == ops.size());

    const std::map<std::string, Formulas> table =
        formula_table(read_file(source / "ops" / "README.md"));
    for (const auto& [name, formulas] : ops) {
        BOOST_TEST_CONTEXT(name) {
            BOOST_TEST_REQUIRE(table.count(name) == 1u,
                               "no row for " << name << " in ops/README.md");
            BOOST_TEST(table.at(name).forward == formulas.forward);
            BOOST_TEST(table.at(name).backward == formulas.backward);
        }
    }
    BOOST_TEST(table.size() == ops.size());
}

BOOST_AUTO_TEST_SUITE_END()

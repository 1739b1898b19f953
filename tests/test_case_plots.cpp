// Tests of examples/case_tool/case_plots: tokens cannot escape the data blocks, the plotted
// numbers are the computed ones, gnuplot renders real PNGs, and a missing gnuplot is reported,
// not fatal.

#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_plots.hpp"
#include "examples/case_tool/case_result.hpp"
#include "source_paths.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tapegrad;
using tapegrad::test::ScopedEnv;
using tapegrad::test::TempDir;

namespace test_case_plots {

const std::string kCases = test::cases_dir();

// Width and height from a PNG's IHDR chunk; {0, 0} when the file is not a PNG.
std::pair<unsigned, unsigned> png_size(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    unsigned char head[24] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (!in || !std::equal(signature, signature + 8, head) ||
        std::string(head + 12, head + 16) != "IHDR")
        return {0, 0};
    auto be32 = [&](int at) {
        return (unsigned{head[at]} << 24) | (unsigned{head[at + 1]} << 16) |
               (unsigned{head[at + 2]} << 8) | unsigned{head[at + 3]};
    };
    return {be32(16), be32(20)};
}

// The lines of a script outside its data blocks ("$NAME << EOD" ... "EOD").
std::vector<std::string> command_lines(const std::string& script) {
    std::vector<std::string> out;
    std::istringstream in(script);
    std::string line;
    bool in_block = false;
    while (std::getline(in, line)) {
        if (line.find("<< EOD") != std::string::npos)
            in_block = true;
        else if (line == "EOD")
            in_block = false;
        else if (!in_block)
            out.push_back(line);
    }
    return out;
}

// An 800 x 450 chart compresses to 10-40 KB here: below 5 KB it would be empty.
constexpr std::uintmax_t kMinPngBytes = 5000;
constexpr std::uintmax_t kMaxPngBytes = 1000000;

}  // namespace test_case_plots

BOOST_AUTO_TEST_SUITE(test_case_plots)

BOOST_AUTO_TEST_CASE(tokens_appear_only_inside_data_blocks) {
    const Case c = load_case(kCases + "/valid/tricky_tokens.json");
    const CaseResult r = run_case(c);
    const std::vector<PlotScript> scripts = plot_scripts(c, r);
    BOOST_TEST(scripts.size() == 3u);
    for (const PlotScript& s : scripts) {
        for (const std::string& line : command_lines(s.script)) {
            BOOST_TEST_INFO(s.name << ": " << line);
            BOOST_TEST(line.find("PWNED") == std::string::npos);
            BOOST_TEST(line.find('`') == std::string::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(plotted_probabilities_are_the_computed_ones) {
    const Case c = bsp1_case(0.5, 5);
    const CaseResult r = run_case(c);
    const std::vector<PlotScript> scripts = plot_scripts(c, r);
    const std::string& script = scripts.at(0).script;
    std::istringstream in(script.substr(script.find("(input row 0)\n") + 14));
    for (std::size_t i = 0; i < c.V(); ++i) {
        std::string token;
        double before = 0, after = 0;
        int target = 0;
        in >> token >> before >> after >> target;
        BOOST_TEST(token == "\"" + c.vocab[i].token + "\"");
        BOOST_TEST(before == r.probs(0, i));  // %.17g reads back exactly
        BOOST_TEST(after == r.probs_after_sgd(0, i));
        BOOST_TEST(target == (i == c.targets[0] ? 1 : 0));
    }
}

BOOST_AUTO_TEST_CASE(a_batch_gets_a_panel_per_input_row_with_its_target_marked) {
    const Case c = load_case(kCases + "/valid/batch_with_bias.json");  // 3 rows
    const CaseResult r = run_case(c);
    const std::string script = plot_scripts(c, r).at(0).script;
    BOOST_TEST(script.find("set multiplot layout 3,1") != std::string::npos);
    for (std::size_t b = 0; b < 3; ++b) {
        BOOST_TEST_INFO("row " << b);
        const std::size_t block = script.find("(input row " + std::to_string(b) + ")\n");
        BOOST_REQUIRE(block != std::string::npos);
        std::istringstream in(script.substr(script.find('\n', block) + 1));
        for (std::size_t i = 0; i < c.V(); ++i) {
            std::string token;
            double before = 0, after = 0;
            int target = 0;
            in >> token >> before >> after >> target;
            BOOST_TEST(before == r.probs(b, i));
            BOOST_TEST(target == (i == c.targets[b] ? 1 : 0));
        }
        BOOST_TEST(script.find("set title 'input row " + std::to_string(b) + "'") !=
                   std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(gnuplot_renders_three_real_pngs) {
    BOOST_REQUIRE_MESSAGE(!find_on_path("gnuplot").empty(),
                          "gnuplot is needed for this test (Debian: gnuplot-nox)");
    TempDir dir;
    const Case c = load_case(kCases + "/valid/batch_with_bias.json");
    const PlotOutcome out = write_plots((dir.path / "plots").string(), c, run_case(c));
    BOOST_TEST(out.skipped == "");
    BOOST_REQUIRE(out.written.size() == 3u);
    for (const std::string& png : out.written) {
        BOOST_TEST_INFO(png);
        // probabilities.png has a panel of 260 pixels per input row (3 here) and a title.
        const unsigned height =
            fs::path(png).filename() == "probabilities.png" ? 60 + 260 * 3 : 450;
        BOOST_TEST((png_size(png) == std::pair<unsigned, unsigned>{800, height}));
        BOOST_TEST(fs::file_size(png) >= kMinPngBytes);
        BOOST_TEST(fs::file_size(png) <= kMaxPngBytes);
        BOOST_TEST(fs::exists(fs::path(png).replace_extension(".gp")));
    }
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(dir.path / "plots")) {
        BOOST_TEST(entry.path().string().find(".tmp") == std::string::npos);
        ++files;
    }
    BOOST_TEST(files == 6u);  // three PNGs and their scripts, nothing half-written
}

BOOST_AUTO_TEST_CASE(without_gnuplot_the_plots_are_skipped_and_nothing_is_written) {
    TempDir dir;
    const ScopedEnv path("PATH", dir.path.string());  // an empty folder: no gnuplot on PATH
    const Case c = bsp1_case(0.5, 2);
    const PlotOutcome out = write_plots((dir.path / "plots").string(), c, run_case(c));
    BOOST_TEST(out.written.empty());
    BOOST_TEST(out.skipped.rfind("gnuplot not found", 0) == 0u);
    BOOST_TEST(!fs::exists(dir.path / "plots"));
}

BOOST_AUTO_TEST_CASE(a_folder_that_cannot_be_made_is_reported) {
    BOOST_REQUIRE(!find_on_path("gnuplot").empty());
    TempDir dir;
    std::ofstream(dir.path / "a_file") << "not a folder";
    const Case c = bsp1_case(0.5, 2);
    const PlotOutcome out = write_plots((dir.path / "a_file" / "plots").string(), c, run_case(c));
    BOOST_TEST(out.written.empty());
    BOOST_TEST(out.skipped.rfind("cannot create folder", 0) == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

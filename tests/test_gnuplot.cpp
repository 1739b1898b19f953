// Tests of examples/gnuplot: labels cannot escape a data block, numbers read back exactly,
// draw_plot leaves a script and a PNG or, when it cannot, says why and leaves no PNG.

#include "examples/gnuplot/gnuplot.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace tapegrad;
using tapegrad::test::ScopedEnv;
using tapegrad::test::TempDir;

namespace test_gnuplot {

// A 200 x 100 plot of three points.
const std::string kScript =
    "set terminal pngcairo size 200,100\n$D << EOD\n0 1\n1 2\n2 0.5\nEOD\nplot $D with lines\n";

std::size_t files_in(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(dir)) {
        BOOST_TEST(entry.path().string().find(".tmp") == std::string::npos, entry.path());
        ++n;
    }
    return n;
}

}  // namespace test_gnuplot

BOOST_AUTO_TEST_SUITE(test_gnuplot)

BOOST_AUTO_TEST_CASE(labels_lose_quotes_backquotes_and_control_characters) {
    BOOST_TEST(plot_label("Frankreich") == "Frankreich");
    BOOST_TEST(plot_label("say \"hi\"") == "say 'hi'");
    BOOST_TEST(plot_label("`rm -rf`") == "'rm -rf'");
    BOOST_TEST(plot_label("line\nbreak\t\x07") == "line break  ");
    BOOST_TEST(plot_label("Österreich") == "Österreich");  // UTF-8 kept as it is
}

BOOST_AUTO_TEST_CASE(long_labels_are_cut_on_a_character_boundary) {
    const std::string twelve_umlauts = "ÖÖÖÖÖÖÖÖÖÖÖÖ";  // 12 characters, 24 bytes
    BOOST_TEST(plot_label(twelve_umlauts) == twelve_umlauts);
    BOOST_TEST(plot_label(twelve_umlauts + "Ö") == twelve_umlauts + "...");
    BOOST_TEST(plot_label(std::string(23, 'a') + "ÖÖ") == std::string(23, 'a') + "Ö...");
}

BOOST_AUTO_TEST_CASE(numbers_read_back_to_the_same_double) {
    for (double v : {0.1, 1.0 / 3.0, -2.5e-300, 12345.678901234567, 0.0}) {
        BOOST_TEST(std::strtod(plot_number(v).c_str(), nullptr) == v);
    }
    BOOST_TEST(plot_number(0.5) == "0.5");
}

BOOST_AUTO_TEST_CASE(find_on_path_finds_programs_and_only_those) {
    BOOST_TEST(!find_on_path("sh").empty());
    BOOST_TEST(find_on_path("tapegrad-no-such-program").empty());
}

BOOST_AUTO_TEST_CASE(draw_plot_writes_the_script_and_the_png_and_nothing_else) {
    BOOST_REQUIRE_MESSAGE(!find_on_path("gnuplot").empty(),
                          "gnuplot is needed for this test (Debian: gnuplot-nox)");
    TempDir dir("tapegrad_gnuplot");
    std::string why;
    const std::string png = draw_plot((dir.path / "figures").string(), "line", kScript, why);
    BOOST_TEST(why == "");
    BOOST_TEST(png == (dir.path / "figures" / "line.png").string());
    BOOST_TEST(fs::file_size(png) > 0u);
    std::ifstream gp(dir.path / "figures" / "line.gp");
    const std::string kept((std::istreambuf_iterator<char>(gp)), std::istreambuf_iterator<char>());
    BOOST_TEST(kept == kScript);
    BOOST_TEST(files_in(dir.path / "figures") == 2u);
}

BOOST_AUTO_TEST_CASE(a_failing_script_is_reported_and_leaves_no_png) {
    BOOST_REQUIRE(!find_on_path("gnuplot").empty());
    TempDir dir("tapegrad_gnuplot");
    std::string why;
    const std::string png =
        draw_plot(dir.path.string(), "broken", "set terminal pngcairo\nplot $NoSuchBlock\n", why);
    BOOST_TEST(png == "");
    BOOST_TEST(
        why.rfind("gnuplot failed on " + (dir.path / "broken.gp").string() + " (exit status ", 0) ==
            0u,
        why);
    BOOST_TEST(!fs::exists(dir.path / "broken.png"));
    BOOST_TEST(files_in(dir.path) == 1u);  // the script, to read what failed
}

BOOST_AUTO_TEST_CASE(without_gnuplot_nothing_is_written) {
    TempDir dir("tapegrad_gnuplot");
    const ScopedEnv path("PATH", dir.path.string());  // an empty folder: no gnuplot on PATH
    std::string why;
    BOOST_TEST(draw_plot((dir.path / "figures").string(), "line", kScript, why) == "");
    BOOST_TEST(why.rfind("gnuplot not found on PATH", 0) == 0u);
    BOOST_TEST(!fs::exists(dir.path / "figures"));
}

BOOST_AUTO_TEST_CASE(a_folder_that_cannot_be_made_is_reported) {
    BOOST_REQUIRE(!find_on_path("gnuplot").empty());
    TempDir dir("tapegrad_gnuplot");
    std::ofstream(dir.path / "a_file") << "not a folder";
    std::string why;
    BOOST_TEST(draw_plot((dir.path / "a_file" / "x").string(), "line", kScript, why) == "");
    BOOST_TEST(why.rfind("cannot create folder", 0) == 0u, why);
}

BOOST_AUTO_TEST_SUITE_END()

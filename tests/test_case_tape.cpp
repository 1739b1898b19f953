// show_case_tape (examples/case_tool/case_tape.hpp): Bsp. 1 on a tape, traced and as DOT.
#include "examples/case_tool/case_tape.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_helpers.hpp"

BOOST_AUTO_TEST_SUITE(test_case_tape)

using namespace tapegrad;
using namespace tapegrad::examples;

BOOST_AUTO_TEST_CASE(the_trace_of_bsp1_shows_p_minus_y_and_the_slides_gradient) {
    std::ostringstream out;
    show_case_tape(out, bsp1_case(0.5, 5), "W_out", true, "");
    const std::string text = out.str();
    BOOST_TEST(text.find("passes dL/dz [3] = [-0.341, 0.2424, 0.09857]") != std::string::npos,
               text);
    BOOST_TEST(text.find("passes dL/dW_out [3, 2] = [[-0.5115, -0.1705], [0.3636, 0.1212], "
                         "[0.1478, 0.04928]]") != std::string::npos,
               text);
    BOOST_TEST(text.find("z = x W^T + b") == std::string::npos, text);  // Bsp. 1 has no bias
}

BOOST_AUTO_TEST_CASE(the_dot_file_holds_the_three_node_graph) {
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "tapegrad_case_tape";
    std::filesystem::create_directories(dir);
    const std::string file = (dir / "bsp1.gv").string();  // not *.dot: no PNG rendered
    std::ostringstream out;
    show_case_tape(out, bsp1_case(0.5, 5), "W_out", false, file);
    std::ifstream in(file);
    std::stringstream dot;
    dot << in.rdbuf();
    BOOST_TEST(dot.str().rfind("digraph tape {", 0) == 0u, dot.str());
    for (const char* op : {"Linear", "Softmax", "CrossEntropy"})
        BOOST_TEST(dot.str().find(op) != std::string::npos, op);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_SUITE_END()

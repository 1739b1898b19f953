// Tests of examples/tiny_decoder/lib/plots: the gnuplot scripts the trainer and explain draw.

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "examples/tiny_decoder/lib/plots.hpp"

using namespace tapegrad;

BOOST_AUTO_TEST_SUITE(test_plots)

BOOST_AUTO_TEST_CASE(the_loss_curve_plots_validation_only_when_there_is_some) {
    const std::vector<double> losses{2.0, 1.5, 1.25};
    const std::string with = loss_curve_script(losses, {{2, 1.75}});
    BOOST_TEST(with.find("$valid with linespoints") != std::string::npos);
    BOOST_TEST(with.find("2 1.75") != std::string::npos);
    // Without held-out text, no empty series (gnuplot would warn "no valid points").
    const std::string without = loss_curve_script(losses, {});
    BOOST_TEST(without.find("$valid") == std::string::npos);
    BOOST_TEST(without.find("plot $train with lines") != std::string::npos);
    BOOST_TEST(without.find("3 1.25") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

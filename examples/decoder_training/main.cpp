/// decoder_training: the command line around the walkthrough and the case-file tool.
///
///   decoder_training [--steps N] [--lr X]   the walkthrough (walkthrough.cpp), then its plots
///   --case FILE [--json]                    a user's own case (examples/case_tool/)
///   --json                                  Bsp. 1 as one JSON document
///   --trace, --dot FILE                     the tape of Bsp. 1 (or of --case), node by node
///   --plots DIR, --no-plots, --check-finite
///
/// Every error prints one line on stderr, "decoder_training: ...", and exits with status 2.

#include <cmath>
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>

#include "examples/case_tool/case_file.hpp"
#include "examples/case_tool/case_plots.hpp"
#include "examples/case_tool/case_report.hpp"
#include "examples/case_tool/case_result.hpp"
#include "examples/case_tool/case_tape.hpp"
#include "examples/decoder_training/walkthrough.hpp"

using namespace tapegrad;

namespace {

// A message as one line: control characters (a newline in a token, say) become '?'.
std::string one_line(std::string text) {
    for (char& ch : text)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    return text;
}

// Writes the plots of a case and says where (or why not) on `out`.
void plots_for(const std::string& dir, const Case& c, const CaseResult& r, std::FILE* out) {
    const PlotOutcome plots = write_plots(dir, c, r);
    for (const std::string& path : plots.written) std::fprintf(out, "plot: %s\n", path.c_str());
    if (!plots.skipped.empty())
        std::fprintf(out, "plots skipped: %s\n", one_line(plots.skipped).c_str());
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "decoder_training: the decoder notebook (prediction, Bsp. 1, Bsp. 2, SGD) on a tape;\n"
        "with --case, the same comparison on your own numbers from a JSON case file"};
    int steps = 5;
    double lr = 0.5;
    std::string case_path;
    bool json_output = false;
    std::string plots_dir = "plots";
    bool no_plots = false;
    app.add_option("--case", case_path,
                   "Run a case from a JSON file (W or logits, b, x, target, vocab, lr, steps) "
                   "instead of the walkthrough")
        ->type_name("FILE");
    CLI::Option* json_option =
        app.add_flag("--json", json_output,
                     "Print one JSON document with the results on stdout and nothing else "
                     "(without --case: Bsp. 1); writes plots only when --plots is given");
    app.add_option("--steps", steps, "SGD steps (overrides the case's \"steps\")")
        ->capture_default_str()
        ->check(CLI::Range(0, kMaxSteps));
    app.add_option("--lr", lr, "SGD learning rate (overrides the case's \"lr\")")
        ->capture_default_str();
    CLI::Option* plots_option =
        app.add_option("--plots", plots_dir,
                       "Folder for the plots (PNG, with their gnuplot scripts)")
            ->type_name("DIR")
            ->capture_default_str();
    app.add_flag("--no-plots", no_plots, "Do not draw the plots")->excludes(plots_option);
    bool check_finite = false;
    app.add_flag("--check-finite", check_finite,
                 "Stop at the first op whose output or gradient is NaN or infinite, naming it");
    // Watching backpropagation (instead of the walkthrough): the tape of Bsp. 1 or of --case.
    bool trace = false;
    std::string dot_file;
    app.add_flag("--trace", trace,
                 "print the tape of Bsp. 1 (or of --case): each node forward, then backward "
                 "node by node")
        ->excludes(json_option);
    app.add_option("--dot", dot_file,
                   "write the tape of Bsp. 1 (or of --case) as Graphviz DOT to FILE (*.dot: also "
                   "a .png, if dot is installed)")
        ->option_text("FILE")
        ->excludes(json_option);
    try {
        app.parse(argc, argv);
        if (app.count("--dot") && dot_file.empty())
            throw CLI::ValidationError("--dot", "needs a file name, got an empty one");
        if (!std::isfinite(lr) || lr < 0)
            throw CLI::ValidationError(
                "--lr", "must be a finite number >= 0, got " + app["--lr"]->as<std::string>());
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "decoder_training: " << one_line(e.what()) << "\n";
        return 2;
    }
    const bool draw_plots = !no_plots && (!json_output || plots_option->count() > 0);
    try {
        if (trace || app.count("--dot")) {
            const Case c = case_path.empty() ? bsp1_case(lr, steps) : load_case(case_path);
            examples::show_case_tape(std::cout, c, case_path.empty() ? "W_out" : "W", trace,
                                     dot_file);
            return 0;
        }
        if (json_output || !case_path.empty()) {
            // Everything is computed before anything is printed: an error leaves stdout empty.
            Case c = case_path.empty() ? bsp1_case(lr, steps) : load_case(case_path);
            if (app.count("--lr")) c.lr = lr;
            if (app.count("--steps")) c.steps = steps;
            CaseResult r;
            try {
                r = run_case(c, check_finite);
            } catch (const std::exception& e) {
                // Numbers that overflow together, or --check-finite stopping: like every other
                // problem with a case, the message names the file.
                if (case_path.empty()) throw;
                throw std::runtime_error(case_path + ": " + e.what());
            }
            if (json_output) {
                const std::string text = result_json_text(c, r);
                if (draw_plots) plots_for(plots_dir, c, r, stderr);
                std::fwrite(text.data(), 1, text.size(), stdout);
            } else {
                const std::string text = report_text(c, r, case_path);
                std::fwrite(text.data(), 1, text.size(), stdout);
                if (draw_plots) {
                    std::printf("\n");
                    plots_for(plots_dir, c, r, stdout);
                }
            }
            return 0;
        }
        // The walkthrough, then its plots: those come from the case tool's Bsp. 1, computed
        // before anything is printed, as for a case (an error leaves stdout empty).
        const Case bsp1 = bsp1_case(lr, steps);
        const CaseResult bsp1_result = run_case(bsp1, check_finite);
        walkthrough::run(steps, lr, check_finite);
        if (draw_plots) {
            std::printf("\nThe notebook's figures for Bsp. 1 (probabilities, SGD, -log p):\n");
            plots_for(plots_dir, bsp1, bsp1_result, stdout);
        }
    } catch (const std::exception& e) {
        std::cerr << "decoder_training: " << one_line(e.what()) << "\n";
        return 2;
    }
    return 0;
}

#include "examples/tiny_decoder/cli/default_run.hpp"

#include <cstdio>
#include <filesystem>

#include "examples/tiny_decoder/cli/command.hpp"
#include "examples/tiny_decoder/cli/explain_command.hpp"
#include "examples/tiny_decoder/cli/train_command.hpp"

namespace tapegrad::cli {

int run_default() {
    if (std::filesystem::exists(default_checkpoint())) {
        std::printf("using %s (delete it to train again)\n\n", default_checkpoint().c_str());
    } else {
        const CLI::App defaults;  // no option given
        const int rc = run_train(TrainArgs{}, defaults);
        if (rc != 0) return rc;
        std::printf("\n");
    }
    return run_explain(ExplainArgs{});
}

}  // namespace tapegrad::cli

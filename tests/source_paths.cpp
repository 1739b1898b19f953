#include "source_paths.hpp"

namespace tapegrad::test {

const std::string& source_dir() {
    static const std::string dir = TAPEGRAD_SOURCE_DIR;
    return dir;
}

const std::string& cases_dir() {
    static const std::string dir = TAPEGRAD_SOURCE_DIR "/tests/cases";
    return dir;
}

const std::string& checkpoints_dir() {
    static const std::string dir = TAPEGRAD_SOURCE_DIR "/tests/checkpoints";
    return dir;
}

}  // namespace tapegrad::test

#include "examples/tiny_decoder/lib/data_paths.hpp"

#include <cstdlib>

#ifndef TAPEGRAD_TINY_DECODER_DATA_DIR
#error "TAPEGRAD_TINY_DECODER_DATA_DIR must be set (examples/tiny_decoder/CMakeLists.txt does)"
#endif

namespace tapegrad {

std::string shipped_data_dir() {
    return TAPEGRAD_TINY_DECODER_DATA_DIR;
}

std::string default_data_dir() {
    const char* dir = std::getenv("TAPEGRAD_DATA_DIR");
    if (dir != nullptr && *dir != '\0') return dir;
    return shipped_data_dir();
}

}  // namespace tapegrad

#pragma once
/// Where the tests find the repository's files (tests/cases, tests/checkpoints, the sources).
/// The paths are compiled into source_paths.cpp alone: every other test file's compile command
/// is then the same in every clone of the repository, so a compiler cache shared by clones
/// (CMakeLists.txt, TAPEGRAD_CCACHE) finds them.

#include <string>

namespace tapegrad::test {

const std::string& source_dir();       // the repository's top folder
const std::string& cases_dir();        // tests/cases
const std::string& checkpoints_dir();  // tests/checkpoints

}  // namespace tapegrad::test

// Tests of examples/tiny_decoder/lib/data_paths: the compiled-in data folder and its override.

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include "examples/tiny_decoder/lib/data_paths.hpp"

namespace fs = std::filesystem;
using namespace tapegrad;

namespace test_data_paths {

// Sets (or, with no value, unsets) TAPEGRAD_DATA_DIR for the scope of a test.
struct ScopedDataDir {
    std::optional<std::string> old;
    explicit ScopedDataDir(const char* value) {
        if (const char* v = std::getenv("TAPEGRAD_DATA_DIR")) old = v;
        if (value)
            ::setenv("TAPEGRAD_DATA_DIR", value, 1);
        else
            ::unsetenv("TAPEGRAD_DATA_DIR");
    }
    ~ScopedDataDir() {
        if (old)
            ::setenv("TAPEGRAD_DATA_DIR", old->c_str(), 1);
        else
            ::unsetenv("TAPEGRAD_DATA_DIR");
    }
};

}  // namespace test_data_paths

BOOST_AUTO_TEST_SUITE(test_data_paths)

BOOST_AUTO_TEST_CASE(the_shipped_folder_is_absolute_and_holds_the_shipped_files) {
    const fs::path dir = shipped_data_dir();
    BOOST_TEST(dir.is_absolute());
    for (const char* file : {"train.txt", "valid.txt", "countries.tsv", "tokenizer.model",
                             "tokenizer.vocab", "make_corpus.py"})
        BOOST_TEST(fs::is_regular_file(dir / file), dir / file);
}

BOOST_AUTO_TEST_CASE(the_environment_variable_overrides_the_shipped_folder) {
    {
        ScopedDataDir env(nullptr);
        BOOST_TEST(default_data_dir() == shipped_data_dir());
    }
    {
        ScopedDataDir env("");  // empty: as if unset
        BOOST_TEST(default_data_dir() == shipped_data_dir());
    }
    {
        ScopedDataDir env("/somewhere/else");
        BOOST_TEST(default_data_dir() == "/somewhere/else");
        BOOST_TEST(shipped_data_dir() != "/somewhere/else");
    }
}

BOOST_AUTO_TEST_SUITE_END()

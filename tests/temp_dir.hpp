#pragma once
/// Test helpers for tests that write files or change the environment: a fresh temporary
/// folder removed at the end of the test, and an environment variable set for one scope.

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace tapegrad::test {

/// A fresh empty folder under the system's temporary folder (<tmp>/<prefix>_XXXXXX),
/// removed with everything in it when the test ends.
struct TempDir {
    std::filesystem::path path;
    explicit TempDir(const std::string& prefix = "tapegrad") {
        std::string templ =
            (std::filesystem::temp_directory_path() / (prefix + "_XXXXXX")).string();
        path = ::mkdtemp(templ.data());
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    /// The path of a file `name` in the folder.
    std::string file(const std::string& name) const { return (path / name).string(); }
};

/// Sets an environment variable for the scope of a test, then restores it (or unsets it).
struct ScopedEnv {
    std::string name, old;
    bool had;
    ScopedEnv(const std::string& n, const std::string& value) : name(n) {
        const char* v = std::getenv(n.c_str());
        had = v != nullptr;
        if (had) old = v;
        ::setenv(n.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() {
        if (had)
            ::setenv(name.c_str(), old.c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;
};

}  // namespace tapegrad::test

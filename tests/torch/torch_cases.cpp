/// torch_cases: writes every registered PyTorch reference case as one JSON document (see
/// torch_case.hpp), to standard output or, with --output FILE, to FILE (written to a temporary
/// file beside it, then renamed). Errors: one line on stderr, exit 2.

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/torch/torch_case.hpp"

namespace {

using tapegrad::torch_cases::json;

void write_atomically(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        out.flush();
        if (!out) throw std::runtime_error("cannot write " + tmp);
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) {
        std::filesystem::remove(tmp);
        throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + ec.message());
    }
}

}  // namespace

int main(int argc, char** argv) {
    try {
        std::string output;
        for (int i = 1; i < argc; ++i) {
            const std::string arg = argv[i];
            if (arg == "--output" && i + 1 < argc) {
                output = argv[++i];
            } else {
                throw std::runtime_error("usage: torch_cases [--output FILE]; got '" + arg + "'");
            }
        }
        for (const std::string& group : tapegrad::torch_cases::duplicate_groups())
            throw std::runtime_error("case group '" + group + "' is registered twice");
        tapegrad::torch_cases::Cases cases;
        for (const auto& [group, writer] : tapegrad::torch_cases::registered_writers()) {
            try {
                writer(cases);
            } catch (const std::exception& e) {
                throw std::runtime_error("case group '" + group + "': " + e.what());
            }
        }
        const json doc = {
            {"format", "tapegrad-torch-cases"}, {"version", 1}, {"cases", cases.list()}};
        const std::string text = doc.dump() + "\n";
        if (output.empty()) {
            std::cout << text;
            std::cout.flush();
            if (!std::cout) throw std::runtime_error("cannot write to standard output");
        } else {
            write_atomically(output, text);
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "torch_cases: %s\n", e.what());
        return 2;
    }
}

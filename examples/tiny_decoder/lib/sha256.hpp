#pragma once
/// SHA-256 of a file, as lowercase hex (OpenSSL's libcrypto, Debian's libssl-dev), so a
/// checkpoint can name the exact tokenizer and corpus it was trained with.

#include <string>

namespace tapegrad {

/// Throws std::invalid_argument "<path>: cannot read" when the file cannot be read.
std::string sha256_file(const std::string& path);
/// Of a string in memory (for the test vectors).
std::string sha256_hex(const std::string& bytes);

}  // namespace tapegrad

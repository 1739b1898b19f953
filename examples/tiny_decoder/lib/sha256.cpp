#include "examples/tiny_decoder/lib/sha256.hpp"

#include <openssl/evp.h>

#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace tapegrad {

namespace {

struct Digest {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
    Digest() {
        if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("sha256: OpenSSL could not start a SHA-256 digest");
    }
    void update(const char* data, std::size_t n) {
        if (EVP_DigestUpdate(ctx.get(), data, n) != 1)
            throw std::runtime_error("sha256: OpenSSL digest update failed");
    }
    std::string hex() {
        unsigned char out[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        if (EVP_DigestFinal_ex(ctx.get(), out, &n) != 1)
            throw std::runtime_error("sha256: OpenSSL digest final failed");
        static const char digits[] = "0123456789abcdef";
        std::string s;
        for (unsigned int i = 0; i < n; ++i) {
            s += digits[out[i] >> 4];
            s += digits[out[i] & 15];
        }
        return s;
    }
};

}  // namespace

std::string sha256_hex(const std::string& bytes) {
    Digest d;
    d.update(bytes.data(), bytes.size());
    return d.hex();
}

std::string sha256_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument(path + ": cannot read");
    Digest d;
    std::vector<char> buffer(1 << 16);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        d.update(buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    if (in.bad()) throw std::invalid_argument(path + ": cannot read");
    return d.hex();
}

}  // namespace tapegrad

// Tests of examples/tiny_decoder/lib/sha256: FIPS 180-4's test vectors through OpenSSL, a file's
// digest equal to its bytes' digest, and the refusal of a missing file.

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "examples/tiny_decoder/lib/sha256.hpp"

using namespace tapegrad;

BOOST_AUTO_TEST_SUITE(test_sha256)

BOOST_AUTO_TEST_CASE(fips_180_4_test_vectors) {
    BOOST_TEST(sha256_hex("") ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_TEST(sha256_hex("abc") ==
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_TEST(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
               "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    BOOST_TEST(sha256_hex(std::string(1000000, 'a')) ==
               "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

BOOST_AUTO_TEST_CASE(a_file_hashes_as_its_bytes) {
    const std::string path =
        (std::filesystem::temp_directory_path() / "tapegrad_sha256_test.bin").string();
    const std::string bytes = std::string(200000, 'x') + "end";  // more than one read chunk
    std::ofstream(path, std::ios::binary) << bytes;
    BOOST_TEST(sha256_file(path) == sha256_hex(bytes));
    std::remove(path.c_str());
    BOOST_CHECK_THROW(sha256_file(path), std::invalid_argument);
}

BOOST_AUTO_TEST_SUITE_END()

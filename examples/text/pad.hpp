#pragma once
/// Text columns for tables printed on a terminal: widths in characters, not bytes.
///
/// printf's "%-28s" counts bytes, so every UTF-8 umlaut ("Bär", "Größe": two bytes each) or
/// SentencePiece's "▁" (three bytes) pulls the rest of its row one or two columns left. Here a
/// character is a Unicode code point: right for German text in NFC (an umlaut is one code point)
/// and for the tokenizer's pieces; combining marks and wide (CJK) characters are not handled.

#include <cstddef>
#include <string>

namespace tapegrad::text {

/// The number of code points of UTF-8 text (bytes that do not continue a sequence).
inline std::size_t display_width(const std::string& s) {
    std::size_t n = 0;
    for (const unsigned char ch : s) n += (ch & 0xC0) != 0x80;
    return n;
}

/// `s` padded with spaces to `width` characters, left-aligned (or right-aligned); unchanged when
/// it is already as wide.
inline std::string pad(const std::string& s, std::size_t width, bool right = false) {
    const std::size_t n = display_width(s);
    const std::string fill(n < width ? width - n : 0, ' ');
    return right ? fill + s : s + fill;
}

}  // namespace tapegrad::text

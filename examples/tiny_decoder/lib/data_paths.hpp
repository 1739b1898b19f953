#pragma once
/// Where the tiny decoder's shipped files are: the corpus (train.txt, valid.txt,
/// countries.tsv) and the trained tokenizer (tokenizer.model), in examples/tiny_decoder/data.

#include <string>

namespace tapegrad {

/// The source tree's examples/tiny_decoder/data as an absolute path, compiled in
/// (TAPEGRAD_TINY_DECODER_DATA_DIR), so programs and tests find the shipped files from any
/// current folder. Tests use this one: they check the files that are committed.
std::string shipped_data_dir();

/// The folder programs read their data from by default: the environment variable
/// TAPEGRAD_DATA_DIR when it is set and not empty (a copy elsewhere, an installed tree),
/// else shipped_data_dir().
std::string default_data_dir();

}  // namespace tapegrad

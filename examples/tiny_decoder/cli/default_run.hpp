#pragma once
/// tiny_decoder with no subcommand: the whole story in one command. Trains the default model
/// unless tiny_decoder_run/checkpoint.safetensors exists, then explains "Paris ist die
/// Hauptstadt von".

namespace tapegrad::cli {

int run_default();

}  // namespace tapegrad::cli

"""The tiny decoder from Python: the training loop of `tiny_decoder train` written in Python
gives the program's checkpoint, and explain / generate give the program's numbers
(python/src/bind_tiny_decoder.cpp). TAPEGRAD_TINY_DECODER names the program (set by ctest)."""
import json
import os
import subprocess

import numpy as np
import pytest

import tapegrad as tg

STEPS = 30
PROMPT = "Paris ist die Hauptstadt von"
PROGRAM = os.environ.get("TAPEGRAD_TINY_DECODER")


def program(*args):
    if not PROGRAM:
        pytest.skip("TAPEGRAD_TINY_DECODER is not set (ctest sets it)")
    return subprocess.run([PROGRAM, *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """STEPS steps of the default run, as the program trains it, in a Python loop."""
    folder = tmp_path_factory.mktemp("tiny_decoder")
    data = tg.tiny_decoder_data_dir()
    tok = tg.Tokenizer.load(os.path.join(data, "tokenizer.model"))
    trainer = tg.Trainer(V=tok.vocab_size)  # the program's defaults: C=64 L=2 H=4 T_max=32
    corpus = tg.TokenCorpus.from_file(os.path.join(data, "train.txt"), tok, 32)
    sampler = tg.BatchSampler(corpus, 32, 1337)
    losses = []
    for _ in range(STEPS):
        inputs, targets = sampler.next()
        losses.append(trainer.step(inputs, targets, 32, 32))
        trainer.data_position = sampler.position
    path = str(folder / "python.safetensors")
    trainer.save(path, os.path.join(data, "tokenizer.model"))
    return folder, path, losses


def test_the_python_loop_gives_the_programs_checkpoint(trained):
    folder, path, losses = trained
    assert losses[-1] < losses[0]
    out = str(folder / "program.safetensors")
    program("train", "--steps", str(STEPS), "--out", out, "--no-plots")
    ours, our_meta = tg.load_safetensors(path)
    theirs, their_meta = tg.load_safetensors(out)
    assert list(ours) == list(theirs)
    for name in ours:  # parameters and AdamW moments, bit for bit
        np.testing.assert_array_equal(ours[name], theirs[name], err_msg=name)
    for key in ("optimizer.step", "data.position", "tokenizer.sha256", "config.V"):
        assert our_meta[key] == their_meta[key]


def test_explain_gives_the_closed_form_on_the_whole_tape(trained):
    model = tg.TinyDecoder.load(trained[1])
    r = model.explain(PROMPT, target="Frankreich")
    assert r["pieces"] == model.pieces(model.encode(PROMPT))
    assert r["target_piece"] == "\u2581Frankreich"
    y = np.zeros(model.config["V"])
    y[r["target"]] = 1.0
    np.testing.assert_allclose(r["grad_logits"], r["p"] - y, rtol=0, atol=1e-15)
    assert np.max(np.abs(r["grad_W_out"] - np.outer(r["p"] - y, r["h"]))) <= 1e-12
    assert max(r["max_diff_W_out"], r["max_diff_b_out"], r["max_diff_grad_logits"]) <= 1e-12
    assert r["loss"] == pytest.approx(-np.log(r["p"][r["target"]]), rel=1e-12)
    assert abs(r["p"].sum() - 1.0) < 1e-12 and r["argmax"] == int(np.argmax(r["p"]))
    sgd = r["sgd"]
    assert sgd[-1]["p_target"] > sgd[0]["p_target"] and sgd[-1]["loss"] < sgd[0]["loss"]
    np.testing.assert_allclose(r["attention"].sum(-1), 1.0, atol=1e-12)
    own = model.explain(PROMPT)  # no target: the model's own prediction
    assert own["target"] == own["argmax"]


def test_explain_and_generate_give_the_programs_numbers(trained):
    model = tg.TinyDecoder.load(trained[1])
    r = model.explain(PROMPT, target="Frankreich")
    j = json.loads(program("explain", "--checkpoint", trained[1], "--prompt", PROMPT,
                           "--target", "Frankreich", "--json"))
    np.testing.assert_array_equal(r["h"], j["h"])
    np.testing.assert_array_equal(r["p"], j["probabilities"])
    np.testing.assert_array_equal(r["grad_W_out"], j["grad_W_out"])
    assert r["loss"] == j["loss"]
    text = program("generate", "--checkpoint", trained[1], "--prompt", "Berlin ist", "--tokens", "8")
    assert model.generate("Berlin ist", tokens=8) == text.rstrip("\n")


def test_forward_on_a_batch(trained):
    model = tg.TinyDecoder.load(trained[1])
    tape = tg.Tape()
    ids = np.array([model.encode(PROMPT)[:5]] * 2)
    f = model.forward(tape, ids, keep_attention=True)
    V, C, H = model.config["V"], model.config["C"], model.config["H"]
    assert f["logits"].shape == (2, 5, V) and f["h"].shape == (2, 5, C)
    assert [a.shape for a in f["attention"]] == [(2, H, 5, 5)] * model.config["L"]


def test_bad_input_is_a_python_exception(trained, tmp_path):
    model = tg.TinyDecoder.load(trained[1])
    with pytest.raises(ValueError, match="no such checkpoint"):
        tg.TinyDecoder.load(str(tmp_path / "missing.safetensors"))
    broken = tmp_path / "broken.safetensors"
    broken.write_bytes(open(trained[1], "rb").read()[:100])
    with pytest.raises(tg.CheckpointError, match="broken.safetensors"):
        tg.TinyDecoder.load(str(broken))
    with pytest.raises(ValueError, match="the prompt is empty"):
        model.explain("   ")
    with pytest.raises(ValueError, match="not one piece|not in the vocabulary"):
        model.explain(PROMPT, target="Donaudampfschifffahrt")
    with pytest.raises(ValueError, match="512"):
        model.forward(tg.Tape(), [1, 512])
    with pytest.raises(ValueError, match="temperature"):
        model.generate(PROMPT, temperature=-1.0)

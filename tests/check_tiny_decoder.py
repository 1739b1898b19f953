#!/usr/bin/env python3
"""End-to-end checks of build/examples/tiny_decoder at a tiny size (C=16, L=1, H=2, T_max=8,
B=4, a few steps: seconds on two cores).

Usage: check_tiny_decoder.py BINARY PART      PART: reproducible | commands | refusals

  reproducible  two trainings with one seed write byte-identical checkpoints, also at the
                default size with 1 and with 2 threads; training 10
                steps and resuming to 20 gives the bytes of 20 steps in one run; another seed
                gives other bytes; the metadata names the configuration, AdamW's
                hyperparameters and step, the data position and the tokenizer's SHA-256
  commands      explain (text and --json: ids, pieces, h, logits, probabilities summing to 1,
                max differences below 1e-12; five prompts of one's own with and without
                --target, every difference below 1e-12; a model of one's own corpus without
                "Frankreich" explains its own prediction), generate (greedy twice: the same
                text), step
                (one loss per step, a checkpoint at the new step), plots when gnuplot exists
  refusals      every bad input exits 2 with one line on stderr naming it, and
                writes nothing
Standard library only. Exit 0 when all checks pass, 1 otherwise.
"""
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

failures = []
TINY = ["--channels", "16", "--layers", "1", "--heads", "2", "--context", "8", "--batch", "4",
        "--eval-every", "5", "--no-plots"]


def check(condition, message):
    if not condition:
        failures.append(message)


def run(binary, args, cwd, env=None):
    return subprocess.run([binary] + args, capture_output=True, cwd=cwd, text=True, env=env)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def read_header(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    return json.loads(data[8:8 + n]), data[8 + n:]


def write_with_metadata(src, dst, change):
    """A copy of checkpoint src with its metadata changed by change(dict)."""
    header, body = read_header(src)
    change(header["__metadata__"])
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(dst, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + body)


def train(binary, cwd, out, steps, extra=()):
    r = run(binary, ["train", "--steps", str(steps), "--out", out] + TINY + list(extra), cwd)
    check(r.returncode == 0, f"train {out}: exit {r.returncode}: {r.stderr}")
    return r


def part_reproducible(binary, tmp):
    train(binary, tmp, "a/c.safetensors", 20)
    train(binary, tmp, "b/c.safetensors", 20)
    check(sha(f"{tmp}/a/c.safetensors") == sha(f"{tmp}/b/c.safetensors"),
          "two trainings with one seed wrote different checkpoints")
    train(binary, tmp, "r/c10.safetensors", 10)
    r = run(binary, ["train", "--resume", "r/c10.safetensors", "--steps", "20", "--out",
                     "r/c20.safetensors", "--eval-every", "5", "--no-plots"], tmp)
    check(r.returncode == 0, f"resume: exit {r.returncode}: {r.stderr}")
    check(sha(f"{tmp}/a/c.safetensors") == sha(f"{tmp}/r/c20.safetensors"),
          "10 steps + resume to 20 differ from 20 steps")
    # At the default size (C = 64, B = 32, T = 32) every op's rows reach parallel_for's grain,
    # so the second thread really shares the work: the bytes must not change.
    for threads in ("1", "2"):
        env = dict(os.environ, TAPEGRAD_NUM_THREADS=threads, OPENBLAS_NUM_THREADS=threads)
        r = run(binary, ["train", "--steps", "3", "--eval-every", "3", "--no-plots", "--out",
                         f"t{threads}/c.safetensors"], tmp, env)
        check(r.returncode == 0, f"train with {threads} thread(s): exit {r.returncode}: {r.stderr}")
    check(sha(f"{tmp}/t1/c.safetensors") == sha(f"{tmp}/t2/c.safetensors"),
          "the default size trained with 1 and with 2 threads wrote different checkpoints")
    train(binary, tmp, "s/c.safetensors", 20, ["--seed", "7"])
    check(sha(f"{tmp}/a/c.safetensors") != sha(f"{tmp}/s/c.safetensors"),
          "another seed wrote the same checkpoint")
    header, _ = read_header(f"{tmp}/a/c.safetensors")
    m = header["__metadata__"]
    expected = {"format": "tapegrad.tiny_decoder.v1", "config.V": "512", "config.C": "16",
                "config.L": "1", "config.H": "2", "config.T_max": "8", "optimizer": "AdamW",
                "optimizer.step": "20", "optimizer.lr": "0.003", "optimizer.beta1": "0.9",
                "optimizer.beta2": "0.99", "optimizer.eps": "1e-08",
                "optimizer.weight_decay": "0.1", "optimizer.decay_only_matrices": "true",
                "train.clip": "1.0", "train.batch": "4", "train.seq_len": "8",
                "train.seed": "1337", "data.position": "80", "tokenizer.file": "tokenizer.model",
                "data.corpus_path": "data:train.txt"}
    for k, v in expected.items():
        check(m.get(k) == v, f"metadata {k} = {m.get(k)!r}, expected {v!r}")
    data = os.path.join(os.path.dirname(binary), "..", "..")  # not needed: sha from metadata
    check(len(m.get("tokenizer.sha256", "")) == 64, "metadata tokenizer.sha256 missing")
    names = [k for k in header if k != "__metadata__"]
    for n in ["wte.weight", "wpe.weight", "blocks.0.ln1.weight", "blocks.0.attn.qkv.weight",
              "blocks.0.mlp.fc2.bias", "ln_f.bias", "W_out", "b_out",
              "optimizer.exp_avg.W_out", "optimizer.exp_avg_sq.wte.weight"]:
        check(n in names, f"checkpoint lacks {n}")
    check(header["W_out"]["shape"] == [512, 16], f"W_out shape {header['W_out']['shape']}")
    del data


# Prompts of one's own: explain's Teil 2 check (the tape's gradient against the closed form)
# must hold for each, whether explain picks the target (the model's own prediction) or is given
# one.
OWN_PROMPTS = ["Berlin ist die Hauptstadt von", "Die Hauptstadt von Spanien ist",
               "Rom liegt in", "Der Rhein fließt durch", "Wien ist eine Stadt in"]
MAX_DIFF = 1e-12  # float64 through the whole tape: observed ~1e-15


def check_explain_differences(binary, tmp, prompt, extra, label):
    """explain's text and --json for one prompt: every reported max |difference| <= MAX_DIFF.
    Returns the --json result (None when it failed)."""
    r = run(binary, ["explain", "--checkpoint", "c.safetensors", "--no-plots", "--prompt",
                     prompt] + extra, tmp)
    check(r.returncode == 0, f"explain {label}: exit {r.returncode}: {r.stderr}")
    diffs = [float(line.rsplit("=", 1)[1]) for line in r.stdout.splitlines()
             if "max |difference| =" in line]
    check(len(diffs) >= 2, f"explain {label}: no max |difference| lines in {r.stdout!r}")
    for d in diffs:
        check(d <= MAX_DIFF, f"explain {label}: max |difference| {d} > {MAX_DIFF}")
    r = run(binary, ["explain", "--checkpoint", "c.safetensors", "--json", "--prompt", prompt]
            + extra, tmp)
    check(r.returncode == 0, f"explain --json {label}: exit {r.returncode}: {r.stderr}")
    try:
        j = json.loads(r.stdout)
    except ValueError as e:
        failures.append(f"explain --json {label} is not JSON: {e}")
        return None
    for k, v in j["max_diff"].items():
        check(v <= MAX_DIFF, f"explain --json {label}: max_diff {k} = {v} > {MAX_DIFF}")
    return j


def check_own_prompts(binary, tmp):
    for prompt in OWN_PROMPTS:
        j = check_explain_differences(binary, tmp, prompt, [], f"{prompt!r}")
        if j is None:
            continue
        # Without --target: the model's own prediction, argmax p.
        p = j["probabilities"]
        best = max(range(len(p)), key=lambda i: p[i])
        check(j["target"]["id"] == best, f"{prompt!r}: target {j['target']} is not argmax {best}")
        # With --target: a target of one's own (one piece), mostly not the prediction.
        check_explain_differences(binary, tmp, prompt, ["--target", "Frankreich"],
                                  f"{prompt!r} --target Frankreich")


def check_own_corpus_explain(binary, tmp):
    """A model trained on one's own corpus, whose tokenizer does not have "Frankreich" as one
    piece: explain with no options explains the model's own prediction instead of refusing."""
    shipped = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                           "tiny_decoder", "data", "train.txt")
    with open(shipped, encoding="utf-8") as f:
        lines = [line for line in f if "Frankreich" not in line]
    with open(f"{tmp}/own.txt", "w", encoding="utf-8") as f:
        f.writelines(lines)
    r = run(binary, ["train", "--corpus", "own.txt", "--vocab-size", "200", "--steps", "3",
                     "--out", "own/c.safetensors"] + TINY, tmp)
    check(r.returncode == 0, f"train on one's own corpus: exit {r.returncode}: {r.stderr}")
    r = run(binary, ["explain", "--checkpoint", "own/c.safetensors", "--json"], tmp)
    check(r.returncode == 0, f"explain on one's own corpus: exit {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        j = json.loads(r.stdout)
        p = j["probabilities"]
        check(j["target"]["id"] == max(range(len(p)), key=lambda i: p[i]),
              f"explain on one's own corpus: target {j['target']} is not the prediction")
        for k, v in j["max_diff"].items():
            check(v <= MAX_DIFF, f"explain on one's own corpus: max_diff {k} = {v}")


def part_commands(binary, tmp):
    train(binary, tmp, "c.safetensors", 10)
    check_own_prompts(binary, tmp)
    check_own_corpus_explain(binary, tmp)
    r = run(binary, ["explain", "--checkpoint", "c.safetensors", "--no-plots"], tmp)
    check(r.returncode == 0, f"explain: exit {r.returncode}: {r.stderr}")
    for text in ["Teil 1", "Teil 2", "▁Paris", "Token-ID | Token", "Softmax p", "argmax p ->",
                 "p - y", "max |difference|", "layer 0 head 1", "▁Frankreich"]:
        check(text in r.stdout, f"explain's output lacks {text!r}")
    r = run(binary, ["explain", "--checkpoint", "c.safetensors", "--json"], tmp)
    check(r.returncode == 0, f"explain --json: exit {r.returncode}: {r.stderr}")
    try:
        j = json.loads(r.stdout)
    except ValueError as e:
        failures.append(f"explain --json is not JSON: {e}")
        return
    check(len(j["ids"]) == 5 and j["pieces"][0] == "▁Paris", f"ids {j['ids']} {j['pieces']}")
    check(len(j["h"]) == 16 and len(j["logits"]) == 512 and len(j["probabilities"]) == 512,
          "explain --json sizes")
    check(abs(sum(j["probabilities"]) - 1) < 1e-12, "probabilities do not sum to 1")
    check(j["target"]["piece"] == "▁Frankreich", f"target {j['target']}")
    for k, v in j["max_diff"].items():
        check(v < 1e-12, f"max_diff {k} = {v}")
    traj = j["sgd"]["trajectory"]
    check(len(traj) == 6 and traj[-1]["loss"] < traj[0]["loss"] and
          traj[-1]["p_target"] > traj[0]["p_target"], f"SGD trajectory {traj}")
    check(len(j["attention"]) == 1 and len(j["attention"][0]) == 2 and
          len(j["attention"][0][0]) == 5, "attention [L][H][T]")
    g1 = run(binary, ["generate", "--checkpoint", "c.safetensors", "--prompt",
                      "Die Hauptstadt von Spanien ist", "--tokens", "4"], tmp)
    g2 = run(binary, ["generate", "--checkpoint", "c.safetensors", "--prompt",
                      "Die Hauptstadt von Spanien ist", "--tokens", "4"], tmp)
    check(g1.returncode == 0 and g1.stdout == g2.stdout and
          g1.stdout.startswith("Die Hauptstadt von Spanien ist"), f"generate: {g1.stdout!r}")
    # A prompt longer than T_max (8 here) is not refused: the model reads its last 8 pieces, the
    # program says so, and the text printed starts with the whole prompt.
    long_prompt = "Die Hauptstadt von Spanien ist Madrid und die Hauptstadt von Italien ist"
    g = run(binary, ["generate", "--checkpoint", "c.safetensors", "--prompt", long_prompt,
                     "--tokens", "3"], tmp)
    check(g.returncode == 0 and g.stdout.startswith(long_prompt) and
          "the model reads its last 8" in g.stderr, f"generate, long prompt: {g.stdout!r} "
          f"{g.stderr!r}")
    r = run(binary, ["explain", "--checkpoint", "c.safetensors", "--json", "--prompt",
                     long_prompt], tmp)
    check(r.returncode == 0 and len(json.loads(r.stdout)["ids"]) == 8 and
          "the model reads its last 8" in r.stderr, f"explain, long prompt: {r.stderr!r}")
    with open(f"{tmp}/batches.json", "w") as f:
        json.dump([[[5, 6, 7, 8], [9, 10, 11, 12]], [[13, 14, 15, 16], [1, 2, 3, 4]]], f)
    r = run(binary, ["step", "--checkpoint", "c.safetensors", "--batches", "batches.json",
                     "--steps", "2", "--out", "s.safetensors", "--json"], tmp)
    check(r.returncode == 0, f"step: exit {r.returncode}: {r.stderr}")
    if r.returncode == 0:
        j = json.loads(r.stdout)
        check(len(j["losses"]) == 2 and j["step"] == 12, f"step --json: {j}")
        header, _ = read_header(f"{tmp}/s.safetensors")
        check(header["__metadata__"]["optimizer.step"] == "12", "step's checkpoint step")
    if shutil.which("gnuplot"):
        r = run(binary, ["explain", "--checkpoint", "c.safetensors", "--plots", "plots"], tmp)
        check(os.path.getsize(f"{tmp}/plots/attention.png") > 0, "no attention.png")
        r = run(binary, ["train", "--steps", "5", "--out", "p/c.safetensors"] + TINY[:-1], tmp)
        check(os.path.getsize(f"{tmp}/p/loss_curve.png") > 0, "no loss_curve.png")


def part_refusals(binary, tmp):
    train(binary, tmp, "c.safetensors", 3)
    ck = "c.safetensors"
    with open(f"{tmp}/{ck}", "rb") as f:
        good = f.read()
    with open(f"{tmp}/trunc.safetensors", "wb") as f:
        f.write(good[:len(good) // 2])
    write_with_metadata(f"{tmp}/{ck}", f"{tmp}/foreign.safetensors",
                        lambda m: m.__setitem__("format", "something.else"))
    write_with_metadata(f"{tmp}/{ck}", f"{tmp}/mismatch.safetensors",
                        lambda m: m.__setitem__("config.C", "32"))
    tok = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples",
                       "tiny_decoder", "data", "tokenizer.model")
    with open(tok, "rb") as f:
        tok_bytes = f.read()
    with open(f"{tmp}/trunc.model", "wb") as f:
        f.write(tok_bytes[:5000])
    with open(f"{tmp}/foreign.model", "wb") as f:
        f.write(b"this is not a model\n" * 10)
    with open(f"{tmp}/empty.txt", "w") as f:
        pass
    with open(f"{tmp}/latin1.txt", "wb") as f:
        f.write(b"Gr\xfc\xdfe aus Paris.\n")
    with open(f"{tmp}/small.txt", "w") as f:
        f.write("Hallo Welt.\nDas ist kurz.\n")
    with open(f"{tmp}/ragged.json", "w") as f:
        json.dump([[[1, 2, 3], [4, 5]]], f)
    with open(f"{tmp}/range.json", "w") as f:
        json.dump([[[1, 2, 3], [4, 5, 512]]], f)
    with open(f"{tmp}/ok.json", "w") as f:
        json.dump([[[1, 2, 3], [4, 5, 6]]], f)
    ex = ["explain", "--no-plots", "--checkpoint"]
    cases = [
        (ex + ["missing.safetensors"], "missing.safetensors: no such checkpoint"),
        (ex + ["trunc.safetensors"], "trunc.safetensors"),
        (ex + ["foreign.safetensors"], "not a tiny_decoder checkpoint"),
        (ex + ["mismatch.safetensors"], "configuration V=512 C=32"),
        (["generate", "--checkpoint", "mismatch.safetensors", "--prompt", "Paris"], "shape"),
        (ex + [ck, "--tokenizer", "missing.model"], "missing.model: cannot read"),
        (ex + [ck, "--tokenizer", "trunc.model"], "is not the tokenizer"),
        (["train", "--steps", "2", "--tokenizer", "trunc.model", "--out", "x/c.safetensors"],
         "trunc.model"),
        (["train", "--steps", "2", "--tokenizer", "foreign.model", "--out", "x/c.safetensors"],
         "foreign.model"),
        (ex + [ck, "--prompt", ""], "the prompt is empty"),
        (ex + [ck, "--prompt", "   "], "the prompt is empty"),
        (["generate", "--checkpoint", ck, "--prompt", ""], "the prompt is empty"),
        (ex + [ck, "--target", "Neu-Delhi"], "is not one piece but 7: ▁N eu - D el h i"),
        (ex + [ck, "--target", "X"], "not in the vocabulary"),
        (["train", "--corpus", "missing.txt", "--out", "x/c.safetensors"], "missing.txt"),
        (["train", "--corpus", "empty.txt", "--out", "x/c.safetensors"], "empty.txt: is empty"),
        (["train", "--corpus", "latin1.txt", "--out", "x/c.safetensors"],
         "latin1.txt: line 1, byte 3: not valid UTF-8"),
        (["train", "--corpus", "small.txt", "--out", "x/c.safetensors"],
         "Vocabulary size too high (512)"),
        (["train", "--corpus", "small.txt", "--out", "x/c.safetensors"],
         "(set it with --vocab-size)"),
        (["train", "--steps", "0", "--out", "x/c.safetensors"], "--steps 0"),
        (["train", "--lr", "-0.1", "--out", "x/c.safetensors"], "--lr -0.1"),
        (["train", "--lr", "nan", "--out", "x/c.safetensors"], "--lr nan"),
        (["train", "--lr", "inf", "--out", "x/c.safetensors"], "--lr inf"),
        (["step", "--checkpoint", ck, "--batches", "ragged.json", "--steps", "1", "--out",
          "x/s.safetensors"], "ragged rows"),
        (["step", "--checkpoint", ck, "--batches", "range.json", "--steps", "1", "--out",
          "x/s.safetensors"], "512 is not a token id in [0, 512)"),
        (["step", "--checkpoint", ck, "--batches", "ok.json", "--steps", "0", "--out",
          "x/s.safetensors"], "--steps 0"),
        (["step", "--checkpoint", ck, "--batches", "ok.json", "--steps", "2", "--out",
          "x/s.safetensors"], "1 batches for --steps 2"),
        (["train", "--resume", ck, "--steps", "2", "--out", "x/c.safetensors"],
         "is at step 3"),
        (["train", "--resume", ck, "--steps", "9", "--lr", "1", "--out", "x/c.safetensors"],
         "--lr cannot be changed on --resume"),
    ]
    for args, needle in cases:
        r = run(binary, args, tmp)
        lines = r.stderr.splitlines()
        check(r.returncode == 2, f"{args}: exit {r.returncode}, expected 2 ({r.stderr!r})")
        check(len(lines) == 1 and lines[0].startswith("tiny_decoder: ") and needle in lines[0],
              f"{args}: stderr {r.stderr!r} should be one line naming {needle!r}")
        check(not os.path.exists(f"{tmp}/x"), f"{args}: wrote {tmp}/x")
    with open(f"{tmp}/{ck}", "rb") as f:
        check(f.read() == good, "a refusal changed the checkpoint")
    # A prompt longer than T_max: its last T_max pieces, said on stderr, exit 0.
    r = run(binary, ex + [ck, "--prompt", "Paris ist die Hauptstadt von Frankreich und Berlin "
                                         "ist die Hauptstadt von"], tmp)
    check(r.returncode == 0 and "the model reads its last 8" in r.stderr,
          f"long prompt: {r.stderr!r}")


def main():
    binary, part = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="tiny_decoder_")
    try:
        {"reproducible": part_reproducible, "commands": part_commands,
         "refusals": part_refusals}[part](binary, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in failures:
        print("FAIL:", f)
    print(f"{part}: {'ok' if not failures else str(len(failures)) + ' failures'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""End-to-end checks of the train_tokenizer program (the library's own tests are in
test_tokenizer.cpp; this drives the built binary the way a user does).

Usage: check_train_tokenizer.py BINARY DATA_DIR

  - with TAPEGRAD_DATA_DIR pointing at a folder holding a copy of train.txt and no options,
    it writes tokenizer.model and tokenizer.vocab there, byte-identical to the shipped ones
    in DATA_DIR, and reports 512 pieces and the corpus's sentences and tokens on stdout;
  - --corpus, --vocab-size, --out are used as given;
  - every bad input (missing, empty, non-UTF-8 or too small corpus, bad vocab sizes, a
    missing output folder, unknown options) exits with status 2, prints nothing on stdout and
    one line on stderr beginning "train_tokenizer: ", and leaves no file behind;
  - --help exits 0.
Standard library only. Exit status 0 when all checks pass, 1 otherwise.
"""
import os
import subprocess
import sys
import tempfile

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(binary, args, env=None, cwd=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([binary] + args, capture_output=True, cwd=cwd, env=full_env)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def main():
    binary, data = os.path.abspath(sys.argv[1]), sys.argv[2]
    shipped_model = read(os.path.join(data, "tokenizer.model"))
    shipped_vocab = read(os.path.join(data, "tokenizer.vocab"))
    with tempfile.TemporaryDirectory() as tmp:
        # Defaults, through TAPEGRAD_DATA_DIR, from another current folder.
        with open(os.path.join(tmp, "train.txt"), "wb") as f:
            f.write(read(os.path.join(data, "train.txt")))
        proc = run(binary, [], env={"TAPEGRAD_DATA_DIR": tmp}, cwd="/")
        check(proc.returncode == 0, "defaults: exit status %d: %r" % (proc.returncode, proc.stderr))
        out = proc.stdout.decode("utf-8")
        check(": 512 pieces, trained in " in out, "defaults: stdout %r" % out)
        check("train.txt: 3566 sentences, 39560 tokens, 11.09 tokens per sentence" in out,
              "defaults: stdout %r" % out)
        check(proc.stderr == b"", "defaults: stderr %r" % proc.stderr)
        model = os.path.join(tmp, "tokenizer.model")
        check(os.path.exists(model) and read(model) == shipped_model,
              "defaults: tokenizer.model differs from the shipped one")
        vocab = os.path.join(tmp, "tokenizer.vocab")
        check(os.path.exists(vocab) and read(vocab) == shipped_vocab,
              "defaults: tokenizer.vocab differs from the shipped one")

        # Options as given.
        out_model = os.path.join(tmp, "small.model")
        proc = run(binary, ["--corpus", os.path.join(tmp, "train.txt"), "--vocab-size", "300",
                            "--out", out_model])
        check(proc.returncode == 0, "--vocab-size 300: exit status %d" % proc.returncode)
        check(b": 300 pieces, trained in " in proc.stdout, "--vocab-size 300: %r" % proc.stdout)
        check(len(read(os.path.join(tmp, "small.vocab")).splitlines()) == 300,
              "--vocab-size 300: small.vocab does not list 300 pieces")

        # Bad input: exit 2, one line on stderr, nothing on stdout, no file left behind.
        bad = os.path.join(tmp, "bad")
        os.mkdir(bad)
        inputs = {"empty.txt": b"", "latin1.txt": b"Gut.\nSch\xf6n.\n",
                  "tiny.txt": b"Paris ist die Hauptstadt von Frankreich.\n"}
        for name, text in inputs.items():
            with open(os.path.join(bad, name), "wb") as f:
                f.write(text)
        target = os.path.join(bad, "t.model")
        cases = [
            (["--corpus", os.path.join(bad, "missing.txt")], "cannot open"),
            (["--corpus", os.path.join(bad, "empty.txt")], "is empty"),
            (["--corpus", os.path.join(bad, "latin1.txt")], "line 2, byte 4: not valid UTF-8"),
            (["--corpus", os.path.join(bad, "tiny.txt")], "Vocabulary size too high (512)"),
            (["--vocab-size", "0"], "the vocab size must be positive, got 0"),
            (["--vocab-size", "40"], "Vocabulary size is smaller than required_chars"),
            (["--vocab-size", "abc"], "--vocab-size"),
            (["--vocab-size"], "--vocab-size"),
            (["--bogus"], "--bogus"),
        ]
        for args, must_contain in cases:
            if "--corpus" not in args:
                args = args + ["--corpus", os.path.join(tmp, "train.txt")]
            args = args + ["--out", target]
            label = " ".join(a.replace(tmp, "TMP") for a in args)
            proc = run(binary, args)
            err = proc.stderr.decode("utf-8", "replace")
            check(proc.returncode == 2, "%s: exit status %d, want 2" % (label, proc.returncode))
            check(proc.stdout == b"", "%s: stdout not empty: %r" % (label, proc.stdout[:200]))
            check(err.count("\n") == 1 and err.endswith("\n"),
                  "%s: want one line on stderr, got %r" % (label, err))
            check(err.startswith("train_tokenizer: ") and must_contain in err
                  and not err.startswith("train_tokenizer: train_tokenizer"),
                  "%s: stderr %r lacks %r" % (label, err, must_contain))
        nowhere = os.path.join(tmp, "no", "such", "t.model")
        proc = run(binary, ["--corpus", os.path.join(tmp, "train.txt"), "--out", nowhere])
        check(proc.returncode == 2 and b"does not exist" in proc.stderr,
              "--out in a missing folder: %d %r" % (proc.returncode, proc.stderr))
        check(sorted(os.listdir(bad)) == sorted(inputs),
              "bad input left files behind: %s" % sorted(os.listdir(bad)))

        proc = run(binary, ["--help"])
        check(proc.returncode == 0 and b"--vocab-size" in proc.stdout, "--help")

    for f in failures:
        print("FAIL:", f)
    print("check_train_tokenizer: %s" % ("%d failures" % len(failures) if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""End-to-end checks of the decoder_training program (the parser's own tests are in
test_case_file.cpp; this drives the built binary the way a user does).

Usage: check_decoder_training.py BINARY CASES_DIR [plots|cli|reliability]

  cli    every broken case file and every bad option: exit status 2, nothing on stdout, one
         line on stderr naming the file or option; no plots folder left behind. --json prints
         one JSON document and nothing else, the same bytes on every run and for the
         built-in Bsp. 1 as for tests/cases/valid/bsp1.json; --lr/--steps override; --help.
  plots  the walkthrough and a case write three real PNGs (signature, 800 x 450, sensible
         size) and their gnuplot scripts, print their paths, and leave no temporary file;
         without gnuplot on PATH the program still runs and says the plots were skipped.
  reliability  every valid case gives byte-identical --json output on two runs (and the
         walkthrough identical text); --check-finite names the op where an infinity appears
         (a case whose z overflows), exit status 2, and changes nothing on a healthy case.
Standard library only. Exit status 0 when all checks pass, 1 otherwise.
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PLOT_NAMES = ["probabilities", "sgd", "loss_curve"]
# An 800 x 450 chart with axes, text and a few marks compresses to 10-40 KB here; less than
# 5 KB would be an empty canvas, more than 1 MB something gone wrong.
PNG_MIN_BYTES, PNG_MAX_BYTES = 5_000, 1_000_000

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


def run(binary, args, cwd=None, env=None):
    return subprocess.run([binary] + args, capture_output=True, text=True, cwd=cwd, env=env)


def expect_refused(binary, args, must_contain, cwd):
    proc = run(binary, args, cwd=cwd)
    label = " ".join(args)
    check(proc.returncode == 2, f"{label}: exit status {proc.returncode}, want 2")
    check(proc.stdout == "", f"{label}: stdout not empty: {proc.stdout[:200]!r}")
    lines = proc.stderr.splitlines()
    check(len(lines) == 1 and proc.stderr.endswith("\n"),
          f"{label}: want one line on stderr, got {proc.stderr!r}")
    check(lines[:1] and lines[0].startswith("decoder_training: ") and must_contain in lines[0],
          f"{label}: stderr {proc.stderr.strip()!r} lacks {must_contain!r}")


def check_cli(binary, cases):
    invalid = os.path.join(cases, "invalid")
    valid = os.path.join(cases, "valid")
    with tempfile.TemporaryDirectory() as cwd:
        files = sorted(os.listdir(invalid))
        check(len(files) > 50, f"only {len(files)} broken case files found in {invalid}")
        for name in files:
            path = os.path.join(invalid, name)
            for extra in ([], ["--json"]):
                expect_refused(binary, ["--case", path] + extra, path + ": ", cwd)
        # Files and options.
        missing = os.path.join(cwd, "no_such_case.json")
        expect_refused(binary, ["--case", missing], "no_such_case.json: cannot open", cwd)
        expect_refused(binary, ["--case", cwd], "is a directory", cwd)
        if os.geteuid() != 0:  # root reads files whatever their mode says
            unreadable = os.path.join(cwd, "unreadable.json")
            with open(unreadable, "w") as f:
                f.write("{}")
            os.chmod(unreadable, 0)
            expect_refused(binary, ["--case", unreadable], "cannot open", cwd)
            os.remove(unreadable)
        for args, needle in [
            (["--steps", "-1"], "--steps"),
            (["--steps", "2.5"], "--steps"),
            (["--steps", "five"], "--steps"),
            (["--steps", "2000000"], "--steps"),
            (["--lr", "abc"], "--lr"),
            (["--lr", "-0.1"], "--lr"),
            (["--lr", "nan"], "--lr"),
            (["--lr", "inf"], "--lr"),
            (["--plots", "p", "--no-plots"], "excludes"),
            (["--case"], "--case"),
            (["--bogus"], "--bogus"),
            # --trace and --dot show Bsp. 1's tape; they do not silently drop a case.
            (["--dot", ""], "--dot"),
            (["--trace", "--case", os.path.join(valid, "bsp1.json")], "excludes"),
            (["--dot", "g.dot", "--case", os.path.join(valid, "bsp1.json")], "excludes"),
        ]:
            expect_refused(binary, args, needle, cwd)
            expect_refused(binary, ["--json"] + args, needle, cwd)
        check(os.listdir(cwd) == [], f"refused runs left files behind: {os.listdir(cwd)}")

        # --json: one document, nothing else, no plots unless asked for.
        builtin = run(binary, ["--json"], cwd=cwd)
        check(builtin.returncode == 0 and builtin.stderr == "",
              f"--json: exit {builtin.returncode}, stderr {builtin.stderr!r}")
        try:
            json.loads(builtin.stdout)
        except ValueError as e:
            failures.append(f"--json: stdout is not one JSON document: {e}")
        check(os.listdir(cwd) == [], "--json without --plots wrote files")
        again = run(binary, ["--json"], cwd=cwd)
        check(again.stdout == builtin.stdout, "--json: two runs gave different bytes")
        from_file = run(binary, ["--json", "--case", os.path.join(valid, "bsp1.json")], cwd=cwd)
        check(from_file.stdout == builtin.stdout,
              "--json differs from --json --case tests/cases/valid/bsp1.json")

        # --lr and --steps override the case's values.
        over = run(binary, ["--json", "--case", os.path.join(valid, "bsp1.json"),
                            "--steps", "2", "--lr", "0.1"], cwd=cwd)
        doc = json.loads(over.stdout)
        base = json.loads(builtin.stdout)
        check(len(doc["sgd"]) == 3, f"--steps 2: {len(doc['sgd'])} sgd entries, want 3")
        check(doc["sgd"][0] == base["sgd"][0] and doc["sgd"][1]["loss"] > base["sgd"][1]["loss"],
              "--lr 0.1: the first step should lower the loss less than lr 0.5")

        # Human-readable report of a case.
        report = run(binary, ["--case", os.path.join(valid, "batch_with_bias.json"), "--no-plots"],
                     cwd=cwd)
        check(report.returncode == 0 and "loss L = " in report.stdout and
              "dL/db [V]:" in report.stdout and "max |autodiff - finite differences|" in report.stdout,
              f"--case report incomplete: {report.stdout[:300]!r}")

        helptext = run(binary, ["--help"], cwd=cwd)
        check(helptext.returncode == 0, "--help: exit status not 0")
        for needle in ["--case", "--json", "--lr", "--steps", "--plots", "--no-plots", "0.5", "plots"]:
            check(needle in helptext.stdout, f"--help does not mention {needle!r}")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != PNG_SIGNATURE or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def check_plot_folder(folder, stdout, label):
    for name in PLOT_NAMES:
        png = os.path.join(folder, name + ".png")
        check(f"plot: {png}" in stdout, f"{label}: stdout does not name {png}")
        check(os.path.isfile(png), f"{label}: {png} missing")
        if not os.path.isfile(png):
            continue
        size = os.path.getsize(png)
        check(png_size(png) == (800, 450), f"{label}: {png} is not an 800 x 450 PNG")
        check(PNG_MIN_BYTES <= size <= PNG_MAX_BYTES, f"{label}: {png} has {size} bytes")
        check(os.path.isfile(os.path.join(folder, name + ".gp")), f"{label}: {name}.gp missing")
    leftovers = [f for f in os.listdir(folder) if ".tmp" in f]
    check(leftovers == [], f"{label}: temporary files left: {leftovers}")


def check_plots(binary, cases):
    with tempfile.TemporaryDirectory() as cwd:
        walk = run(binary, [], cwd=cwd)
        check(walk.returncode == 0, f"walkthrough: exit {walk.returncode}: {walk.stderr}")
        check("== SGD on Bsp. 1" in walk.stdout, "walkthrough: SGD section missing")
        # The walkthrough writes to plots/ relative to where it runs and prints that path.
        os.chdir(cwd)
        check_plot_folder("plots", walk.stdout, "walkthrough")

        folder = os.path.join(cwd, "my plots")  # a space in the path must not matter
        tricky = os.path.join(cases, "valid", "tricky_tokens.json")
        case = run(binary, ["--case", tricky, "--plots", folder], cwd=cwd)
        check(case.returncode == 0, f"--case --plots: exit {case.returncode}: {case.stderr}")
        check_plot_folder(folder, case.stdout, "--case tricky_tokens.json --plots")
        # Its tokens try to run `touch PWNED` through gnuplot: nothing may have run it.
        check(not os.path.exists(os.path.join(cwd, "PWNED")) and
              not os.path.exists(os.path.join(folder, "PWNED")), "a token ran a command")

        json_folder = os.path.join(cwd, "json plots")
        as_json = run(binary, ["--json", "--plots", json_folder], cwd=cwd)
        json.loads(as_json.stdout)  # stdout stays one JSON document
        check(all(os.path.isfile(os.path.join(json_folder, n + ".png")) for n in PLOT_NAMES),
              "--json --plots DIR wrote no plots")

    with tempfile.TemporaryDirectory() as cwd, tempfile.TemporaryDirectory() as empty_bin:
        env = dict(os.environ, PATH=empty_bin)
        walk = run(binary, [], cwd=cwd, env=env)
        check(walk.returncode == 0, f"walkthrough without gnuplot: exit {walk.returncode}")
        check("plots skipped: gnuplot not found" in walk.stdout,
              "walkthrough without gnuplot does not say the plots were skipped")
        check(not os.path.exists(os.path.join(cwd, "plots")), "without gnuplot a plots folder appeared")
    os.chdir(os.path.dirname(cases))


def check_reliability(binary, cases):
    with tempfile.TemporaryDirectory() as cwd:
        valid = sorted(os.listdir(os.path.join(cases, "valid")))
        check(len(valid) >= 5, f"only {len(valid)} valid cases found")
        for name in valid:
            path = os.path.join(cases, "valid", name)
            first = run(binary, ["--json", "--case", path], cwd=cwd)
            second = run(binary, ["--json", "--case", path], cwd=cwd)
            check(first.returncode == 0, f"{name}: exit {first.returncode}: {first.stderr}")
            check(first.stdout == second.stdout, f"{name}: two --json runs gave different bytes")
            checked = run(binary, ["--json", "--check-finite", "--case", path], cwd=cwd)
            check(checked.stdout == first.stdout, f"{name}: --check-finite changed the output")
        walk = [run(binary, ["--no-plots"], cwd=cwd).stdout for _ in range(2)]
        check(walk[0] == walk[1] and "== SGD" in walk[0], "walkthrough: two runs differ")

        # z = x W^T overflows to +inf in the first op: anomaly detection names it.
        overflow = os.path.join(cases, "invalid", "z_overflows.json")
        named = ": check_finite: forward of Linear (node 0 on the tape) produced +inf"
        expect_refused(binary, ["--check-finite", "--case", overflow], overflow + named, cwd)
        expect_refused(binary, ["--check-finite", "--json", "--case", overflow],
                       "inputs: x [1, 2], W [2, 2]", cwd)


def main(argv):
    parts = {"cli": check_cli, "plots": check_plots, "reliability": check_reliability}
    if len(argv) != 4 or argv[3] not in parts:
        print(__doc__)
        return 2
    binary = os.path.abspath(argv[1])
    cases = os.path.abspath(argv[2])
    parts[argv[3]](binary, cases)
    for f in failures:
        print(f)
    print(f"{argv[3]}: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

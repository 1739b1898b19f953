#!/usr/bin/env python3
"""End-to-end checks of the decoder_training program (the parser's own tests are in
test_case_file.cpp; this drives the built binary the way a user does).

Usage: check_decoder_training.py BINARY CASES_DIR
           [plots|cli|reliability|walkthrough|numbering|formulas]

  cli    every broken case file and every bad option: exit status 2, nothing on stdout, one
         line on stderr naming the file or option; no plots folder left behind. --json prints
         one JSON document and nothing else, the same bytes on every run and for the
         built-in Bsp. 1 as for tests/cases/valid/bsp1.json; --lr/--steps override; --help;
         --trace on a case passes the closed-form dL/dW and dL/db of its --json result.
  plots  the walkthrough and a case write three real PNGs (signature, 800 x 450, sensible
         size) and their gnuplot scripts, print their paths, and leave no temporary file;
         without gnuplot on PATH the program still runs and says the plots were skipped.
  reliability  every valid case gives byte-identical --json output on two runs (and the
         walkthrough identical text); --check-finite names the op where an infinity appears
         (a case whose z overflows), exit status 2, and changes nothing on a healthy case.
  walkthrough  the walkthrough's numbers against an independent computation here: Teil 1's
         table and argmax; for Bsp. 1 and Bsp. 2 the loss, every tape's dL/dW within 1e-15
         of (p - y) x^T, the slide's matrix within 5e-5 of (p_slide - y) x^T and, for Bsp. 2,
         the 1.19e-3 gap to the exact gradient; the SGD table step by step (loss falling,
         p(Frankreich) rising past 0.85), with default and with given --steps/--lr; right
         after Bsp. 1's dL/dz = p - y it names `decoder_training --trace`.
  numbering  one rule for class numbers: the slides' Klasse 1..V for display, 0-based
         indices in code and files. No output calls a number "class N"; every
         "Klasse N ... index I" has N = I + 1; the walkthrough's, the trace's and each case's
         target labels are the target of the slide or of the file; plots say "Klasse N".
  formulas  --trace states formulas that fit the node: Bsp. 1's Linear has no bias, so its
         formulas name no b; the Linear of a case with a bias names it (z = x W^T + b, dL/db).
Standard library only. Exit status 0 when all checks pass, 1 otherwise.
"""
import json
import math
import os
import re
import shutil
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


def flatten(v):
    """A JSON vector or matrix as one flat list, row by row."""
    return [x for row in v for x in row] if isinstance(v[0], list) else v


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
            (["--dot", ""], "--dot"),
        ]:
            expect_refused(binary, args, needle, cwd)
            expect_refused(binary, ["--json"] + args, needle, cwd)
        # --trace and --dot print text: never mixed into --json's one document.
        for args in (["--trace"], ["--dot", "g.dot"]):
            expect_refused(binary, ["--json"] + args, "excludes", cwd)
            expect_refused(binary, ["--json", "--case", os.path.join(valid, "bsp1.json")] + args,
                           "excludes", cwd)
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

        # --trace on a case: the gradients the backward printout passes to W and b are the
        # closed forms of --json for the same case (the trace prints 4 significant digits).
        case = os.path.join(valid, "batch_with_bias.json")
        trace = run(binary, ["--case", case, "--trace"], cwd=cwd)
        check(trace.returncode == 0, f"--case --trace: exit {trace.returncode}: {trace.stderr}")
        closed = json.loads(run(binary, ["--json", "--case", case], cwd=cwd).stdout)["grads"]
        for name, want in [("W", closed["W"]["closed_form"]), ("b", closed["b"]["closed_form"])]:
            found = re.findall(r"passes dL/d" + name + r" \[[0-9, ]+\] = (.*)", trace.stdout)
            check(len(found) == 2, f"--case --trace: {len(found)} dL/d{name} lines, want 2")
            want_flat = flatten(want)
            for line in found:
                got = [float(v) for v in re.findall(r"[-+0-9.e]+", line)]
                check(len(got) == len(want_flat) and
                      all(abs(g - w) <= 5e-4 * abs(w) + 1e-12 for g, w in zip(got, want_flat)),
                      f"--case --trace: dL/d{name} {line} is not the closed form {want}")

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


def softmax(z):
    m = max(z)
    e = [math.exp(v - m) for v in z]
    return [v / sum(e) for v in e]


def section(text, start, end):
    """The part of text from the line containing start up to (not including) end."""
    i = text.find(start)
    check(i >= 0, f"walkthrough: no section {start!r}")
    j = text.find(end, i + len(start)) if end else -1
    return text[i:] if j < 0 else text[i:j]


def number_after(text, label):
    m = re.search(re.escape(label) + r"\s+([-+0-9.e]+)", text)
    check(m is not None, f"walkthrough: no number after {label!r}")
    return float(m.group(1)) if m else float("nan")


def sgd_rows(text):
    return [(int(a), float(b), float(c))
            for a, b, c in re.findall(r"^\s*(\d+) \|\s+([0-9.]+) \|\s+([0-9.]+)$", text, re.M)]


def expected_sgd(z, x, target, lr, steps):
    """Bsp. 1's SGD computed here: W = z x^T / (x^T x), W <- W - lr (p - y) x^T."""
    xx = sum(v * v for v in x)
    W = [[zi * xj / xx for xj in x] for zi in z]
    rows = []
    for step in range(steps + 1):
        logits = [sum(w * v for w, v in zip(row, x)) for row in W]
        p = softmax(logits)
        rows.append((step, -math.log(p[target]), p[target]))
        g = [pi - (1.0 if i == target else 0.0) for i, pi in enumerate(p)]
        W = [[w - lr * gi * xj for w, xj in zip(row, x)] for row, gi in zip(W, g)]
    return rows


def check_walkthrough(binary, cases):
    with tempfile.TemporaryDirectory() as cwd:
        walk = run(binary, ["--no-plots"], cwd=cwd)
        check(walk.returncode == 0 and walk.stderr == "",
              f"walkthrough: exit {walk.returncode}, stderr {walk.stderr!r}")
        out = walk.stdout

        teil1 = section(out, "== Teil 1", "== Teil 2")
        z1 = [3.2, 1.7, 1.2]
        p1 = softmax(z1)
        for (tid, token), z, p in zip([(12856, "Frankreich"), (5312, "Deutschland"),
                                       (9021, "Spanien")], z1, p1):
            row = rf"{tid} \| {token}\s+\|\s+{z:.4f} \|\s+{math.exp(z):.4f} \|\s+{p:.4f}"
            check(re.search(row, teil1), f"Teil 1: no row {row!r}")
        check('index 0 -> token id 12856 -> "Frankreich" (p = 0.7361)' in teil1,
              "Teil 1: argmax line missing")

        examples = [("Bsp. 1", [2.0, 1.0, 0.1], [1.5, 0.5], "0.4170", False),
                    ("Bsp. 2", [3.52, 2.37, 1.185, 0.07], [1.2, 0.8, 0.5], "0.3682", True)]
        for name, z, x, loss, rounded_p_gap in examples:
            part = section(out, f"== Teil 2, {name}", "== ")
            p = softmax(z)
            check(f"-log {p[0]:.4f} = {loss}" in part, f"{name}: loss {loss} missing")
            for label in ["three-node tape vs closed form", "fused tape      vs closed form",
                          "one-hot y tape  vs closed form"]:
                check(number_after(part, label) < 1e-15, f"{name}: {label} not within 1e-15")
            check(number_after(part, "(p_slide - y) x^T vs slide") <= 5e-5,
                  f"{name}: the slide's matrix is not (p_slide - y) x^T within 5e-5")
            gap = number_after(part, "closed form     vs slide")
            # the exact gradient vs the slide: |p - p_slide| x_j at its largest
            if rounded_p_gap:
                want = abs(p[2] - 0.066) * x[0]
                check(abs(gap - want) < 5e-5, f"{name}: gap {gap}, want about {want:.3g}")
            else:
                check(gap < 1e-4, f"{name}: exact gradient {gap} from the slide")

        default_rows = sgd_rows(section(out, "== SGD", None))
        for args, lr, steps in [([], 0.5, 5), (["--steps", "3", "--lr", "0.1"], 0.1, 3)]:
            text = run(binary, ["--no-plots"] + args, cwd=cwd).stdout if args else out
            rows = sgd_rows(section(text, "== SGD", None))
            want = expected_sgd([2.0, 1.0, 0.1], [1.5, 0.5], 0, lr, steps)
            check(len(rows) == steps + 1, f"SGD {args}: {len(rows)} rows, want {steps + 1}")
            for got, exp in zip(rows, want):
                check(got[0] == exp[0] and abs(got[1] - exp[1]) <= 6e-5 and
                      abs(got[2] - exp[2]) <= 6e-5, f"SGD {args}: row {got}, want {exp}")
            check(all(b[1] < a[1] and b[2] > a[2] for a, b in zip(rows, rows[1:])),
                  f"SGD {args}: loss not falling or p not rising at every step")
        check(default_rows and default_rows[-1][2] > 0.85,
              "SGD: p(Frankreich) does not pass 0.85 in 5 steps")

        # The backward trace is named where it matters: after Bsp. 1's dL/dz = p - y.
        bsp1 = section(out, "== Teil 2, Bsp. 1", "== ")
        hint = bsp1.find("decoder_training --trace")
        check(hint > bsp1.find("one-hot y   L = ") > 0,
              "Bsp. 1: `decoder_training --trace` is not named after the tapes' dL/dz")
        check("decoder_training --trace" not in section(out, "== Teil 2, Bsp. 2", "== "),
              "Bsp. 2 names --trace, which shows Bsp. 1's tape")


def check_labels(text, label):
    """The rule in any output: no "class N"; "Klasse N (index I" or "Klasse N, index I": N = I + 1."""
    for m in re.finditer(r"\bclass \d", text):
        failures.append(f"{label}: a class number without the rule: "
                        f"{text[max(0, m.start() - 30):m.end() + 30]!r}")
    for n, i in re.findall(r"Klasse (\d+)(?: \(|, )index (\d+)", text):
        check(int(n) == int(i) + 1, f"{label}: Klasse {n} is not index {i}")


def target_labels(trace):
    """The target labels of a --trace intro: one (target: ...) or one per row (  row r: ...)."""
    single = re.search(r"^target: (.*)\.$", trace, re.M)
    if single:
        return [single.group(1)]
    return [m for _, m in re.findall(r"^  row (\d+): (.*)$", trace, re.M)]


def linear_formulas(trace):
    """The formula lines under every "[i] Linear" of a trace (forward and backward)."""
    return re.findall(r"^\[\d+\] Linear\n      (.*)$", trace, re.M)


def check_formulas(binary, cases):
    with tempfile.TemporaryDirectory() as cwd:
        bsp1 = run(binary, ["--trace"], cwd=cwd).stdout
        case = os.path.join(cases, "valid", "batch_with_bias.json")
        with_bias = run(binary, ["--case", case, "--trace"], cwd=cwd).stdout
    formulas = linear_formulas(bsp1)
    check(len(formulas) == 4, f"--trace: {len(formulas)} Linear formula lines, want 4")
    for formula in formulas:
        check(not re.search(r"\+ b\b|dL/db", formula),
              f"--trace: Bsp. 1's Linear has no bias, but its formula says {formula!r}")
    formulas = linear_formulas(with_bias)
    check(any("+ b" in f for f in formulas) and any("dL/db" in f for f in formulas),
          f"--case batch_with_bias.json --trace: the bias is missing from {formulas}")


def check_numbering(binary, cases):
    valid = os.path.join(cases, "valid")
    with tempfile.TemporaryDirectory() as cwd:
        walk = run(binary, ["--no-plots"], cwd=cwd).stdout
        check_labels(walk, "walkthrough")
        check("Klasse 1 is index 0" in section(walk, "== Teil 1", "== Teil 2"),
              "walkthrough: the numbering rule is not stated before Teil 2")
        for name, V in [("Bsp. 1", 3), ("Bsp. 2", 4)]:
            part = section(walk, f"== Teil 2, {name}", "== ")
            check(part.startswith(f"== Teil 2, {name}: {V} classes, target Klasse 1 (Frankreich) =="),
                  f"{name}: header does not name the target Klasse 1 (Frankreich): {part[:80]!r}")
            table = re.findall(r"^Klasse (\d) \(", part, re.M)
            check(table == [str(k) for k in range(1, V + 1)],
                  f"{name}: table rows are Klasse {table}, want 1..{V}")
        trace = run(binary, ["--trace"], cwd=cwd).stdout
        check_labels(trace, "--trace")
        check(target_labels(trace) == ["Frankreich (Klasse 1, index 0)"],
              f"--trace: target {target_labels(trace)}, want Frankreich (Klasse 1, index 0)")

        for name in sorted(os.listdir(valid)):
            path = os.path.join(valid, name)
            with open(path, encoding="utf-8") as f:
                case = json.load(f)
            targets = case["target"] if isinstance(case["target"], list) else [case["target"]]
            targets = [int(t) for t in targets]  # a file may write 2 as 2.0
            report = run(binary, ["--case", path, "--no-plots"], cwd=cwd).stdout
            check_labels(report, f"--case {name}")
            trace = run(binary, ["--case", path, "--trace"], cwd=cwd).stdout
            check_labels(trace, f"--case {name} --trace")
            labels = target_labels(trace)
            check(len(labels) == len(targets), f"--case {name} --trace: {labels} for {targets}")
            for t, got in zip(targets, labels):
                klasse = f"Klasse {t + 1}"
                want = (f"{case['vocab'][t]['token']} ({klasse}, index {t})" if "vocab" in case
                        else f"{klasse} (index {t})")
                check(got == want, f"--case {name} --trace: target {t} printed as {got!r}, want {want!r}")
            if "vocab" not in case:
                for t in targets:
                    check(f"target Klasse {t + 1} (index {t})" in report,
                          f"--case {name}: target {t} is not shown as Klasse {t + 1} (index {t})")

        if shutil.which("gnuplot"):
            plots = os.path.join(cwd, "plots")
            run(binary, ["--case", os.path.join(valid, "large_logits.json"), "--plots", plots],
                cwd=cwd)
            with open(os.path.join(plots, "probabilities.gp"), encoding="utf-8") as f:
                script = f.read()
            check_labels(script, "probabilities.gp")
            check('"Klasse 1"' in script, "probabilities.gp of a case without vocab: no Klasse 1")


def main(argv):
    parts = {"cli": check_cli, "plots": check_plots, "reliability": check_reliability,
             "walkthrough": check_walkthrough, "numbering": check_numbering, "formulas": check_formulas}
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

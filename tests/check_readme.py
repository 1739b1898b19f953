#!/usr/bin/env python3
"""The README against the code: what it quotes, names and shows must be what is there.

Usage: check_readme.py SOURCE_DIR DECODER_TRAINING CUSTOM_LAYER

  snippets  a code block introduced by "(from `FILE`" occurs verbatim in FILE (its lines
            consecutive, each indented alike there);
  paths     every repository path the README names in backquotes or links to exists
            (a {a,b} in it stands for each of a and b; a source may be named without its
            extension);
  outputs   the output the README shows is the programs' own: the walkthrough's abridged
            output, the --trace printout and every "$ build/examples/..." transcript line by
            line, in order ("..." lines and lines with "..." are abridgements and skipped);
  custom_layer  the README's description of custom_layer names the chain of layers and the
            number of parameters that the program's gradcheck line prints;
  walkthrough  examples/decoder_training/walkthrough.cpp includes nothing of the project but
            engine/, ops/ and examples/slides.hpp (and its own header);
  reading order  the core's reading order ("How backprop runs") gives each file's real line
            count, and its total, at most 600, is their sum.
Standard library only. Exit status 0 when all checks pass, 1 otherwise.
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile

failures = []
counts = {"snippets": 0, "paths": 0, "outputs": 0}


def check(condition, message):
    if not condition:
        failures.append(message)


def code_blocks(text):
    """(start offset, info string, lines) of every fenced block."""
    blocks = []
    for m in re.finditer(r"^```([^\n]*)\n(.*?)^```$", text, re.M | re.S):
        blocks.append((m.start(), m.group(1).strip(), m.group(2).splitlines()))
    return blocks


def occurs_verbatim(snippet, lines):
    """True when the snippet's lines are consecutive lines of `lines`, all under one indent."""
    first = snippet[0]
    for i, line in enumerate(lines):
        if not line.endswith(first) or line[: len(line) - len(first)].strip():
            continue
        indent = line[: len(line) - len(first)]
        window = lines[i:i + len(snippet)]
        if window == [(indent + s) if s else s.rstrip() for s in snippet]:
            return True
    return False


def check_snippets(readme, root):
    found = 0
    for start, info, lines in code_blocks(readme):
        before = readme[max(0, start - 300):start]
        m = re.search(r"\(from `([^`]+)`[^\n]*\n(?:[^\n]*\n)?\s*$", before)
        if not m or not info.startswith("cpp"):
            continue
        found += 1
        path = os.path.join(root, m.group(1))
        if not os.path.isfile(path):
            failures.append(f"snippets: the README quotes {m.group(1)}, which does not exist")
            continue
        with open(path, encoding="utf-8") as f:
            source = f.read().splitlines()
        check(occurs_verbatim(lines, source),
              f"snippets: the block quoted from {m.group(1)} is not in that file verbatim:\n  " +
              "\n  ".join(lines))
    check(found >= 1, "snippets: no code block quoted '(from `FILE`' found")
    counts["snippets"] = found


def expand_braces(path):
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    return [p for alt in m.group(1).split(",")
            for p in expand_braces(path[:m.start()] + alt + path[m.end():])]


def check_paths(readme, root):
    prefixes = ("engine/", "ops/", "examples/", "tests/", "bench/", ".ci/")
    names = set(re.findall(r"`([^`\s]+)`", readme)) | set(re.findall(r"\]\(([^)\s]+)\)", readme))
    checked = 0
    for name in sorted(names):
        if not name.startswith(prefixes) or "*" in name:
            continue
        for path in expand_braces(name.rstrip(".,:;")):
            checked += 1
            # A program or source named without its extension (bench/torch_step) counts too.
            full = os.path.join(root, path)
            check(any(os.path.exists(full + ext) for ext in ("", ".cpp", ".hpp", ".py")),
                  f"paths: the README names {path}, which does not exist")
    check(checked >= 10, f"paths: only {checked} paths found in the README")
    counts["paths"] = checked


def lines_in_order(shown, actual, label):
    """Every shown line (abridgements skipped) appears in `actual`, in this order."""
    pos = 0
    for line in shown:
        if "..." in line or not line.strip():
            continue
        try:
            pos = actual.index(line.rstrip(), pos) + 1
        except ValueError:
            failures.append(f"outputs: {label}: the README shows {line!r}, which the program "
                            "does not print (here, in this order)")
            return


def run(args, cwd):
    proc = subprocess.run(args, capture_output=True, text=True, cwd=cwd)
    return proc, [l.rstrip() for l in (proc.stdout + proc.stderr).splitlines()]


def check_outputs(readme, root, decoder_training):
    blocks = code_blocks(readme)
    with tempfile.TemporaryDirectory() as cwd:
        # The README's commands run from the top folder; here they run in a scratch folder
        # that sees the same tests/ and build/examples/, so that plots land there.
        os.symlink(os.path.join(root, "tests"), os.path.join(cwd, "tests"))
        os.makedirs(os.path.join(cwd, "build", "examples"))
        os.symlink(decoder_training, os.path.join(cwd, "build", "examples", "decoder_training"))
        shown_runs = 0
        for i, (start, info, lines) in enumerate(blocks):
            before = readme[max(0, start - 200):start]
            if "Abridged output of `build/examples/decoder_training`:" in before:
                _, actual = run([decoder_training, "--no-plots"], cwd)
                lines_in_order(lines, actual, "the walkthrough")
                shown_runs += 1
            elif lines and lines[0] == "forward: 3 nodes in recording order":
                _, actual = run([decoder_training, "--trace"], cwd)
                lines_in_order(lines, actual, "--trace")
                shown_runs += 1
            elif info == "" and any(l.startswith("$ build/examples/") for l in lines):
                # A transcript: "$ command" lines, each followed by what it prints.
                command, shown = None, []
                for line in lines + ["$ "]:
                    if line.startswith("$ "):
                        if command:
                            _, actual = run(shlex.split(command), cwd)
                            lines_in_order(shown, actual, command)
                            shown_runs += 1
                        command, shown = line[2:].strip() or None, []
                    else:
                        shown.append(line)
            elif (info == "" and i > 0 and blocks[i - 1][1] == "sh" and
                  len(blocks[i - 1][2]) == 1 and
                  blocks[i - 1][2][0].startswith("build/examples/decoder_training") and
                  not lines[0].startswith("{")):
                # A command in a sh block, then its (abridged) output in the next block.
                _, actual = run(shlex.split(blocks[i - 1][2][0]), cwd)
                lines_in_order(lines, actual, blocks[i - 1][2][0])
                shown_runs += 1
        check(shown_runs >= 5, f"outputs: only {shown_runs} shown outputs found in the README")
        counts["outputs"] = shown_runs


def check_custom_layer(readme, custom_layer):
    proc = subprocess.run([custom_layer], capture_output=True, text=True)
    check(proc.returncode == 0, f"custom_layer: exit status {proc.returncode}")
    m = re.search(r"^gradcheck of (.*):$", proc.stdout, re.M)
    n = re.search(r"gradcheck passed: (\d+) elements checked", proc.stdout)
    if not m or not n:
        failures.append(f"custom_layer: no gradcheck line in its output: {proc.stdout[:200]!r}")
        return
    chain = m.group(1).replace(" -> ", " → ")
    prose = " ".join(readme.split())  # the README wraps lines anywhere
    found = re.search(r"`build/examples/custom_layer` trains (.*?) \(", prose)
    check(found is not None, "custom_layer: the README's 'custom_layer` trains ...' is missing")
    if found:
        check(found.group(1) == chain,
              f"custom_layer: the README says it trains {found.group(1)!r}; it checks {chain!r}")
    check(f"all {n.group(1)} parameters" in prose,
          f"custom_layer: the README does not say 'all {n.group(1)} parameters'")


def check_walkthrough_includes(root):
    path = os.path.join(root, "examples", "decoder_training", "walkthrough.cpp")
    with open(path, encoding="utf-8") as f:
        includes = re.findall(r'^#include "([^"]+)"', f.read(), re.M)
    allowed = ("engine/", "ops/", "examples/slides.hpp", "examples/decoder_training/walkthrough.hpp")
    for inc in includes:
        check(inc.startswith(allowed),
              f"walkthrough: walkthrough.cpp includes {inc}; it may use engine/, ops/ and "
              "examples/slides.hpp only")
    check(any(inc.startswith("ops/") for inc in includes), "walkthrough: no ops/ include found")


READING_LIMIT = 600  # the core's reading path, with comments (the project's promise)


def check_reading_order(readme, root):
    start = readme.find("**How backprop runs")
    check(start >= 0, "README: no \"How backprop runs\" reading order")
    if start < 0:
        return
    section = readme[start:readme.find("\n\n", readme.find("\n1. ", start))]
    total = re.search(r"\((\d+) lines with comments", section)
    check(total is not None, "reading order: no '(N lines with comments' total")
    # "`engine/core/tape.hpp` (97) and `tape.cpp` (85)": a bare name is in the previous folder.
    folder, summed, files = "", 0, 0
    for name, n in re.findall(r"`([\w/.]+\.(?:hpp|cpp))` \((\d+)\)", section):
        if "/" in name:
            folder = os.path.dirname(name)
        else:
            name = os.path.join(folder, name)
        with open(os.path.join(root, name), encoding="utf-8") as f:
            real = sum(1 for _ in f)
        check(real == int(n), f"reading order: {name} has {real} lines, the README says {n}")
        summed += real
        files += 1
    check(files >= 5, f"reading order: only {files} files with line counts")
    if total:
        check(int(total.group(1)) == summed,
              f"reading order: the total says {total.group(1)}, the files sum to {summed}")
    check(summed <= READING_LIMIT, f"reading order: {summed} lines > {READING_LIMIT}")


def main(argv):
    if len(argv) != 4:
        print(__doc__)
        return 2
    root, decoder_training, custom_layer = (os.path.abspath(a) for a in argv[1:])
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    check_snippets(readme, root)
    check_paths(readme, root)
    check_outputs(readme, root, decoder_training)
    check_custom_layer(readme, custom_layer)
    check_walkthrough_includes(root)
    check_reading_order(readme, root)
    for f in failures:
        print(f)
    print("readme: checked " + ", ".join(f"{n} {what}" for what, n in counts.items()))
    print(f"readme: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

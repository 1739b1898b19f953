#!/usr/bin/env python3
"""The READMEs against the code: what they quote, name, link and show must be what is there.

Usage: check_readme.py SOURCE_DIR DECODER_TRAINING CUSTOM_LAYER

The main README.md and the READMEs beside what they document (DOCS below) get the same checks:
  snippets  a code block introduced by "(from `FILE`" occurs verbatim in FILE (its lines
            consecutive, each indented alike there);
  paths     every repository path named in backquotes exists, from the repository's top folder
            (a {a,b} in it stands for each of a and b; a source may be named without its
            extension);
  links     every link to a file is relative (never /...) and resolves from the README's own
            folder, and a #fragment names a heading of the README it points to;
  outputs   the output shown is the programs' own: the walkthrough's abridged output, the
            --trace printout and every "$ build/examples/..." transcript line by line, in order
            ("..." lines and lines with "..." are abridgements and skipped); a JSON output
            shown after its command has the program's keys and numbers;
  work items  no internal work-item number ("issue" and a number);
and each README has at least the checks listed for it in DOCS, so that none passes vacuously.
The main README only:
  length    at most 350 lines; its tour links to every README in DOCS, and it keeps the
            snippet tests/consumer compiles;
  custom_layer  the description of custom_layer names the chain of layers and the number of
            parameters that the program's gradcheck line prints;
  walkthrough  examples/decoder_training/walkthrough.cpp includes nothing of the project but
            engine/, ops/ and examples/slides.hpp (and its own header);
  reading order  the core's reading order ("How backprop runs") gives each file's real line
            count, and its total, at most 600, is their sum.
Standard library only. Exit status 0 when all checks pass, 1 otherwise.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

MAIN = "README.md"
MAIN_MAX_LINES = 350
READING_LIMIT = 600  # the core's reading path, with comments (the project's promise)
CONSUMER_MARKER = "<!-- tests/consumer compiles the next snippet -->"

# Each README and the least each check must find in it.
DOCS = {
    MAIN: {"snippets": 1, "paths": 10, "links": 5, "outputs": 1},
    "bench/README.md": {"paths": 5, "links": 3},
    "examples/case_tool/README.md": {"paths": 5, "links": 3, "outputs": 4},
    "engine/io/README.md": {"paths": 3, "links": 3},
    "engine/inspect/README.md": {"paths": 5, "links": 3, "outputs": 2},
    "tests/README.md": {"paths": 5, "links": 3},
    "python/README.md": {"paths": 3, "links": 2},
}

failures = []
counts = {}  # (doc, what) -> how many were checked


def check(condition, message):
    if not condition:
        failures.append(message)


def count(doc, what, n=1):
    counts[(doc, what)] = counts.get((doc, what), 0) + n


def code_blocks(text):
    """(start offset, info string, lines) of every fenced block."""
    blocks = []
    for m in re.finditer(r"^```([^\n]*)\n(.*?)^```$", text, re.M | re.S):
        blocks.append((m.start(), m.group(1).strip(), m.group(2).splitlines()))
    return blocks


def prose(text):
    """The text without its fenced blocks (headings and links in code are not markdown)."""
    return re.sub(r"^```[^\n]*\n.*?^```$", "", text, flags=re.M | re.S)


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


def check_snippets(doc, text, root):
    for start, info, lines in code_blocks(text):
        before = text[max(0, start - 300):start]
        m = re.search(r"\(from `([^`]+)`[^\n]*\n(?:[^\n]*\n)?\s*$", before)
        if not m or not info:
            continue
        count(doc, "snippets")
        path = os.path.join(root, m.group(1))
        if not os.path.isfile(path):
            failures.append(f"{doc}: snippets: it quotes {m.group(1)}, which does not exist")
            continue
        with open(path, encoding="utf-8") as f:
            source = f.read().splitlines()
        check(occurs_verbatim(lines, source),
              f"{doc}: snippets: the block quoted from {m.group(1)} is not in that file "
              "verbatim:\n  " + "\n  ".join(lines))


def expand_braces(path):
    m = re.search(r"\{([^{}]*)\}", path)
    if not m:
        return [path]
    return [p for alt in m.group(1).split(",")
            for p in expand_braces(path[:m.start()] + alt + path[m.end():])]


def check_paths(doc, text, root):
    """Paths in backquotes, named from the repository's top folder as commands use them."""
    prefixes = ("engine/", "ops/", "examples/", "tests/", "bench/", ".ci/")
    for name in sorted(set(re.findall(r"`([^`\s]+)`", text))):
        if not name.startswith(prefixes) or "*" in name:
            continue
        for path in expand_braces(name.rstrip(".,:;")):
            count(doc, "paths")
            # A program or source named without its extension (bench/torch_step) counts too.
            full = os.path.join(root, path)
            check(any(os.path.exists(full + ext) for ext in ("", ".cpp", ".hpp", ".py")),
                  f"{doc}: paths: it names {path}, which does not exist")


def slug(heading):
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(text):
    seen, result = {}, set()
    for m in re.finditer(r"^#{1,6} +(.+?) *#*$", prose(text), re.M):
        base = slug(m.group(1))
        n = seen.get(base, 0)
        seen[base] = n + 1
        result.add(base if n == 0 else f"{base}-{n}")
    return result


def check_links(doc, text, root):
    """Links and images: relative, resolving from the README's folder, fragments included."""
    folder = os.path.dirname(os.path.join(root, doc))
    for target in re.findall(r"\]\(([^)\s]+)\)", prose(text)):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        count(doc, "links")
        if target.startswith("/"):
            failures.append(f"{doc}: links: {target} is absolute; links must be relative")
            continue
        path, _, fragment = target.partition("#")
        full = os.path.normpath(os.path.join(folder, path)) if path else os.path.join(root, doc)
        if os.path.relpath(full, root).split(os.sep)[0] == "..":
            failures.append(f"{doc}: links: {target} leaves the repository")
            continue
        if not os.path.exists(full):
            failures.append(f"{doc}: links: {target} does not resolve (no {full})")
            continue
        if fragment and full.endswith(".md"):
            with open(full, encoding="utf-8") as f:
                check(fragment in anchors(f.read()),
                      f"{doc}: links: {target}: no heading '#{fragment}' in "
                      f"{os.path.relpath(full, root)}")


def lines_in_order(doc, shown, actual, label):
    """Every shown line (abridgements skipped) appears in `actual`, in this order."""
    pos = 0
    for line in shown:
        if "..." in line or not line.strip():
            continue
        try:
            pos = actual.index(line.rstrip(), pos) + 1
        except ValueError:
            failures.append(f"{doc}: outputs: {label}: it shows {line!r}, which the program "
                            "does not print (here, in this order)")
            return


def json_matches(doc, shown, stdout, label):
    """A shown JSON document (abridged with ...): its keys and its numbers are the program's."""
    try:
        json.loads(stdout)
    except ValueError as e:
        failures.append(f"{doc}: outputs: {label}: the program's output is not JSON: {e}")
        return
    text = "\n".join(shown)
    actual_keys = set(re.findall(r'"([^"]+)":', stdout))
    actual_numbers = set(re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", stdout))
    for key in re.findall(r'"([^"]+)":', text):
        check(key in actual_keys, f"{doc}: outputs: {label}: it shows the key {key!r}, which "
              "the program does not print")
    for number in re.findall(r"-?\d+\.\d+(?:e[-+]?\d+)?", text):
        check(number in actual_numbers, f"{doc}: outputs: {label}: it shows {number}, which "
              "the program does not print")


def run(args, cwd):
    proc = subprocess.run(args, capture_output=True, text=True, cwd=cwd)
    return proc, [l.rstrip() for l in (proc.stdout + proc.stderr).splitlines()]


def check_outputs(doc, text, cwd, decoder_training):
    blocks = code_blocks(text)
    for i, (start, info, lines) in enumerate(blocks):
        before = text[max(0, start - 200):start]
        previous = blocks[i - 1][2] if i > 0 and blocks[i - 1][1] == "sh" else []
        if "Abridged output of `build/examples/decoder_training`:" in before:
            _, actual = run([decoder_training, "--no-plots"], cwd)
            lines_in_order(doc, lines, actual, "the walkthrough")
            count(doc, "outputs")
        elif lines and lines[0] == "forward: 3 nodes in recording order":
            _, actual = run([decoder_training, "--trace"], cwd)
            lines_in_order(doc, lines, actual, "--trace")
            count(doc, "outputs")
        elif info == "" and any(l.startswith("$ build/examples/") for l in lines):
            # A transcript: "$ command" lines, each followed by what it prints.
            command, shown = None, []
            for line in lines + ["$ "]:
                if line.startswith("$ "):
                    if command:
                        _, actual = run(shlex.split(command), cwd)
                        lines_in_order(doc, shown, actual, command)
                        count(doc, "outputs")
                    command, shown = line[2:].strip() or None, []
                else:
                    shown.append(line)
        elif (info == "" and lines and len(previous) == 1 and
              previous[0].startswith("build/examples/decoder_training")):
            # A command in a sh block, then its (abridged) output in the next block.
            proc, actual = run(shlex.split(previous[0]), cwd)
            if lines[0].startswith("{"):
                json_matches(doc, lines, proc.stdout, previous[0])
            else:
                lines_in_order(doc, lines, actual, previous[0])
            count(doc, "outputs")


def check_work_items(doc, text):
    for m in re.finditer(r"\b(?:issue|work item|ticket)s? *#?\d+", text, re.I):
        failures.append(f"{doc}: work items: {m.group(0)!r} names an internal work item")


def check_main_shape(readme):
    n = readme.count("\n") + (0 if readme.endswith("\n") else 1)
    check(n <= MAIN_MAX_LINES, f"{MAIN}: length: {n} lines, more than {MAIN_MAX_LINES}; move "
          "what is not the front page into the README beside what it documents")
    counts[(MAIN, "lines")] = n
    start = readme.find("## A short tour of the code")
    end = readme.find("\n## ", start + 1)
    tour = readme[start:end if end > 0 else len(readme)]
    check(start >= 0, f"{MAIN}: no '## A short tour of the code'")
    for doc in DOCS:
        if doc != MAIN:
            check(f"]({doc})" in tour, f"{MAIN}: the tour does not link to {doc}")
    check(CONSUMER_MARKER in readme,
          f"{MAIN}: no '{CONSUMER_MARKER}' (tests/consumer compiles the snippet after it)")


def check_custom_layer(readme, custom_layer):
    proc = subprocess.run([custom_layer], capture_output=True, text=True)
    check(proc.returncode == 0, f"custom_layer: exit status {proc.returncode}")
    m = re.search(r"^gradcheck of (.*):$", proc.stdout, re.M)
    n = re.search(r"gradcheck passed: (\d+) elements checked", proc.stdout)
    if not m or not n:
        failures.append(f"custom_layer: no gradcheck line in its output: {proc.stdout[:200]!r}")
        return
    chain = m.group(1).replace(" -> ", " → ")
    prose_text = " ".join(readme.split())  # the README wraps lines anywhere
    found = re.search(r"`build/examples/custom_layer` trains (.*?) \(", prose_text)
    check(found is not None, "custom_layer: the README's 'custom_layer` trains ...' is missing")
    if found:
        check(found.group(1) == chain,
              f"custom_layer: the README says it trains {found.group(1)!r}; it checks {chain!r}")
    check(f"all {n.group(1)} parameters" in prose_text,
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
    texts = {}
    for doc in DOCS:
        path = os.path.join(root, doc)
        if not os.path.isfile(path):
            failures.append(f"{doc}: missing")
            continue
        with open(path, encoding="utf-8") as f:
            texts[doc] = f.read()
    with tempfile.TemporaryDirectory() as cwd:
        # The READMEs' commands run from the top folder; here they run in a scratch folder
        # that sees the same tests/ and build/examples/, so that plots land there.
        os.symlink(os.path.join(root, "tests"), os.path.join(cwd, "tests"))
        os.makedirs(os.path.join(cwd, "build", "examples"))
        os.symlink(decoder_training, os.path.join(cwd, "build", "examples", "decoder_training"))
        for doc, text in texts.items():
            check_snippets(doc, text, root)
            check_paths(doc, text, root)
            check_links(doc, text, root)
            check_outputs(doc, text, cwd, decoder_training)
            check_work_items(doc, text)
    for doc, least in DOCS.items():
        for what, n in least.items():
            found = counts.get((doc, what), 0)
            check(found >= n, f"{doc}: {what}: only {found} found, expected at least {n}")
    if MAIN in texts:
        readme = texts[MAIN]
        check_main_shape(readme)
        check_custom_layer(readme, custom_layer)
        check_reading_order(readme, root)
    check_walkthrough_includes(root)
    for f in failures:
        print(f)
    for doc in DOCS:
        done = [f"{n} {what}" for (d, what), n in counts.items() if d == doc]
        print(f"readme: {doc}: checked " + ", ".join(done))
    print(f"readme: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

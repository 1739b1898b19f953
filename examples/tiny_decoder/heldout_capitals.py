#!/usr/bin/env python3
"""Greedy completion of valid.txt's simple capital sentences by a trained tiny_decoder.

Usage: heldout_capitals.py TINY_DECODER CHECKPOINT [VALID_TXT]

Every sentence of valid.txt in one of the capital forms (cap_2 ... cap_8, capn_1, capn_2 of
data/README.md; none of these sentences is in train.txt) is cut before its answer (the
capital, or the country); `tiny_decoder generate` continues the prompt greedily and the
completion counts as right when the answer is among its first three words (cap_5's genitive
"Spaniens" also as "von Spanien"). Prints one line per sentence and
the count; standard library only.
"""
import os
import re
import subprocess
import sys

FORMS = [  # (form, regex, index of the answer group); the prompt is the text before it
    ("capn_1", r"^(Die Hauptstadt von \S+ heißt) (.+)\.$"),
    ("capn_2", r"^(.+ ist die Hauptstadt des Landes) (\S+)\.$"),
    ("cap_7", r"^(Wie heißt die Hauptstadt von \S+\? Sie heißt) (.+)\.$"),
    ("cap_8", r"^(Die Stadt .+ ist die Hauptstadt von) (\S+)\.$"),
    ("cap_2", r"^(Die Hauptstadt von \S+ ist) ([^,]+)\.$"),
    ("cap_3", r"^(\S+ hat die Hauptstadt) (.+)\.$"),
    ("cap_4", r"^(Die Hauptstadt (?!von )\S+ ist) ([^,]+)\.$"),
    ("cap_5", r"^(\S+ ist die Hauptstadt) (?!von |des )(\S+)\.$"),
    ("cap_6", r"^(In \S+ ist) (.+) die Hauptstadt\.$"),
]


def main():
    binary, checkpoint = sys.argv[1], sys.argv[2]
    valid = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "data", "valid.txt")
    right = total = 0
    for line in open(valid, encoding="utf-8"):
        line = line.strip()
        for form, pattern in FORMS:
            m = re.match(pattern, line)
            if not m:
                continue
            prompt, answer = m.group(1), m.group(2)
            out = subprocess.run([binary, "generate", "--checkpoint", checkpoint, "--prompt",
                                  prompt, "--tokens", "8"], capture_output=True, text=True)
            text = out.stdout.strip()
            words = text.split()
            n = len(prompt.split())
            completion = " ".join(words[n:]) if words[:n - 1] == prompt.split()[:n - 1] else text
            # Right: the answer (a genitive "Spaniens" also as "von Spanien") among the first
            # three words, as a word of its own.
            stem = answer[:-1] if form == "cap_5" else answer
            first = [w.strip(".,?!") for w in completion.split()[:3]]
            ok = out.returncode == 0 and (answer in first or completion.startswith(answer) or
                                          (form == "cap_5" and stem in first))
            right += ok
            total += 1
            print(f"{'ok ' if ok else 'BAD'} {form:7s} {prompt} -> {completion}   [{answer}]")
            break
    print(f"{right}/{total} held-out capital sentences completed right")
    return 0 if total and right == total else 1


if __name__ == "__main__":
    sys.exit(main())

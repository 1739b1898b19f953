#!/usr/bin/env python3
"""Writes the tiny decoder's German corpus: train.txt, valid.txt and countries.tsv.

Every sentence is made here from templates over a small table of true facts (countries,
capitals, languages, continents, land borders, rivers), so the text is the project's own.
Deterministic: a fixed seed drives our own SplitMix64 generator (not Python's `random`,
whose helpers have changed between versions), so every python3 writes the same bytes.

    python3 examples/tiny_decoder/data/make_corpus.py        # writes next to this script
    python3 examples/tiny_decoder/data/make_corpus.py --out DIR

See README.md in this folder for the sentence forms and what valid.txt holds out.
Standard library only.
"""

import argparse
import os
import re
import sys
import unicodedata

SEED = 20261201

# ---------------------------------------------------------------------------------------------
# Facts. Only countries whose German name takes no article ("von Frankreich", not "der
# Schweiz"), so every form below is grammatical for every country; and no country whose
# capital has the country's name (Luxemburg) or whose capital is disputed or split (Bolivien,
# Südafrika, die Niederlande, die Schweiz).
#
# name, capital, languages, continent. The languages are the country's main or official
# ones; the sentences say "in X spricht man L", which does not claim the list is complete.
COUNTRIES = [
    # the notebook's four
    ("Frankreich", "Paris", ["Französisch"], "Europa"),
    ("Deutschland", "Berlin", ["Deutsch"], "Europa"),
    ("Spanien", "Madrid", ["Spanisch"], "Europa"),
    ("Italien", "Rom", ["Italienisch"], "Europa"),
    # the rest of Europe
    ("Portugal", "Lissabon", ["Portugiesisch"], "Europa"),
    ("Österreich", "Wien", ["Deutsch"], "Europa"),
    ("Belgien", "Brüssel", ["Niederländisch", "Französisch", "Deutsch"], "Europa"),
    ("Polen", "Warschau", ["Polnisch"], "Europa"),
    ("Tschechien", "Prag", ["Tschechisch"], "Europa"),
    ("Ungarn", "Budapest", ["Ungarisch"], "Europa"),
    ("Dänemark", "Kopenhagen", ["Dänisch"], "Europa"),
    ("Schweden", "Stockholm", ["Schwedisch"], "Europa"),
    ("Norwegen", "Oslo", ["Norwegisch"], "Europa"),
    ("Finnland", "Helsinki", ["Finnisch", "Schwedisch"], "Europa"),
    ("Griechenland", "Athen", ["Griechisch"], "Europa"),
    ("Rumänien", "Bukarest", ["Rumänisch"], "Europa"),
    ("Bulgarien", "Sofia", ["Bulgarisch"], "Europa"),
    ("Kroatien", "Zagreb", ["Kroatisch"], "Europa"),
    ("Serbien", "Belgrad", ["Serbisch"], "Europa"),
    ("Slowenien", "Ljubljana", ["Slowenisch"], "Europa"),
    ("Irland", "Dublin", ["Irisch", "Englisch"], "Europa"),
    ("Island", "Reykjavík", ["Isländisch"], "Europa"),
    ("Estland", "Tallinn", ["Estnisch"], "Europa"),
    ("Lettland", "Riga", ["Lettisch"], "Europa"),
    ("Litauen", "Vilnius", ["Litauisch"], "Europa"),
    ("Russland", "Moskau", ["Russisch"], "Europa und Asien"),
    # Asia, Africa, the Americas, Oceania
    ("Japan", "Tokio", ["Japanisch"], "Asien"),
    ("China", "Peking", ["Chinesisch"], "Asien"),
    ("Indien", "Neu-Delhi", ["Hindi", "Englisch"], "Asien"),
    ("Vietnam", "Hanoi", ["Vietnamesisch"], "Asien"),
    ("Ägypten", "Kairo", ["Arabisch"], "Afrika"),
    ("Kenia", "Nairobi", ["Swahili", "Englisch"], "Afrika"),
    ("Brasilien", "Brasília", ["Portugiesisch"], "Südamerika"),
    ("Argentinien", "Buenos Aires", ["Spanisch"], "Südamerika"),
    ("Chile", "Santiago de Chile", ["Spanisch"], "Südamerika"),
    ("Kolumbien", "Bogotá", ["Spanisch"], "Südamerika"),
    ("Peru", "Lima", ["Spanisch"], "Südamerika"),
    ("Kanada", "Ottawa", ["Englisch", "Französisch"], "Nordamerika"),
    ("Mexiko", "Mexiko-Stadt", ["Spanisch"], "Nordamerika"),
    ("Australien", "Canberra", ["Englisch"], "Ozeanien"),
]

# Land borders between two countries of the table (each pair once; the relation is symmetric).
# Not every border of a country: only those to countries in the table, and none through
# overseas territories (France and Brazil share one in French Guiana; it is left out).
NEIGHBOURS = [
    ("Frankreich", "Deutschland"), ("Frankreich", "Spanien"), ("Frankreich", "Italien"),
    ("Frankreich", "Belgien"),
    ("Deutschland", "Österreich"), ("Deutschland", "Polen"), ("Deutschland", "Tschechien"),
    ("Deutschland", "Dänemark"), ("Deutschland", "Belgien"),
    ("Spanien", "Portugal"),
    ("Italien", "Österreich"), ("Italien", "Slowenien"),
    ("Österreich", "Tschechien"), ("Österreich", "Ungarn"), ("Österreich", "Slowenien"),
    ("Polen", "Tschechien"), ("Polen", "Litauen"), ("Polen", "Russland"),
    ("Ungarn", "Rumänien"), ("Ungarn", "Serbien"), ("Ungarn", "Kroatien"),
    ("Ungarn", "Slowenien"),
    ("Schweden", "Norwegen"), ("Schweden", "Finnland"), ("Norwegen", "Finnland"),
    ("Norwegen", "Russland"), ("Finnland", "Russland"),
    ("Griechenland", "Bulgarien"),
    ("Rumänien", "Bulgarien"), ("Rumänien", "Serbien"), ("Bulgarien", "Serbien"),
    ("Kroatien", "Slowenien"), ("Kroatien", "Serbien"),
    ("Russland", "Estland"), ("Russland", "Lettland"), ("Russland", "Litauen"),
    ("Russland", "China"),
    ("Estland", "Lettland"), ("Lettland", "Litauen"),
    ("China", "Indien"), ("China", "Vietnam"),
    ("Brasilien", "Argentinien"), ("Brasilien", "Kolumbien"), ("Brasilien", "Peru"),
    ("Argentinien", "Chile"), ("Chile", "Peru"), ("Kolumbien", "Peru"),
]

# Rivers (article, name) and countries of the table they flow through (not along a border
# only: the Rhine touches France only as a border, so it is not listed there).
RIVERS = [
    ("der", "Rhein", ["Deutschland"]),
    ("die", "Donau", ["Deutschland", "Österreich", "Ungarn", "Serbien", "Rumänien"]),
    ("die", "Elbe", ["Tschechien", "Deutschland"]),
    ("die", "Oder", ["Tschechien", "Polen"]),
    ("die", "Weser", ["Deutschland"]),
    ("der", "Main", ["Deutschland"]),
    ("der", "Inn", ["Österreich", "Deutschland"]),
    ("die", "Weichsel", ["Polen"]),
    ("die", "Moldau", ["Tschechien"]),
    ("die", "Seine", ["Frankreich"]),
    ("die", "Loire", ["Frankreich"]),
    ("die", "Rhône", ["Frankreich"]),
    ("die", "Maas", ["Frankreich", "Belgien"]),
    ("die", "Schelde", ["Frankreich", "Belgien"]),
    ("der", "Po", ["Italien"]),
    ("der", "Tiber", ["Italien"]),
    ("der", "Arno", ["Italien"]),
    ("der", "Ebro", ["Spanien"]),
    ("der", "Tajo", ["Spanien", "Portugal"]),
    ("der", "Duero", ["Spanien", "Portugal"]),
    ("der", "Guadalquivir", ["Spanien"]),
    ("die", "Theiß", ["Ungarn", "Serbien"]),
    ("die", "Save", ["Slowenien", "Kroatien", "Serbien"]),
    ("die", "Drau", ["Österreich", "Slowenien", "Kroatien"]),
    ("die", "Maritza", ["Bulgarien"]),
    ("die", "Glomma", ["Norwegen"]),
    ("die", "Wolga", ["Russland"]),
    ("der", "Don", ["Russland"]),
    ("die", "Düna", ["Russland", "Lettland"]),
    ("die", "Memel", ["Litauen"]),
    ("der", "Shannon", ["Irland"]),
    ("der", "Nil", ["Ägypten"]),
    ("der", "Amazonas", ["Peru", "Brasilien"]),
    ("der", "Paraná", ["Brasilien", "Argentinien"]),
    ("der", "Ganges", ["Indien"]),
    ("der", "Jangtse", ["China"]),
    ("der", "Mekong", ["China", "Vietnam"]),
    ("der", "Sankt-Lorenz-Strom", ["Kanada"]),
    ("der", "Murray", ["Australien"]),
]

# ---------------------------------------------------------------------------------------------
# Sentence forms. {c} country, {cg} its genitive (Frankreichs), {cap} capital, {L} languages
# ("A", "A und B", "A, B und C"), {K} continent, {n} a neighbour, {R}/{r} a river with its
# article at the start / inside a sentence.

# Capital forms that train.txt contains. cap_1 is the walkthrough's prompt ("Paris ist die
# Hauptstadt von" -> "Frankreich") and is never held out; for each country one of the others
# is held out for valid.txt (hold-out kind a).
CAPITAL_FORMS = {
    "cap_1": "{cap} ist die Hauptstadt von {c}.",
    "cap_2": "Die Hauptstadt von {c} ist {cap}.",
    "cap_3": "{c} hat die Hauptstadt {cap}.",
    "cap_4": "Die Hauptstadt {cg} ist {cap}.",
    "cap_5": "{cap} ist die Hauptstadt {cg}.",
    "cap_6": "In {c} ist {cap} die Hauptstadt.",
    "cap_7": "Wie heißt die Hauptstadt von {c}? Sie heißt {cap}.",
    "cap_8": "Die Stadt {cap} ist die Hauptstadt von {c}.",
}
# Capital forms that train.txt never contains, in any sentence (hold-out kind b), with a
# pattern that must match no line of train.txt.
UNSEEN_CAPITAL_FORMS = {
    "capn_1": ("Die Hauptstadt von {c} heißt {cap}.", r"Hauptstadt von [^,.?]* heißt"),
    "capn_2": ("{cap} ist die Hauptstadt des Landes {c}.", r"Hauptstadt des Landes"),
    "capn_3": ("{c} hat {cap} als Hauptstadt.", r"als Hauptstadt"),
}
LANGUAGE_FORMS = {
    "lang_1": "In {c} spricht man {L}.",
    "lang_2": "Man spricht {L} in {c}.",
    "lang_3": "{L} spricht man in {c}.",
    "lang_4": "In {c} {wird} {L} gesprochen.",
    "lang_5": "Die Menschen in {c} sprechen {L}.",
    "lang_6": "{Sprache} des Landes {c} {ist} {L}.",
}
CONTINENT_FORMS = {
    "cont_1": "{c} liegt in {K}.",
    "cont_2": "{c} ist ein Land in {K}.",
    "cont_3": "In {K} liegt {c}.",
    "cont_4": "{c} gehört zu {K}.",
    "cont_5": "Das Land {c} liegt in {K}.",
}
NEIGHBOUR_FORMS = {
    "nb_1": "{c} grenzt an {n}.",
    "nb_2": "{c} ist ein Nachbarland von {n}.",
    "nb_3": "{c} hat eine gemeinsame Grenze mit {n}.",
    "nb_4": "{c} und {n} sind Nachbarländer.",
    "nb_5": "Zwischen {c} und {n} gibt es eine Grenze.",
    "nb_6": "Über die Grenze kommt man von {c} nach {n}.",
    "nb_7": "{n} ist ein Nachbarland des Landes {c}.",
}
RIVER_FORMS = {
    "riv_1": "{R} fließt durch {c}.",
    "riv_2": "Durch {c} fließt {r}.",
    "riv_3": "{R} ist ein Fluss in {c}.",
    "riv_4": "Ein Fluss in {c} ist {r}.",
    "riv_5": "{R} ist ein Fluss des Landes {c}.",
}

# Each fact of these kinds has one of its forms held out for valid.txt with this probability
# (1 in HOLD_OUT_ONE_IN); the fact stays in train.txt in its other forms.
HOLD_OUT_ONE_IN = 4
# Compound sentences (two facts in one sentence) go to valid.txt with probability 1 in this.
COMPOUND_VALID_ONE_IN = 16
# Pairs of capital sentences about two unrelated countries: how many train.txt draws.
UNRELATED_CAPITAL_PAIRS = 700


class SplitMix64:
    """A tiny, fully specified generator: the same numbers from every Python."""

    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n):
        """An integer in [0, n); the modulo bias (n / 2^64) does not matter here."""
        return self.next() % n

    def shuffle(self, items):
        """Fisher-Yates, in place."""
        for i in range(len(items) - 1, 0, -1):
            j = self.below(i + 1)
            items[i], items[j] = items[j], items[i]


def join_list(items):
    """German enumeration: "A", "A und B", "A, B und C"."""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " und " + items[-1]


def capitalize_first(text):
    return text[0].upper() + text[1:]


class Corpus:
    """The sentences of train.txt and valid.txt, and how many of each family each has."""

    def __init__(self):
        self.train = []
        self.valid = []
        self.families = {}  # family -> [in train, in valid], in the order first seen

    def add(self, text, to_valid, family):
        (self.valid if to_valid else self.train).append(text)
        self.families.setdefault(family, [0, 0])[1 if to_valid else 0] += 1


def fields(country):
    name, capital, languages, continent = country
    return {
        "c": name,
        "cg": name + "s",
        "cap": capital,
        "L": join_list(languages),
        "wird": "wird" if len(languages) == 1 else "werden",
        "Sprache": "Die Sprache" if len(languages) == 1 else "Die Sprachen",
        "ist": "ist" if len(languages) == 1 else "sind",
        "K": continent,
    }


def build(rng):
    by_name = {c[0]: c for c in COUNTRIES}
    corpus = Corpus()
    held_capital = {}  # country -> held-out capital form (kind a)

    # Simple sentences: capitals.
    for country in COUNTRIES:
        f = fields(country)
        others = sorted(k for k in CAPITAL_FORMS if k != "cap_1")
        held = others[rng.below(len(others))]
        held_capital[f["c"]] = held
        for form, template in CAPITAL_FORMS.items():
            corpus.add(template.format(**f), form == held, "capital, cap_1 to cap_8")
        for form, (template, _) in UNSEEN_CAPITAL_FORMS.items():
            corpus.add(template.format(**f), True, "capital, capn_1 to capn_3 (never in train)")

    # Simple sentences: languages, continents, borders, rivers; a fact loses one form to
    # valid.txt now and then.
    def add_forms(forms, f, family):
        held = None
        if rng.below(HOLD_OUT_ONE_IN) == 0:
            keys = sorted(forms)
            held = keys[rng.below(len(keys))]
        for form, template in forms.items():
            corpus.add(capitalize_first(template.format(**f)), form == held, family)

    for country in COUNTRIES:
        add_forms(LANGUAGE_FORMS, fields(country), "language, lang_1 to lang_6")
    for country in COUNTRIES:
        add_forms(CONTINENT_FORMS, fields(country), "continent, cont_1 to cont_5")
    for a, b in NEIGHBOURS:
        for c, n in ((a, b), (b, a)):
            add_forms(NEIGHBOUR_FORMS, dict(fields(by_name[c]), n=n), "border, nb_1 to nb_7")
    for article, river, countries in RIVERS:
        for c in countries:
            r = article + " " + river
            add_forms(RIVER_FORMS, dict(fields(by_name[c]), R=capitalize_first(r), r=r),
                      "river, riv_1 to riv_5")

    # Compound sentences: two or three facts in one sentence, built from the clauses of
    # cap_1 or cap_2. A compound whose capital clause is held out for its country goes to
    # valid.txt with the simple sentence; others go there 1 time in COMPOUND_VALID_ONE_IN.
    def compounds(family):
        """Adds the compound sentences of one family (README.md lists them)."""

        def add(text, capital_uses=()):
            held = any(held_capital[c] == form for c, form in capital_uses)
            corpus.add(text, held or rng.below(COMPOUND_VALID_ONE_IN) == 0, family)

        return add

    def cap1(f):
        return "{cap} ist die Hauptstadt von {c}".format(**f)

    def cap2(f):
        return "Die Hauptstadt von {c} ist {cap}".format(**f)

    neighbours_of = {c[0]: [] for c in COUNTRIES}
    for a, b in NEIGHBOURS:
        neighbours_of[a].append(b)
        neighbours_of[b].append(a)

    capital_and_more = compounds("capital + language or continent")
    capital_and_border = compounds("capital + border")
    border_and_capital = compounds("border + the neighbour's capital")
    two_capitals = compounds("two capitals (neighbours)")
    two_languages = compounds("two languages (neighbours)")
    two_borders = compounds("two borders of one country")
    for country in COUNTRIES:
        f = fields(country)
        c = f["c"]
        capital_and_more(cap1(f) + ", und dort spricht man {L}.".format(**f))
        capital_and_more(cap2(f) + ", und man spricht dort {L}.".format(**f), [(c, "cap_2")])
        capital_and_more(cap1(f) + ", das in {K} liegt.".format(**f))
        capital_and_more(cap2(f) + ", und {c} liegt in {K}.".format(**f), [(c, "cap_2")])
        capital_and_more(cap1(f) + ", einem Land in {K}.".format(**f))
        if len(country[2]) == 1:  # with two or three languages it gets long (31-34 tokens)
            capital_and_more(cap1(f) + ", einem Land in {K}, in dem man {L} spricht.".format(**f))
        for n in neighbours_of[c]:
            fn = fields(by_name[n])
            capital_and_border(cap1(f) + ", das an {} grenzt.".format(n))
            capital_and_border(cap2(f) + ", und {} grenzt an {}.".format(c, n), [(c, "cap_2")])
            border_and_capital("{} grenzt an {}, dessen Hauptstadt {} ist.".format(c, n, fn["cap"]))
            two_capitals(cap1(f) + ", und " + cap1(fn) + ".")
            two_capitals(cap2(f) + ", und d" + cap2(fn)[1:] + ".", [(c, "cap_2"), (n, "cap_2")])
            two_languages(
                "In {} spricht man {}, und in {} spricht man {}.".format(c, f["L"], n, fn["L"]))
        # Two of its neighbours at once, in either order.
        ns = neighbours_of[c]
        for i in range(len(ns)):
            for j in range(i + 1, len(ns)):
                pair = [ns[i], ns[j]]
                if rng.below(2):
                    pair.reverse()
                two_borders("{} grenzt an {} und {}.".format(c, *pair))
                two_borders("Zu den Nachbarländern von {} gehören {} und {}.".format(c, *pair))

    river_and_capital = compounds("river + capital")
    river_through_more = compounds("river through two or more countries")
    for article, river, countries in RIVERS:
        r = capitalize_first(article + " " + river)
        for c in countries:
            river_and_capital("{} fließt durch {}, dessen Hauptstadt {} ist.".format(
                r, c, by_name[c][1]))
        for i in range(len(countries)):
            for j in range(i + 1, len(countries)):
                river_through_more("{} fließt durch {} und {}.".format(
                    r, countries[i], countries[j]))
        if len(countries) > 2:
            river_through_more("{} fließt durch {}.".format(r, join_list(countries)))

    # Two countries on the same continent (Russia, on two, is left out), and two countries
    # that share a language.
    one_continent = compounds("two countries on one continent")
    one_language = compounds("two countries, one language")
    names = [c[0] for c in COUNTRIES]
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = by_name[names[i]], by_name[names[j]]
            pair = [a[0], b[0]]
            if rng.below(2):
                pair.reverse()
            if a[3] == b[3] and " und " not in a[3]:
                one_continent("{} und {} liegen beide in {}.".format(pair[0], pair[1], a[3]))
            for language in a[2]:
                if language in b[2]:
                    one_language("In {} und {} spricht man {}.".format(pair[0], pair[1], language))

    # Capital sentences about two unrelated countries, drawn at random.
    unrelated_capitals = compounds("two capitals (not neighbours)")
    seen_pairs = set()
    while len(seen_pairs) < UNRELATED_CAPITAL_PAIRS:
        a, b = by_name[names[rng.below(len(names))]], by_name[names[rng.below(len(names))]]
        if a[0] == b[0] or b[0] in neighbours_of[a[0]] or (a[0], b[0]) in seen_pairs:
            continue
        seen_pairs.add((a[0], b[0]))
        fa, fb = fields(a), fields(b)
        if rng.below(2):
            unrelated_capitals(cap1(fa) + ", und " + cap1(fb) + ".")
        else:
            unrelated_capitals(cap2(fa) + ", und d" + cap2(fb)[1:] + ".",
                               [(a[0], "cap_2"), (b[0], "cap_2")])
    return corpus, held_capital


def check(corpus, held_capital):
    """The promises README.md makes about the corpus; any broken one stops the script."""
    problems = []
    train_set = set(corpus.train)
    for name, lines in (("train", corpus.train), ("valid", corpus.valid)):
        if len(set(lines)) != len(lines):
            problems.append(name + ": has duplicate sentences")
        for line in lines:
            if unicodedata.normalize("NFC", line) != line:
                problems.append(name + ": not NFC: " + line)
            if "  " in line or "\t" in line or line != line.strip():
                problems.append(name + ": odd whitespace: " + repr(line))
    for line in corpus.valid:
        if line in train_set:
            problems.append("valid sentence also in train: " + line)
    for country in COUNTRIES:
        f = fields(country)
        if CAPITAL_FORMS["cap_1"].format(**f) not in train_set:
            problems.append("cap_1 missing from train for " + f["c"])
        # Kind a: the held-out form, for this country, appears in no training sentence (not
        # even as the lower-case second clause of a compound).
        held_text = CAPITAL_FORMS[held_capital[f["c"]]].format(**f)[:-1].lower()
        for line in corpus.train:
            if held_text in line.lower():
                problems.append("held-out form in train: " + line)
        if sum(1 for line in corpus.train if re.search(r"\b" + f["c"] + r"\b", line)) < 20:
            problems.append("fewer than 20 training sentences name " + f["c"])
    for form, (_, pattern) in UNSEEN_CAPITAL_FORMS.items():
        for line in corpus.train:
            if re.search(pattern, line):
                problems.append(form + " pattern in train: " + line)
    if problems:
        sys.exit("make_corpus: " + "\n".join(problems[:20]))


def write_lines(path, lines):
    """Atomically: a temporary file in the same folder, then a rename over the target."""
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(line + "\n")
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="folder for train.txt, valid.txt, countries.tsv (default: here)")
    args = parser.parse_args()

    rng = SplitMix64(SEED)
    corpus, held_capital = build(rng)
    check(corpus, held_capital)
    rng.shuffle(corpus.train)
    rng.shuffle(corpus.valid)

    write_lines(os.path.join(args.out, "train.txt"), corpus.train)
    write_lines(os.path.join(args.out, "valid.txt"), corpus.valid)
    rows = ["country\tcapital\tlanguages\tcontinent\theld_out_capital_form"]
    for name, capital, languages, continent in COUNTRIES:
        rows.append("\t".join([name, capital, ", ".join(languages), continent,
                               held_capital[name]]))
    write_lines(os.path.join(args.out, "countries.tsv"), rows)
    print("{:<44} {:>6} {:>6}".format("sentences", "train", "valid"))
    for family, (train, valid) in corpus.families.items():
        print("{:<44} {:>6} {:>6}".format(family, train, valid))
    print("{:<44} {:>6} {:>6}".format("all", len(corpus.train), len(corpus.valid)))
    for name, lines in (("train.txt", corpus.train), ("valid.txt", corpus.valid)):
        print("{}: {} sentences, {} characters ({} bytes) with the newlines".format(
            name, len(lines), sum(len(x) + 1 for x in lines),
            sum(len(x.encode("utf-8")) + 1 for x in lines)))


if __name__ == "__main__":
    main()

"""Topics of AI governance, tagged from the instruments' own words.

The vocabulary (labels, UNBIS term, one rule per language) is the reviewed file
``crosswalks/topic-rules.json``; each topic's definition is in ``schemas/vocabularies.json``
under ``topic_tags.topic``. A tag says that the instrument's text deals with the topic, and
names the words that show it:

- a passage (table ``passages``): for an instrument about AI, any of its paragraphs; otherwise
  only paragraphs that name AI, so that a resolution on, say, health is tagged "health" only
  where its AI paragraph speaks of health;
- or, for an instrument without imported text, a quote of one of its official sources or of a
  verbatim copy of one (``citations.quote``).

One row per instrument and topic: the first passage in printed order (English first, then
Chinese) or the first quote that matches, with how many passages match. Tags are made by rules
(method ``rule``); the rules were reviewed against a hand-labelled sample (tests/test_topics.py
prints the tagger's precision and recall on it).
"""

from __future__ import annotations

import functools
import json
import os
import re

RULES_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "crosswalks", "topic-rules.json")
LANGUAGES = ("en", "zh")  # the languages the rules are written for, in the order tags prefer them


@functools.cache
def rules(path: str = RULES_FILE) -> dict[str, dict]:
    with open(path, encoding="utf-8") as fh:
        topics = json.load(fh)["topics"]
    out = {}
    for name, spec in topics.items():
        lowered = {lang: _lowered(spec[lang]) for lang in LANGUAGES}
        out[name] = {**spec, "patterns": {lang: re.compile(spec[lang], re.I) for lang in LANGUAGES}, "lowered": lowered,
                     "literals": {lang: _required(p.pattern) if p is not None else None for lang, p in lowered.items()}}
    return out


# An escape other than these, or a group with flags or a name, and the pattern is used as written.
_PLAIN_ESCAPES = set("bBwWsSdD") | {c for c in map(chr, range(32, 127)) if not c.isalnum()}
_PLAIN_GROUPS = ("(?:", "(?=", "(?!", "(?<=", "(?<!")


def _lowered(pattern: str):
    """The pattern compiled case-sensitively for lowercased ASCII text, or None where that could
    differ from the pattern with re.I (escapes of letters, flags, non-ASCII characters).

    On ASCII text the two find the same spans, and a case-sensitive search is ~3x faster: the
    English rules over every English passage are most of a cold build's tagging otherwise."""
    if not pattern.isascii():
        return None
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if pattern[i + 1:i + 2] not in _PLAIN_ESCAPES:
                return None
            out.append(pattern[i:i + 2])
            i += 2
            continue
        if char == "(" and pattern.startswith("(?", i) and not pattern.startswith(_PLAIN_GROUPS, i):
            return None
        out.append(char.lower())
        i += 1
    try:
        return re.compile("".join(out))
    except re.error:
        return None


def _required(pattern: str) -> frozenset | None:
    """Words one of which every match of ``pattern`` contains, or None where none can be told:
    for each alternative at the top, its longest run of plain characters (zero-width parts such
    as \\b and lookarounds do not break a run; optional or repeated parts and classes do). A text
    with none of them cannot match, so the search is skipped: half the time of tagging."""
    try:
        try:
            from re import _constants as c
            from re import _parser as parser
        except ImportError:  # Python 3.10
            import sre_constants as c
            import sre_parse as parser
        zero_width = (c.AT, c.ASSERT, c.ASSERT_NOT)

        def longest(items) -> str:
            best, run = "", []
            for op, av in items:
                if op is c.LITERAL:
                    run.append(chr(av))
                    continue
                if op in zero_width:
                    continue
                if op is c.SUBPATTERN and not av[1] and not av[2] and all(o is c.LITERAL or o in zero_width for o, _ in av[3]):
                    run.extend(chr(a) for o, a in av[3] if o is c.LITERAL)  # a plain group of plain characters
                    continue
                best, run = max(best, "".join(run), key=len), []
            return max(best, "".join(run), key=len)

        items = list(parser.parse(pattern))
        branches = [list(b) for b in items[0][1][1]] if len(items) == 1 and items[0][0] is c.BRANCH else [items]
        words = [longest(b) for b in branches]
        return frozenset(words) if all(len(w) >= 2 for w in words) else None
    except Exception:  # noqa: BLE001 - a pattern this cannot read is searched as it is
        return None


def match(text: str, language: str, topic: dict, lowered: str | None = None) -> str | None:
    """The words of ``text`` that show the topic, or None. ``lowered``: ``text.lower()`` when
    ``text`` is ASCII (the faster search), else None."""
    fast = topic["lowered"].get(language)
    if fast is not None and text.isascii():
        lowered = text.lower() if lowered is None else lowered
        words = topic["literals"].get(language)
        if words is not None and not any(word in lowered for word in words):
            return None
        found = fast.search(lowered)
        return text[found.start():found.end()] if found else None
    pattern = topic["patterns"].get(language)
    found = pattern.search(text) if pattern else None
    return found.group(0) if found else None


def tags_of_text(text: str, language: str) -> dict[str, str]:
    """topic -> matched words, for one passage or quote."""
    out = {}
    lowered = text.lower() if text.isascii() else None
    for name, topic in rules().items():
        words = match(text, language, topic, lowered)
        if words:
            out[name] = words
    return out


def topic_rows(vocabulary: dict[str, str]) -> list[dict]:
    """The topics table: one row per topic of the vocabulary, with the rules file's labels."""
    out = []
    for name, definition in vocabulary.items():
        spec = rules()[name]
        row = {"topic": name, "label_en": spec["label_en"], "label_zh": spec["label_zh"], "definition": definition}
        if spec.get("unbis"):
            row["unbis_term"] = spec["unbis"]
        out.append(row)
    return out


def tag_rows(rows: dict) -> list[dict]:
    """The topic_tags table (see the module docstring)."""
    about = {r.get("id") for r in rows["instruments"] if r.get("ai_scope") == "about-ai"}
    found: dict[tuple[str, str], dict] = {}
    counts: dict[tuple[str, str, str], int] = {}  # (instrument, topic, language) -> matching passages
    order = {lang: n for n, lang in enumerate(LANGUAGES)}
    # rows the checks will refuse (no text, a seq that is not a number) are left to them
    usable = [p for p in rows["passages"] if p.get("language") in order and p.get("instrument_id") and p.get("text")
              and str(p.get("seq", "")).isdigit()]
    passages = sorted(usable, key=lambda p: (p["instrument_id"], order[p["language"]], int(p["seq"])))
    for p in passages:
        if p["instrument_id"] not in about and p.get("mentions_ai") != "true":
            continue
        for topic, words in tags_of_text(p["text"], p["language"]).items():
            key = (p["instrument_id"], topic)
            counts[key + (p["language"],)] = counts.get(key + (p["language"],), 0) + 1
            if key not in found:
                found[key] = {"instrument_id": p["instrument_id"], "topic": topic, "passage_seq": p["seq"], "matched": words,
                              "method": "rule", "_language": p["language"]}
    with_text = {p.get("instrument_id") for p in rows["passages"]}
    for c in rows["citations"]:
        instrument = c.get("instrument_id")
        if not instrument or instrument in with_text or not c.get("quote") or not c.get("citation_id") or "true" not in (c.get("official"), c.get("copy")):
            continue  # only quotes of the official text (or a verbatim copy of it)
        language = "zh" if re.search("[\u4e00-\u9fff]", c["quote"]) else "en"
        for topic, words in tags_of_text(c["quote"], language).items():
            key = (instrument, topic)
            if key not in found:
                found[key] = {"instrument_id": instrument, "topic": topic, "citation_id": c["citation_id"], "matched": words,
                              "method": "rule", "_language": language}
    out = []
    for key in sorted(found):
        row = {k: v for k, v in found[key].items() if not k.startswith("_")}
        if "passage_seq" in row:  # how many passages of that language show the topic
            row["passages"] = str(counts[key + (found[key]["_language"],)])
        out.append(row)
    return out

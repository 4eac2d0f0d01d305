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
    return {name: {**spec, "patterns": {lang: re.compile(spec[lang], re.I) for lang in LANGUAGES}} for name, spec in topics.items()}


def match(text: str, language: str, topic: dict) -> str | None:
    """The words of ``text`` that show the topic, or None."""
    pattern = topic["patterns"].get(language)
    found = pattern.search(text) if pattern else None
    return found.group(0) if found else None


def tags_of_text(text: str, language: str) -> dict[str, str]:
    """topic -> matched words, for one passage or quote."""
    out = {}
    for name, topic in rules().items():
        words = match(text, language, topic)
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
    passages = sorted((p for p in rows["passages"] if p["language"] in order),
                      key=lambda p: (p["instrument_id"], order[p["language"]], int(p["seq"])))
    for p in passages:
        if p["instrument_id"] not in about and p.get("mentions_ai") != "true":
            continue
        for topic, words in tags_of_text(p["text"], p["language"]).items():
            key = (p["instrument_id"], topic)
            counts[key + (p["language"],)] = counts.get(key + (p["language"],), 0) + 1
            if key not in found:
                found[key] = {"instrument_id": p["instrument_id"], "topic": topic, "passage_seq": p["seq"], "matched": words,
                              "method": "rule", "_language": p["language"]}
    with_text = {p["instrument_id"] for p in rows["passages"]}
    for c in rows["citations"]:
        instrument = c.get("instrument_id")
        if not instrument or instrument in with_text or not c.get("quote") or "true" not in (c.get("official"), c.get("copy")):
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

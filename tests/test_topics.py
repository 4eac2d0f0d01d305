"""Topics backed by text: the tagger against a sample of passages labelled by reading them, and
every published tag against the words it cites."""

import os

import pytest

from aigov import topics
from conftest import ROOT
from readme_recipe import read_table

SAMPLE = os.path.join(ROOT, "tests", "fixtures", "topic-sample.tsv")


def sample():
    with open(SAMPLE, encoding="utf-8") as fh:
        lines = [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]
    return [(i, s, set(filter(None, labels.split(",")))) for i, s, labels in lines[1:]]


@pytest.fixture(scope="module")
def t(built):
    return {n: read_table(built, n) for n in ("passages", "topic_tags", "topics", "citations", "instruments")}


def test_tagger_precision_on_the_hand_labelled_sample(t, capsys):
    """Precision at least 0.9 on 70 passages labelled by a person; recall is reported, not held."""
    text = t["passages"].set_index(["instrument_id", "seq"])["text"]
    right = wrong = missed = 0
    for instrument, seq, gold in sample():
        got = set(topics.tags_of_text(text[(instrument, int(seq))], "en"))
        right, wrong, missed = right + len(got & gold), wrong + len(got - gold), missed + len(gold - got)
    precision, recall = right / (right + wrong), right / (right + missed)
    with capsys.disabled():
        print(f"\ntopic tagger on {len(sample())} hand-labelled passages: precision {precision:.3f}, recall {recall:.3f} "
              f"({right} right, {wrong} wrong, {missed} missed)")
    assert len(sample()) >= 60
    assert precision >= 0.9


def test_every_tag_cites_words_of_the_instruments_own_text(t):
    tags, passages, citations = t["topic_tags"], t["passages"], t["citations"]
    text = passages.set_index(["instrument_id", "seq"])
    quotes = citations.set_index("citation_id")
    assert len(tags) > 300
    for row in tags.itertuples():
        if isinstance(row.citation_id, str):  # a quote of an official source
            quote = quotes.loc[row.citation_id]
            assert quote["instrument_id"] == row.instrument_id
            assert quote["official"] == True or quote["copy"] == True  # noqa: E712 (numpy and pandas booleans)
            assert row.matched in quote["quote"]
        else:
            passage = text.loc[(row.instrument_id, int(row.passage_seq))]
            assert row.matched in passage["text"], (row.instrument_id, row.topic)


def test_tags_of_instruments_not_about_ai_come_from_paragraphs_that_name_ai(t):
    tags, passages, inst = t["topic_tags"], t["passages"], t["instruments"]
    not_about = set(inst[inst["ai_scope"] != "about-ai"]["id"])
    flagged = passages.set_index(["instrument_id", "seq"])["mentions_ai"]
    mine = tags[tags["instrument_id"].isin(not_about) & tags["passage_seq"].notna()]
    assert len(mine) > 50
    assert all(flagged[(r.instrument_id, int(r.passage_seq))] for r in mine.itertuples())


def test_the_vocabulary_is_small_and_labelled_in_both_languages(t):
    vocabulary = t["topics"]
    assert 10 <= len(vocabulary) <= 30
    assert vocabulary["label_en"].notna().all() and vocabulary["label_zh"].notna().all() and vocabulary["definition"].notna().all()
    assert set(t["topic_tags"]["topic"]) <= set(vocabulary["topic"])


def test_the_fast_search_finds_what_the_rules_find(t):
    """On ASCII text the rules run lowercased and case-sensitive (aigov/topics.py: _lowered), for
    speed; they must find the very words the rules as written (re.IGNORECASE) find."""
    def as_written(text, language):
        found = {name: rule["patterns"][language].search(text) for name, rule in topics.rules().items()}
        return {name: m.group(0) for name, m in found.items() if m}

    passages = t["passages"]
    texts = [(str(x), str(lang)) for x, lang in zip(passages["text"], passages["language"]) if lang in topics.LANGUAGES]
    texts += [(x.upper(), "en") for x, lang in texts[:500] if lang == "en"]  # other cases of the same words
    texts += [("The Scientific Panel and the AI SAFETY institutes; an Enabling Environment; educational, Scientific and "
               "Cultural; standards of living; Kelvin \u212a and long \u017f: not ASCII, so the rules as written", "en")]
    assert sum(lang == "en" for _, lang in texts) > 1000
    assert all(topics.rules()[name]["lowered"]["en"] is not None for name in topics.rules())  # every English rule runs fast
    assert all(topics.rules()[name]["literals"]["en"] for name in topics.rules())  # ... and is skipped without its words
    for text, language in texts:
        assert topics.tags_of_text(text, language) == as_written(text, language), text


@pytest.mark.parametrize("pattern, words", [
    ("ab|cd", {"ab", "cd"}), (r"(?<!x )foo(bar)?\b", {"foo"}), ("x?yz", {"yz"}), (r"\bai safety\b", {"ai safety"}),
    ("a(b|c)d", None), ("ab|c", None), (r"\w+", None), ("risks? (assessment|management)", {"risk"}),
])
def test_the_words_a_match_must_contain(pattern, words):
    assert topics._required(pattern) == (frozenset(words) if words else None)

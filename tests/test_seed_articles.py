"""The mentions of the two seed articles quote them exactly (the seeds live in ../shared/seeds)."""

import glob
import os

import pytest
import yaml

from conftest import ROOT

SEEDS = os.path.join(os.path.dirname(ROOT), "shared", "seeds")
ARTICLES = sorted(glob.glob(os.path.join(ROOT, "sources", "articles", "seed-*.yaml")))


def seed_text(article_path):
    number = os.path.basename(article_path).split("-")[1]  # seed-000-… -> 000
    (path,) = glob.glob(os.path.join(SEEDS, f"{number}_*.txt"))
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def test_both_seed_articles_have_records():
    assert len(ARTICLES) == 2


# The seeds are two copyrighted commentaries: they are read from ../shared/seeds, never committed or fetched.
# Where ../shared is not beside the clone (GitHub's runners), the workflow says so with AIGOV_NO_SEEDS=1 and
# the check is skipped with that reason; anywhere else under CI a missing folder fails, so it is never skipped unseen.
if not os.path.isdir(SEEDS) and os.environ.get("CI") and not os.environ.get("AIGOV_NO_SEEDS"):
    pytest.fail(f"the seed articles are missing at {SEEDS}; CI here must have ../shared beside the clone "
                "(set AIGOV_NO_SEEDS=1 where it cannot)", pytrace=False)


@pytest.mark.skipif(not os.path.isdir(SEEDS), reason="../shared/seeds is not beside this checkout (AIGOV_NO_SEEDS)")
@pytest.mark.parametrize("path", ARTICLES, ids=[os.path.basename(p) for p in ARTICLES])
def test_every_quote_is_verbatim_from_the_seed(path):
    text = seed_text(path)
    with open(path, encoding="utf-8") as fh:
        record = yaml.load(fh, Loader=yaml.BaseLoader)
    quotes = [m["quote"] for m in record["mentions"]]
    assert len(quotes) >= 10
    missing = [q for q in quotes if q not in text]
    assert missing == []

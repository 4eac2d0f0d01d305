"""The benchmark's synthetic sources are valid records, so the benchmark measures a
successful build (not the time it takes to reject 900 files), and they give exactly
the number of output rows the generator says (evidence rows included)."""

import csv
import io
import os
import re
import sys

from aigov import package, schema
from conftest import ROOT, run_build

sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
from generate import generate  # noqa: E402


def test_generated_sources_build(tmp_path, capsys):
    # 2,500 rows hold every kind of record the generator writes: recorded-vote and
    # without-vote resolutions with their passages, declarations, articles, systems, events, actors
    rows = generate(str(tmp_path / "sources"), 2500)
    assert run_build(str(tmp_path / "sources"), tmp_path / "out") == 0, capsys.readouterr().err[-2000:]
    built = capsys.readouterr().out
    assert f"from {sum(len(f) for _, _, f in os.walk(tmp_path / 'sources'))} files" in built
    counts = {name: int(n) for n, name in re.findall(r"(\d+) (\w+)", built.split(" files: ")[1])}
    vocabulary = counts.pop("topics")  # the topics table is the fixed vocabulary, not generated rows
    assert sum(counts.values()) == rows >= 2500 and vocabulary > 0
    for table in ("participation", "participation_lists", "titles", "subjects", "publishers", "evidence", "mentions", "figures",
                  "passages", "topic_tags"):
        assert counts[table], table
    assert counts["passages"] > sum(counts.values()) / 3  # the text-heavy shape: about half the rows of a large package
    data = tmp_path / "out" / "datapackage" / "data"
    with open(data / "participation.csv", encoding="utf-8") as fh:
        roles = {row["role"] for row in csv.DictReader(fh)}
    assert {"voted-yes", "voted-no", "abstained", "not-voting", "sponsor", "additional-sponsor", "lead-sponsor"} <= roles
    # passages as the UN importer writes them: six languages, every part, each citing one of its record's sources
    with open(data / "passages.csv", encoding="utf-8") as fh:
        passages = list(csv.DictReader(fh))
    with open(data / "citations.csv", encoding="utf-8") as fh:
        cited = {(row["instrument_id"], row["url"]) for row in csv.DictReader(fh)}
    assert {p["language"] for p in passages} == {"ar", "en", "es", "fr", "ru", "zh"}
    assert {p["part"] for p in passages} == {"preamble", "operative", "annex"}
    assert {p["mentions_ai"] for p in passages} == {"true", "false"} and any(p["number"] for p in passages)
    assert all((p["instrument_id"], p["source_url"]) in cited for p in passages)


def test_csv_text_is_what_the_csv_module_writes():
    """package.csv_text builds CSV column by column for speed; it must give csv.writer's bytes."""
    table = schema.load_tables()["citations"]
    tricky = ["plain", "", "a,b", 'say "hi"', "two\nlines", "cr\rhere", " spaced ", "¿ünïcode?", "中文", ",", '"', "\t"]
    rows = [{"citation_id": f"x/{i}", "seq": str(i), "url": "https://example.org", "title": value, "accessed": "2026-01-01",
             "official": "false", "language": "en", **({"note": value} if i % 2 else {})} for i, value in enumerate(tricky)]
    rows.append({"citation_id": "x/none"})  # missing cells are empty fields
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.field_names)
    writer.writerows([row.get(n) for n in table.field_names] for row in sorted(rows, key=package.sort_key(table)))
    assert package.csv_text(table, rows) == buffer.getvalue()
    assert package.csv_text(table, []) == ",".join(table.field_names) + "\n"

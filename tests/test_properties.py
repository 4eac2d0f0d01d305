"""Property-based tests: any valid record survives YAML -> CSV -> pandas
unchanged, and no mutation of a valid record crashes the build."""

import datetime as dt
import os
import shutil
import sqlite3
import tempfile
import unicodedata

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aigov import canonical, dist, load, published, schema, yamlio
from conftest import MINIMAL, run_build
from readme_recipe import read_table

TABLES = schema.load_tables()
_FORBIDDEN_START = ("=", "+", "-", "@")


def _clean(text):
    text = unicodedata.normalize("NFC", text).strip()
    if not text or text.startswith(_FORBIDDEN_START) or not unicodedata.is_normalized("NFC", text):
        return None
    return text


# Printable text from many scripts, excluding what the validator rightly refuses
# (control, format and surrogate characters; Han in English fields is excluded below).
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
    min_size=1, max_size=40,
).map(_clean).filter(lambda t: t is not None)
ENGLISHISH = TEXT.filter(lambda t: not any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\u4e00" <= c <= "\u9fff" for c in t))
CHINESE = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=12)
# Every year validate accepts (checks/cells.py: FIRST_YEAR, LAST_YEAR), with their edges and Excel's (1900-03-01) drawn often.
DATES = st.one_of(
    st.sampled_from(["1000-01-01", "2999-12-31", "1899-12-31", "1900-01-01", "1900-02-28", "1900-03-01", "1970-01-01"]),
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)).map(str))
# Every whole number a count may hold (minimum 0, a 64-bit integer), with the edges drawn often.
COUNTS = st.one_of(st.sampled_from([0, 1, 10**15 - 1, 10**15, 2**53 + 1, 2**63 - 1]), st.integers(0, 2**63 - 1)).map(str)
PAST_DATES = st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2026-11-01").date()).map(str)  # 'accessed' is never in the future


@st.composite
def instruments(draw):
    record = {
        "id": "generated-record",
        "kind": draw(st.sampled_from(TABLES["instruments"].by_name["kind"].enum)),
        "title_en": draw(ENGLISHISH),
        "binding": draw(st.sampled_from(["true", "false"])),
        "family": draw(st.sampled_from(TABLES["instruments"].by_name["family"].enum)),
        "ai_scope": draw(st.sampled_from(TABLES["instruments"].by_name["ai_scope"].enum)),
        "sources": [{"url": "https://example.org/" + draw(st.from_regex(r"[a-z0-9]{1,10}", fullmatch=True)),
                     "title": draw(TEXT), "accessed": draw(PAST_DATES), "official": "true", "language": "en"}],
    }
    if draw(st.booleans()):
        record["title_zh"] = draw(CHINESE)
        record["title_zh_official"] = draw(st.sampled_from(["true", "false"]))
    if draw(st.booleans()):
        record["date"] = draw(DATES)
        record["date_type"] = "adopted"
    if draw(st.booleans()):
        record["cosponsor_count"] = draw(COUNTS)
    for field in ("short_name", "symbol", "summary", "note"):
        if draw(st.booleans()):
            record[field] = draw(ENGLISHISH)
    # every filled fact needs a source that supports it
    facts = [f.name for f in TABLES["instruments"].fields if f.fact and f.name in record
             and (not f.fact_when or record.get(f.fact_when) == "true")]
    record["sources"][0]["supports"] = facts
    return record


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(record=instruments())
@example(record={"id": "generated-record", "kind": "report", "title_en": "NA", "short_name": "NO", "symbol": "0123",
                 "note": "1:30", "summary": "null", "binding": "false", "family": "standards", "ai_scope": "mentions-ai",
                 "date": "2024-02-29", "date_type": "published",
                 "sources": [{"url": "https://example.org/x", "title": "n/a", "accessed": "2026-11-22",
                              "official": "true", "language": "en", "supports": ["title_en", "date", "symbol"]}]})
def test_any_valid_record_round_trips_yaml_csv_pandas(record):
    work = tempfile.mkdtemp()
    try:
        src = os.path.join(work, "sources")
        shutil.copytree(MINIMAL, src)
        text = canonical.canonical_text(record, TABLES, "instruments")
        with open(os.path.join(src, "instruments", "generated-record.yaml"), "w", encoding="utf-8") as fh:
            fh.write(text)
        # the canonical writer never changes a value
        assert yamlio.load(text, "generated")[0] == record
        assert run_build(src, work) == 0
        pkg = os.path.join(work, "datapackage")
        row = read_table(pkg, "instruments").set_index("id").loc["generated-record"]
        for field, value in record.items():
            if field in ("id", "sources"):
                continue
            got = row[field]
            if field == "date":
                got = got.strftime("%Y-%m-%d")
            elif field in ("binding", "title_zh_official"):
                got = "true" if got else "false"
            elif field == "cosponsor_count":
                got = str(int(got))
            assert got == value, (field, got, value)
        cite = read_table(pkg, "citations").set_index("citation_id").loc["instruments/generated-record/1"]
        assert cite["title"] == record["sources"][0]["title"]
        assert cite["accessed"].strftime("%Y-%m-%d") == record["sources"][0]["accessed"]
        _date_and_integer_cells_round_trip(pkg, work, record)
    finally:
        shutil.rmtree(work)


def _date_and_integer_cells_round_trip(pkg, work, record):
    """The date and integer cells of the record, read back from aigov.load, the SQLite file and the xlsx (openpyxl)."""
    wanted = {f: record.get(f) for f in ("date", "cosponsor_count")}
    row = load.load("instruments", pkg).set_index("id").loc["generated-record"]
    got = {"date": None if pd.isna(row["date"]) else row["date"].strftime("%Y-%m-%d"),
           "cosponsor_count": None if pd.isna(row["cosponsor_count"]) else str(int(row["cosponsor_count"]))}
    assert got == wanted, ("load", got, wanted)
    package = published.read(pkg)
    with sqlite3.connect(dist.write_sqlite(package, os.path.join(work, "t.db"))) as db:
        date, count = db.execute("SELECT date, cosponsor_count FROM instruments WHERE id = 'generated-record'").fetchone()
    assert {"date": date, "cosponsor_count": None if count is None else str(count)} == wanted, ("sqlite", date, count)
    assert count is None or isinstance(count, int)
    book = openpyxl.load_workbook(dist.write_xlsx(package, os.path.join(work, "t.xlsx")), read_only=True)
    rows = book["instruments"].iter_rows(values_only=True)
    header = next(rows)
    cells = dict(zip(header, next(r for r in rows if r[header.index("id")] == "generated-record")))
    date, count = cells["date"], cells["cosponsor_count"]
    if isinstance(date, dt.datetime):  # a real date in Excel from 1900-03-01, text before
        assert date.date() >= dist.XLSX_FIRST_DATE
        date = date.date().isoformat()
    else:
        assert date is None or date < "1900-03-01", date
    if isinstance(count, (int, float)):  # a number in Excel up to 15 digits, text beyond
        assert count == int(count) and abs(count) <= dist.XLSX_MAX_EXACT
        count = str(int(count))
    assert {"date": date, "cosponsor_count": count} == wanted, ("xlsx", cells["date"], cells["cosponsor_count"])


with open(os.path.join(MINIMAL, "instruments", "example-declaration.yaml"), encoding="utf-8") as _fh:
    VALID = _fh.read()


@st.composite
def mutations(draw):
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from([":", "-", " ", "\n", "'", '"', "&a", "*a", "!!", "[", "{", "#", "\t", "\x00",
                                      "\u202e", "é", "中", "0", "yes", "---", "title_en: x\n", "2024-02-30"]))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        else:
            text = text[:at] + piece + text[at + len(piece):]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutations())
def test_mutations_never_crash_the_build(text):
    work = tempfile.mkdtemp()
    try:
        src = os.path.join(work, "sources")
        shutil.copytree(MINIMAL, src)
        with open(os.path.join(src, "instruments", "example-declaration.yaml"), "w", encoding="utf-8", errors="surrogatepass") as fh:
            fh.write(text)
        status = run_build(src, work)  # any exception here fails the test with its traceback
        assert status in (0, 1)
    finally:
        shutil.rmtree(work)

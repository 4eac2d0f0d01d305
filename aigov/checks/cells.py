"""Cell checks: every cell of every table against its field in the Table Schemas.

Type, allowed values, pattern, bounds, required, the two code lists (``x-check``: ISO 3166,
BCP 47), and what a spreadsheet or a screen would get wrong (invisible characters, formulas,
line breaks, cells too long to keep). Plain Python driven by the schemas, instead of
frictionless per row: ~50x faster, so a contributor's check stays fast as the data grows.
``tests/test_differential.py`` holds it to the same verdicts as frictionless on the same data.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
import unicodedata
from itertools import repeat
from typing import NamedTuple

from ..problems import Problem
from ..records import field_label, problem, show
from ..schema import Field

ID_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_INT_RE = re.compile(r"-?(0|[1-9][0-9]*)")
_NUM_RE = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Control characters (a newline is allowed only in multi-line fields), and the
# invisible characters that can make two ids look equal or reorder text on
# screen (bidirectional overrides/isolates, zero-width characters).
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A leading = + - @ makes Excel, LibreOffice and Google Sheets run the cell as a formula.
_FORMULA_START = ("=", "+", "-", "@")
# Excel, LibreOffice and Google Sheets cut a cell at 32,767 characters.
MAX_CELL = 32767
# The years a date may have: far from the limits of Python's dates (year 1 to 9999, which a day
# more or less overflows) and of pandas; dist writes dates before 1900 to xlsx as text.
FIRST_YEAR, LAST_YEAR = 1000, 2999
# A whole number is a 64-bit integer in SQLite, Parquet and pandas (Int64).
MIN_INTEGER, MAX_INTEGER = -(2**63), 2**63 - 1


class Bad(NamedTuple):
    """What is wrong with a value, and its code."""

    message: str
    code: str


def check(rows, sources, tables) -> list[Problem]:
    """Every cell that breaks its field's rules, and every required cell left empty."""
    problems = []
    for name, table in tables.items():
        table_rows = rows[name]
        targets = table.references
        for f in table.fields:
            column = f.name
            # Fast path: check each distinct value once (values repeat a lot: roles, dates,
            # ids); walk the rows only for a column that has a bad or missing value.
            distinct = set(map(dict.get, table_rows, repeat(column)))
            target = targets.get(column) or (name if table.primary_key == [column] else None)
            checker = cell_checker(f, example=_example_id(rows, tables, target) if target else None)
            verdicts = {value: checker(value) for value in distinct if value is not None}
            bad = {value for value, verdict in verdicts.items() if verdict}
            if not bad and not (f.required and None in distinct):
                continue
            for value in bad:  # a country name or code where an actor id or ISO code is expected
                hint = None
                if target == "actors" and column != "id":
                    hint = country_hint(value, rows, "id")
                elif f.check == "iso3166-alpha3":
                    hint = country_hint(value, rows, "iso3")
                if hint:
                    verdicts[value] = verdicts[value]._replace(message=f"{verdicts[value].message}; {hint}")
            for row, src in zip(table_rows, sources[name]):
                value = row.get(column)
                if value is None:
                    if f.required:
                        label = field_label(src, column)
                        problems.append(problem(src, None, f"missing required field '{label.split('.')[-1]}' ({f.description})", label,
                                                code="missing-required"))
                elif value in bad:
                    problems.append(problem(src, column, verdicts[value].message, code=verdicts[value].code))
    return problems


# ------------------------------------------------------------ one field's checker


def cell_checker(field: Field, example: str | None = None, today: _dt.date | None = None):
    """A function value -> Bad-or-None for one field, built once per field.

    ``example``: a real value to show in the message for a badly formed id (for a foreign
    key, an id of the table it points to). ``today``: the date after which an
    ``accessed`` date is refused (default: today in UTC, plus a day for time zones ahead).
    """
    make = _TYPED.get(field.type)
    typed = make(field, example, today) if make is not None else None
    multiline = field.multiline

    def checker(value: str) -> Bad | None:
        found = _text(value, multiline)
        if found is not None:
            return found
        if typed is None:
            return Bad(f"the schema uses type '{field.type}', which this build does not support", code="unsupported-type")
        return typed(value)

    return checker


def _text(value: str, multiline: bool) -> Bad | None:
    """What is wrong with any cell, whatever its type: length, invisible characters, spaces, line breaks, normal form."""
    if len(value) > MAX_CELL:
        return Bad(f"is {len(value):,} characters long; spreadsheets cut a cell at {MAX_CELL:,} characters, so a value must be "
                   "shorter: shorten it (quote the key passage, and link to the full text in a source)", code="cell-too-long")
    bad = _INVISIBLE.search(value)
    if bad:
        char = bad.group()
        name = unicodedata.name(char, f"U+{ord(char):04X}")
        return Bad(f"contains the invisible or control character {name} (U+{ord(char):04X}); delete it", code="invisible-character")
    if "\n" in value and not multiline:
        return Bad("must be on one line (no line breaks in this field)", code="line-break")
    if value != value.strip():
        return Bad(f"has leading or trailing spaces or line breaks (got {show(value)}); remove them (for long text use '>-', not '>')",
                   code="surrounding-space")
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        return Bad(f"is not in Unicode normal form NFC (got {show(value)}); retype the accented or composed characters, or run "
                   "`python build.py --fix`", code="not-nfc")
    return None


def _string(field: Field, example: str | None, today):
    enum = set(field.enum) if field.enum else None
    pattern = field.pattern
    lang_en, lang_zh = field.name.endswith("_en"), field.name.endswith("_zh")
    code_check = _CODE_CHECKS.get(field.check) if field.check else None
    pattern_help = None
    if pattern is not None:
        pattern_help = _PATTERN_HELP.get(pattern.pattern, "text matching " + pattern.pattern)
        if example is not None and pattern.pattern == ID_RE.pattern:
            pattern_help = f"an id: lowercase letters, digits and single hyphens, e.g. {example!r}"

    web_address = pattern is not None and pattern.pattern.startswith(_URL_START)

    def checker(value: str) -> Bad | None:
        if enum is not None and value not in enum:
            return Bad(f"not an allowed value (got {show(value)}, expected one of: {', '.join(field.enum)})", code="not-an-allowed-value")
        if pattern is not None and not pattern.fullmatch(value):
            return Bad(f"does not have the expected form (got {show(value)}, expected {pattern_help})", code="wrong-form")
        if web_address:
            found = _address(value)
            if found is not None:
                return found
        if field.free_text and value.startswith(_FORMULA_START):
            return Bad(f"starts with '{value[0]}' (got {show(value)}); spreadsheets would run this cell as a formula, "
                       "so reword it to start with a letter or digit", code="spreadsheet-formula")
        if lang_en and _HAN.search(value):
            return Bad(f"contains Chinese characters in an English field (got {show(value)}); put Chinese text in the matching _zh field",
                       code="chinese-in-english")
        if lang_zh and not _HAN.search(value):
            return Bad(f"expected Chinese text in a Chinese field (got {show(value)}); put English text in the matching _en field",
                       code="english-in-chinese")
        return code_check(value) if code_check is not None else None

    return checker


def _date(field: Field, example: str | None, today):
    latest = now = None
    if field.name == "accessed":
        now = today or _dt.datetime.now(_dt.timezone.utc).date()
        latest = now if today is not None else now + _dt.timedelta(days=1)  # a day's grace for time zones ahead of UTC

    def checker(value: str) -> Bad | None:
        if not DATE_RE.fullmatch(value):
            return Bad(f"not a date (got {show(value)}, expected YYYY-MM-DD, e.g. '2024-03-21')", code="not-a-date")
        if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
            return Bad(f"is out of range (got {show(value)}): the year must be between {FIRST_YEAR} and {LAST_YEAR}, "
                       "which every output (CSV, SQLite, Parquet, xlsx, pandas) holds; check the year for a typo",
                       code="date-out-of-range")
        try:
            day = _dt.date.fromisoformat(value)
        except ValueError:
            return Bad(f"not a real calendar date (got {show(value)}, expected a day that exists, YYYY-MM-DD)", code="not-a-calendar-date")
        if latest is not None and day > latest:
            return Bad(f"is in the future (got {show(value)}, today is {now.isoformat()}): "
                       "'accessed' is the day you read the page, so it cannot be later than today", code="date-in-future")
        return None

    return checker


def _boolean(field: Field, example: str | None, today):
    allowed = set(field.true_values) | set(field.false_values)

    def checker(value: str) -> Bad | None:
        if value not in allowed:
            return Bad(f"not a boolean (got {show(value)}, expected true or false)", code="not-a-boolean")
        return None

    return checker


# The form of a whole number and of a number: (pattern, conversion, what the value should be).
_NUMERIC = {
    "integer": (_INT_RE, int, "not a whole number (got {}, expected digits only, e.g. '12', without leading zeros or separators)"),
    "number": (_NUM_RE, float, "not a number (got {}, expected a plain decimal like '56.4', without separators, units or %)"),
}


def _numeric(field: Field, example: str | None, today):
    form, convert, expected = _NUMERIC[field.type]
    integer = field.type == "integer"

    def checker(value: str) -> Bad | None:
        if not form.fullmatch(value):
            return Bad(expected.format(show(value)), code="not-an-integer" if integer else "not-a-number")
        shown = value if len(value) <= 30 else f"a number of {len(value.lstrip('-').partition('.')[0]):,} digits"
        if integer:
            # over 20 characters is out of range: int() of thousands of digits is slow, or refused
            number = convert(value) if len(value) < 21 else None
            if number is None or not MIN_INTEGER <= number <= MAX_INTEGER:
                return Bad(f"is out of range (got {shown}): a whole number must be between {MIN_INTEGER:,} and {MAX_INTEGER:,}, "
                           "the range SQLite, Parquet and pandas hold", code="integer-out-of-range")
        else:
            number = convert(value)
            if math.isinf(number):
                return Bad(f"is out of range (got {shown}): a number must be smaller than about 1.8e308", code="number-out-of-range")
        return _bounds(field, number, value)

    return checker


_TYPED = {"string": _string, "date": _date, "boolean": _boolean, "integer": _numeric, "number": _numeric}


def _bounds(field: Field, number, value: str) -> Bad | None:
    if field.minimum is not None and number < field.minimum:
        return Bad(f"too small (got {value}, expected at least {field.minimum})", code="too-small")
    if field.maximum is not None and number > field.maximum:
        return Bad(f"too large (got {value}, expected at most {field.maximum})", code="too-large")
    return None


_PATTERN_HELP = {
    r"[a-z0-9]+(-[a-z0-9]+)*": "an id: lowercase letters, digits and single hyphens, e.g. 'global-digital-compact'",
    r"https?://[^\s]+": "a web address starting with http:// or https://",
    r"Q[1-9][0-9]*": "a Wikidata id such as 'Q42'",
    r"[A-Z]{3}": "an ISO 3166-1 alpha-3 country code in capitals, e.g. 'CHN'",
}


# A field whose pattern starts so holds a web address (``https?://[^\s]+`` in schemas/).
_URL_START = "https?://"
_AUTHORITY_END = re.compile(r"[/?#]")


def _address(value: str) -> Bad | None:
    """What makes a browser open another site than the one Python's urlsplit (and a reader) sees in a
    web address: a backslash (browsers read it as '/'), a user name or password before '@' (the site is
    what follows the '@'), a missing host (browsers skip the extra slashes), a port that is not a number
    (urlsplit raises on it). A real port is allowed here: an official source must be on a registered site on its
    usual port (``derive.address_parts``, rule ``official_on_registered_host``)."""
    if "\\" in value:
        return Bad(f"contains a backslash (got {show(value)}); browsers read '\\' as '/', so they could open another "
                   "site than the one the address seems to name: write '/' instead, or '%5C' inside the path", code="url-backslash")
    rest = value.split("://", 1)[1]
    authority = _AUTHORITY_END.split(rest, maxsplit=1)[0]
    if "@" in authority:
        return Bad(f"has a user name or password before '@' (got {show(value)}); a browser opens the site after the '@', "
                   f"not {show(authority.rpartition('@')[0])}: give the page's own address, without the part up to '@'",
                   code="url-credentials")
    host, port = authority, ""
    if authority.startswith("["):  # an IPv6 address: [2001:db8::1]
        host, _, port = authority.partition("]")
        host += "]"
    elif ":" in authority:
        host, _, port = authority.partition(":")
        port = ":" + port
    if host in ("", "[]"):
        return Bad(f"has no site name after '//' (got {show(value)}); write the address as the browser shows it, "
                   "e.g. 'https://www.un.org/…'", code="url-no-host")
    if port and not (port[1:].isascii() and port[1:].isdigit() and 0 < int(port[1:]) < 65536):
        return Bad(f"has {show(port)} after the site name, which is not a port (a number from 1 to 65535) (got {show(value)}); "
                   "readers disagree on where such an address leads: remove it", code="url-port")
    return None


def _iso3166(value: str) -> Bad | None:
    import pycountry  # imported on first use: only two fields need it

    if pycountry.countries.get(alpha_3=value) is None:
        return Bad(f"not an ISO 3166-1 alpha-3 country code (got {show(value)}); see https://www.iso.org/obp/ui/#search/code/",
                   code="not-a-country-code")
    return None


def _bcp47(value: str) -> Bad | None:
    import langcodes

    if not langcodes.tag_is_valid(value):
        return Bad(f"not a valid IETF language tag (got {show(value)}, expected e.g. 'en', 'zh', 'zh-Hans', 'fr')",
                   code="not-a-language-tag")
    if langcodes.standardize_tag(value) != value:
        return Bad(f"language tag not in its standard form (got {show(value)}, expected {show(langcodes.standardize_tag(value))})",
                   code="language-tag-not-standard")
    return None


_CODE_CHECKS = {"iso3166-alpha3": _iso3166, "bcp47": _bcp47}


# ------------------------------------------------------------ what to write instead

# Shown when the table an id points to has no record yet.
_EXAMPLE_IDS = {"actors": "fra", "events": "ai-action-summit-paris-2025", "instruments": "global-digital-compact",
                "systems": "pytorch", "articles": "ai-public-good-2025"}


def _example_id(rows, tables, target: str) -> str | None:
    """An id of table ``target`` to show as an example: a real one where the table has rows."""
    table = tables.get(target)
    if table is None or len(table.primary_key) != 1:
        return None
    (key,) = table.primary_key
    pattern = table.by_name[key].pattern
    ids = sorted(v for v in map(dict.get, rows.get(target, ()), repeat(key))
                 if isinstance(v, str) and (pattern is None or pattern.fullmatch(v)))
    if not ids:
        return _EXAMPLE_IDS.get(target)
    if target == "actors":  # a state shows the rule for states too
        states = [i for i in ids if len(i) == 3]
        ids = states or ids
    return ids[len(ids) // 2]


@functools.lru_cache(maxsize=1)
def _country_names() -> dict[str, object]:
    import pycountry

    names = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            text = getattr(country, attr, None)
            if text:
                names.setdefault(text.casefold(), country)
    return names


def country_for(value: str):
    """The ISO 3166-1 country whose alpha-2 or alpha-3 code, name, official name or common
    name is exactly ``value`` (ignoring case), or None. Never a fuzzy match."""
    import pycountry

    text = value.strip()
    if not text or len(text) > 100:
        return None
    if len(text) == 2 and text.isascii() and text.isalpha():
        return pycountry.countries.get(alpha_2=text.upper())
    if len(text) == 3 and text.isascii() and text.isalpha():
        found = pycountry.countries.get(alpha_3=text.upper())
        if found is not None:
            return found
    return _country_names().get(text.casefold())


def country_hint(value: str, rows, column: str) -> str | None:
    """For a country name or code where a state's actor id (column 'id') or its ISO code
    (column 'iso3') is expected: what to write instead, and how to add a missing state."""
    country = country_for(value)
    if country is None:
        return None
    code = country.alpha_3
    if column == "iso3":
        return f"{country.name} is {code!r}" if value != code else None
    wanted = code.lower()
    exists = any(row.get("id") == wanted for row in rows.get("actors", ()))
    create = f"create it with `python build.py new-state {code}`"
    if value == wanted:
        return None if exists else f"{country.name} has no actor file yet: {create}"
    what = "the ISO code of" if len(value) <= 3 else "the name of"
    advice = f"{show(value)} is {what} {country.name}: a state's id is its lowercase ISO 3166-1 alpha-3 code, write {wanted!r}"
    return advice if exists else f"{advice} ({country.name} has no actor file yet: {create})"

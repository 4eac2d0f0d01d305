"""Rules across fields and tables: what a Table Schema cannot say.

Where do I add a rule? Here: write a function ``def my_rule(ctx)`` with a
one-line docstring (shown to readers in the data dictionary) that yields
``ctx.problem(src, column, message)`` for each violation, and add it to
``RULES`` at the bottom; then a fixture that makes it fire, named after it
(``tests/fixtures/bad/``, see ``tests/test_checks_rules.py``). The rule's name
is the code of its problems. ``ctx.rows[table]`` and ``ctx.sources[table]`` are
parallel lists (a row's cells are its text; its Source knows file and line).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import eq

from ..derive import OFFICIAL_BACKING, Registry, address_parts, best_backing, citing_columns
from ..problems import Problem
from ..records import field_label, problem, show
from ..schema import CHILDREN, FILE_TABLES, Table
from .cells import DATE_RE

NOTE_LIMIT = 1000
ROLE_COUNTS = {"voted-yes": "votes_yes", "voted-no": "votes_no", "abstained": "votes_abstain"}


@dataclass
class Context:
    rows: dict
    sources: dict
    tables: dict[str, Table]
    registry: Registry
    snapshots: set | None = None  # "<snapshot>/<path>" keys of committed manifests
    rule: str = ""  # the rule being run: the code of its problems
    _cache: dict = field(default_factory=dict)

    def problem(self, src, column: str | None, message: str, label: str | None = None) -> Problem:
        """A problem of the rule being run, at ``column`` of the row ``src`` points at (see records.problem)."""
        return problem(src, column, message, label, code=self.rule)

    def problem_at(self, src, where: tuple[int, int], label: str, message: str) -> Problem:
        """A problem of the rule being run at a given (line, column) of the row's file."""
        return Problem(src.path, where[0], where[1], label, message, code=self.rule)

    def records(self, table):
        return zip(self.rows[table], self.sources[table])

    def column(self, table, name):
        """The cells of one column (None where missing), computed once per build."""
        key = ("column", table, name)
        if key not in self._cache:
            self._cache[key] = list(map(dict.get, self.rows[table], repeat(name)))
        return self._cache[key]

    def role_counts(self):
        """Counter of (instrument_id, role) over participation: one C-level pass, shared by the rules."""
        if "role_counts" not in self._cache:
            self._cache["role_counts"] = Counter(zip(self.column("participation", "instrument_id"), self.column("participation", "role")))
        return self._cache["role_counts"]


# ------------------------------------------------------------------ records


def official_companions(ctx):
    """A text with an _official companion says whether it is official, and the companion needs the text."""
    for name in FILE_TABLES:
        table = ctx.tables[name]
        pairs = [(f.name, f.name + "_official") for f in table.fields if f.name + "_official" in table.by_name]
        for row, src in ctx.records(name):
            for text, companion in pairs:
                if text in row and companion not in row:
                    yield ctx.problem(src, text, f"missing '{companion}': say true if an official source gives this text, "
                                      "false if it is a translation", companion)
                if companion in row and text not in row:
                    yield ctx.problem(src, companion, f"'{companion}' is given but '{text}' is not; remove it or add {text}")


def date_has_type(ctx):
    """An instrument's date and date_type come together."""
    for row, src in ctx.records("instruments"):
        if ("date" in row) != ("date_type" in row):
            yield ctx.problem(src, "date" if "date" in row else "date_type",
                          "give 'date' and 'date_type' together: the date type says what the date is (adopted, published, ...)")


def tallies_need_recorded_vote(ctx):
    """Vote tallies are given exactly for instruments adopted by recorded vote."""
    for row, src in ctx.records("instruments"):
        votes = [c for c in ("votes_yes", "votes_no", "votes_abstain") if c in row]
        if votes and row.get("adoption") != "recorded-vote":
            yield ctx.problem(src, votes[0], "vote counts are only for instruments with adoption: recorded-vote")
        if row.get("adoption") == "recorded-vote" and len(votes) < 3:
            yield ctx.problem(src, "adoption", "a recorded vote needs votes_yes, votes_no and votes_abstain")


UN_ORGANS = {"un-general-assembly", "un-human-rights-council", "un-security-council"}


def un_adoption_words(ctx):
    """One vocabulary for how an act was adopted: the UN's organs record "without a vote", never
    "consensus", and an annex or part of an instrument was adopted as the instrument was."""
    adoption = dict(zip(ctx.column("instruments", "id"), ctx.column("instruments", "adoption")))
    for row, src in ctx.records("instruments"):
        if row.get("adoption") == "consensus" and row.get("issuer_id") in UN_ORGANS:
            yield ctx.problem(src, "adoption", "the UN records this kind of adoption as 'without a vote': use adoption: without-vote "
                          "(cite the UN's record of the meeting or its data extract)")
    for row, src in ctx.records("relations"):
        if row.get("relation") in ("annex-of", "part-of"):
            mine, theirs = adoption.get(row.get("instrument_id")), adoption.get(row.get("target_id"))
            if mine and theirs and mine != theirs:
                yield ctx.problem(src, "relation", f"{row['instrument_id']} is {row['relation']} {row['target_id']}, so it was adopted in the same act, "
                              f"but the two records say '{mine}' and '{theirs}': give both the adoption their issuer records")


def state_codes(ctx):
    """A state has an iso3 code and its id is that code in lowercase; only states have one."""
    for row, src in ctx.records("actors"):
        if row.get("kind") == "state":
            if "iso3" not in row:
                yield ctx.problem(src, "kind", "a state needs its iso3 code (ISO 3166-1 alpha-3)", "iso3")
            elif row.get("id") and row["id"] != row["iso3"].lower():
                yield ctx.problem(src, "id", f"a state's id is its lowercase ISO code (got {show(row['id'])}, expected {show(row['iso3'].lower())})")
        elif "iso3" in row:
            yield ctx.problem(src, "iso3", "only states have an iso3 code; remove it or set kind: state")


ROLLED_UP_KINDS = ("government-body", "party-body", "un-body", "un-agency")


def bodies_roll_up(ctx):
    """A ministry, agency, party organ or UN body names the state or organisation it belongs to, so
    that "everything China issued" includes what its ministries issued."""
    for row, src in ctx.records("actors"):
        if row.get("kind") in ROLLED_UP_KINDS and "parent_id" not in row:
            yield ctx.problem(src, "kind", f"a {row['kind']} belongs to a state or organisation: add parent_id "
                          "(e.g. parent_id: chn for a Chinese ministry, parent_id: united-nations for a UN organ or agency)", "parent_id")


def event_dates_ordered(ctx):
    """An event does not end before it starts."""
    for row, src in ctx.records("events"):
        start, end = row.get("start_date"), row.get("end_date")
        if start and end and DATE_RE.fullmatch(start) and end < start:
            yield ctx.problem(src, "end_date", f"ends before it starts (start_date {start}, end_date {end})")


def notes_are_short(ctx):
    """A note is for readers: at most 1,000 characters; research history goes to docs/research-notes/."""
    for name in ctx.tables:
        if "note" not in ctx.tables[name].by_name:
            continue
        if not any(note and len(note) > NOTE_LIMIT for note in set(ctx.column(name, "note"))):
            continue  # the usual case: no long note, no per-row loop
        for row, src in ctx.records(name):
            note = row.get("note")
            if note and len(note) > NOTE_LIMIT and not row.get("derived"):
                yield ctx.problem(src, "note", f"is {len(note)} characters long; a note says in a few sentences what is uncertain and why "
                                           f"(at most {NOTE_LIMIT}). Move the research history to docs/research-notes/")


# ------------------------------------------------------------- sources


def instrument_has_official_source(ctx):
    """Every instrument has a source that is official, or a verbatim copy of an official address, or says no_official_source: true."""
    backed = {row["record_id"] for row in ctx.rows["evidence"] if row["record_table"] == "instruments" and row["backing"] != "secondary"}
    backed |= {row["instrument_id"] for row in ctx.rows["citations"] if row.get("instrument_id") and row.get("official") == "true"}
    for row, src in ctx.records("instruments"):
        if not row.get("id"):
            continue
        if row["id"] not in backed and row.get("no_official_source") != "true":
            yield ctx.problem(src, None, "needs at least one source with official: true (the issuer's own page or document), or a verbatim copy of one "
                          "(copy: true, copy_of: its official address); if none can be found, say so with no_official_source: true and explain in note",
                          "sources")
        if row["id"] in backed and row.get("no_official_source") == "true":
            yield ctx.problem(src, "no_official_source", "the record has an official source; remove no_official_source")


def official_on_registered_host(ctx):
    """official: true only on an address in the publisher registry (an actor's official_hosts)."""
    for row, src in ctx.records("citations"):
        if row.get("official") == "true" and row.get("url") and ctx.registry.publisher(row["url"]) is None:
            host, _ = address_parts(row["url"])
            yield ctx.problem(src, "official", f"{host or row['url']} is not a registered official publisher, so this source cannot be official. "
                          f"If the body that owns the fact publishes there, add '{host}' to the official_hosts list of that actor "
                          "(sources/actors/<id>.yaml); if it is a reprint, blog, personal page or upload, set official: false "
                          "(and copy: true with copy_of if it reproduces an official document word for word)")


def copies_name_the_original(ctx):
    """A verbatim copy (copy: true) names the official address it reproduces in copy_of, and is not official itself."""
    for row, src in ctx.records("citations"):
        if row.get("copy") == "true":
            if not row.get("copy_of"):
                yield ctx.problem(src, "copy", "a verbatim copy needs copy_of: the official address of the document it reproduces",
                                  f"{field_label(src, None)}.copy_of")
            if row.get("official") == "true":
                yield ctx.problem(src, "official", "a copy hosted by someone else is not official itself; set official: false "
                                               "(it counts as official backing through copy_of)")
        elif row.get("copy_of"):
            yield ctx.problem(src, "copy_of", "copy_of is only for verbatim copies; add copy: true or remove copy_of")


def snapshots_are_pinned(ctx):
    """A snapshot source names a file listed in a committed snapshot manifest (snapshots/*.tsv)."""
    if ctx.snapshots is None:
        return
    for row, src in ctx.records("citations"):
        if row.get("snapshot") and row["snapshot"] not in ctx.snapshots:
            yield ctx.problem(src, "snapshot", f"{show(row['snapshot'])} is not listed in any snapshots/<name>.tsv manifest")


def supports_names_facts(ctx):
    """A source's supports: list names fact fields of its own record that are filled."""
    filled, listed = {}, {}
    for name in FILE_TABLES:
        facts = {f.name for f in ctx.tables[name].fields if f.fact} | ({"issuer_id"} if name == "instruments" else set())
        listed[name] = ", ".join(sorted(facts))  # said in each message: built once, not once per problem
        for row in ctx.rows[name]:
            filled[(name, row.get("id"))] = (facts, row)
    parents = citing_columns()
    for row, src in ctx.records("citations"):
        supports = row.get("_supports")
        if not supports:
            continue
        table, record_id = next(((t, row[c]) for t, c in parents.items() if row.get(c)), (None, None))
        facts, record = filled.get((table, record_id), (set(), {}))
        for position, fact in enumerate(supports):
            where = src.marks.get(src.trail + ("supports", position)) or src.where("supports")
            label = f"{field_label(src, None)}.supports.{position}"
            if fact not in facts:
                yield ctx.problem_at(src, where, label, f"{show(fact)} is not a fact of {table} that sources support; use one of: {listed.get(table, '')}")
            elif fact not in record:
                yield ctx.problem_at(src, where, label, f"the record has no {fact}; remove it from supports")


def facts_have_evidence(ctx):
    """Every filled fact field (dates, symbols, official titles, url, tallies…) is supported by at least one source."""
    supported = {(r["record_table"], r["record_id"], r["fact"]) for r in ctx.rows["evidence"]}
    for name in FILE_TABLES:
        table = ctx.tables[name]
        facts = [f for f in table.fields if f.fact]
        for row, src in ctx.records(name):
            for f in facts:
                if f.name not in row or (f.fact_when and row.get(f.fact_when) != "true"):
                    continue
                if (name, row.get("id"), f.name) not in supported:
                    yield ctx.problem(src, f.name, f"no source supports this {f.name}: add '{f.name}' to the supports: list of the source that shows it "
                                  "(e.g. supports: [date, symbol]), or remove the value and say in note why it is unknown")


def official_titles_are_backed(ctx):
    """title_en is the official English title, shown by an official page or a verbatim copy of one,
    or title_en_status says what else it is (translation, descriptive, unconfirmed)."""
    backed = {r["record_id"] for r in ctx.rows["evidence"]
              if r["record_table"] == "instruments" and r["fact"] == "title_en" and r["backing"] in OFFICIAL_BACKING}
    for row, src in ctx.records("instruments"):
        if "title_en_status" not in row and row.get("id") not in backed:
            yield ctx.problem(src, "title_en", "no official page (or verbatim copy of one) shows this English title: cite one that does, "
                          "or say what the title is with title_en_status: translation, descriptive or unconfirmed")


def secondary_facts_are_explained(ctx):
    """An instrument whose date or English title rests on secondary sources only says in its note why no official page shows it."""
    best = best_backing(ctx.rows["evidence"])  # a fact with no source at all is facts_have_evidence's
    for row, src in ctx.records("instruments"):
        if row.get("note"):
            continue
        weak = [fact for fact in ("date", "title_en") if best.get(("instruments", row.get("id"), fact)) == "secondary"]
        if weak:
            yield ctx.problem(src, weak[0], f"only secondary sources show the {' and the '.join(weak)}: cite the issuer's own page (or a verbatim "
                          "copy of it, copy: true with copy_of), or add a note saying which official sites were searched and why none shows it")


def cited_pages_are_sources(ctx):
    """A participation group, title, list or figure cites a page (source_url) that is among the record's sources."""
    cited = {(row.get("instrument_id"), row.get("url")) for row in ctx.rows["citations"]}
    for name in ("participation", "figures", "titles", "participation_lists"):
        pages = set(zip(ctx.column(name, "instrument_id"), ctx.column(name, "source_url")))
        if not any(url for _, url in pages - cited):  # the usual case: no per-row loop
            continue
        for row, src in ctx.records(name):
            if row.get("source_url") and (row.get("instrument_id"), row["source_url"]) not in cited:
                yield ctx.problem(src, "source_url", "this page is not in the record's 'sources:' list; add it there "
                              "(title, publisher, accessed, official) so readers can tell whether it is official")


# ---------------------------------------------------------- participation


def participation_cites_a_page(ctx):
    """A written participation group cites the page that shows it (source_url)."""
    urls = set(ctx.column("participation", "source_url"))
    if None not in urls and "" not in urls:
        return  # the usual case: every row cites a page
    for row, src in ctx.records("participation"):
        if not row.get("derived") and not row.get("source_url"):
            yield ctx.problem(src, None, "missing required field 'source_url' (the page that shows this participation)", f"{field_label(src, None)}.source_url")


def issuer_in_one_place(ctx):
    """A single issuer is written as issuer_id only; joint issuers (two or more) as participation rows with role issuer."""
    written = {}
    issuers = map(eq, repeat("issuer"), ctx.column("participation", "role"))
    for row, src in compress(ctx.records("participation"), issuers):  # only the (few) issuer rows
        if not row.get("derived"):
            written.setdefault(row.get("instrument_id"), []).append((row, src))
    with_issuer = {row.get("id") for row in ctx.rows["instruments"] if row.get("issuer_id")}
    for instrument, entries in written.items():
        if instrument in with_issuer:
            for _, src in entries:
                yield ctx.problem(src, "role", "the issuer is already given by issuer_id (the build adds its participation row); "
                              "remove this row, or, if several actors issued it jointly, remove issuer_id and list them all here")
        elif len(entries) == 1:
            yield ctx.problem(entries[0][1], "role", "a single issuer is written as issuer_id at the top of the record; move it there")


def lists_cover_roles(ctx):
    """Every role with participation rows has a lists: entry saying whether the list is complete, partial or absent."""
    declared = {(r.get("instrument_id"), r.get("role")) for r in ctx.rows["participation_lists"]}
    if all(role == "issuer" for _, role in ctx.role_counts().keys() - declared):
        return  # the usual case: every (instrument, role) has its list; no per-row loop
    reported = set()
    for row, src in ctx.records("participation"):
        key = (row.get("instrument_id"), row.get("role"))
        # issuers are stated by the instrument itself, so their list is complete by construction
        if row.get("derived") or row.get("role") == "issuer" or key in declared or key in reported:
            continue
        reported.add(key)
        yield ctx.problem(src, "role", f"say how complete the {row.get('role')} list is: add under lists: an entry "
                      f"{{role: {row.get('role')}, status: complete|partial|absent, as_of: 'YYYY-MM-DD', source_url: …}}")


def lists_match_rows(ctx):
    """A complete list has as many rows as the count its source states; an absent one has none."""
    counts = ctx.role_counts()
    for row, src in ctx.records("participation_lists"):
        have = counts.get((row.get("instrument_id"), row.get("role")), 0)
        status, stated = row.get("status"), row.get("count")
        if status == "complete" and stated and stated.isdigit() and int(stated) != have:
            yield ctx.problem(src, "count", f"the list is marked complete but has {have} rows for {stated} stated; add the missing rows or mark it partial")
        if status == "absent" and have:
            yield ctx.problem(src, "status", f"marked absent but {have} rows are recorded; use partial or complete")
        if status == "partial" and stated and stated.isdigit() and have >= int(stated):
            yield ctx.problem(src, "status", f"marked partial but all {stated} are recorded; mark it complete")


def tallies_equal_vote_rows(ctx):
    """Where the vote lists are complete, each tally equals its number of rows."""
    counts, complete = ctx.role_counts(), set()
    for row in ctx.rows["participation_lists"]:
        if row.get("status") == "complete":
            complete.add((row.get("instrument_id"), row.get("role")))
    for row, src in ctx.records("instruments"):
        for role, column in ROLE_COUNTS.items():
            key = (row.get("id"), role)
            if key in complete and row.get(column, "").isdigit() and int(row[column]) != counts.get(key, 0):
                yield ctx.problem(src, column, f"{column} is {row[column]} but the complete {role} list has {counts.get(key, 0)} rows")


# ---------------------------------------------------------------- mentions


def mention_targets_one_record(ctx):
    """A mention is about exactly one instrument, event, actor or system."""
    parents = CHILDREN["mentions"].parents.values()
    targets = [column for column in ctx.tables["mentions"].references if column not in parents]
    for row, src in ctx.records("mentions"):
        given = [t for t in targets if t in row]
        if len(given) != 1:
            yield ctx.problem(src, None, f"give exactly one of {', '.join(targets)} (got {len(given)})")


def mention_discrepancy_explained(ctx):
    """A mention that differs from the record says what the record says instead; one that agrees has no discrepancy."""
    for row, src in ctx.records("mentions"):
        if row.get("agreement") in ("differs", "partly-differs") and "discrepancy" not in row:
            yield ctx.problem(src, "agreement", "say in 'discrepancy' what the official record says instead", f"{field_label(src, None)}.discrepancy")
        if row.get("agreement") == "agrees" and "discrepancy" in row:
            yield ctx.problem(src, "discrepancy", "a discrepancy is only for agreement: differs, partly-differs or unverified")


RULES = [
    official_companions,
    date_has_type,
    tallies_need_recorded_vote,
    un_adoption_words,
    state_codes,
    bodies_roll_up,
    event_dates_ordered,
    notes_are_short,
    instrument_has_official_source,
    official_on_registered_host,
    copies_name_the_original,
    snapshots_are_pinned,
    supports_names_facts,
    facts_have_evidence,
    official_titles_are_backed,
    secondary_facts_are_explained,
    cited_pages_are_sources,
    participation_cites_a_page,
    issuer_in_one_place,
    lists_cover_roles,
    lists_match_rows,
    tallies_equal_vote_rows,
    mention_targets_one_record,
    mention_discrepancy_explained,
]


def check(ctx: Context) -> list[Problem]:
    """Every rule's problems, each coded with its rule's name."""
    problems = []
    for rule in RULES:
        ctx.rule = rule.__name__
        problems.extend(rule(ctx))
    return problems

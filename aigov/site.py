"""A static website of the published package: plain HTML, one CSS and one JS file.

No server, no network, no CDN: it works from the file system and on GitHub
Pages. Pages link to each other relatively. Every value is escaped; the same
package gives the same bytes.

    index.html                    every instrument, with search and filters (assets/site.js)
    instruments/<id>.html         titles, facts, participation by role, votes, relations, sources, commentary
    actors/<id>.html              what an actor issued, signed, sponsored, endorsed, how it voted
    events/<id>.html, systems/<id>.html
    articles/<id>.html            a commentary's mentions and claims against the record
    actors/, events/, articles/   index.html lists
    timeline.html                 every kind of instrument over time, undated ones counted
    about.html                    version, licence, citation, tables; the CSVs under datapackage/
    feed.xml                      Atom feed of releases (release.feed: releases/*.json and CHANGELOG.md)

Tables are read from the package generically; the optional ones (titles,
subjects, participation_lists…) add sections only where they exist.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
from collections import Counter, defaultdict
from urllib.parse import quote

from . import published, release

GENERATOR = "global-ai-governance build.py site"
CJK = re.compile("[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
# Record tables that get a page each, and the field that names a record.
PAGE_TABLES = {"instruments": "title_en", "actors": "name_en", "events": "name_en", "systems": "name", "articles": "title_en"}
NAV = [("index.html", "Instruments"), ("actors/index.html", "Actors"), ("events/index.html", "Events"),
       ("articles/index.html", "Commentaries"), ("timeline.html", "Timeline"), ("about.html", "About & downloads")]
WORDS = {"un": "UN", "ngo": "NGO", "ai": "AI", "iso": "ISO", "iso3": "ISO 3166 code", "url": "URL", "id": "id", "zh": "Chinese", "en": "English"}
# How an actor's participation is headed on its page, by role.
ACTOR_ROLE_HEADINGS = {"issuer": "Issued", "lead-sponsor": "Lead sponsor of", "sponsor": "Sponsored",
                       "additional-sponsor": "Additional sponsor of", "co-sponsor": "Co-sponsored", "signatory": "Signed",
                       "endorser": "Endorsed", "adherent": "Adhered to", "party": "Party to",
                       "declined-to-sign": "Declined to sign"}
VOTE_ROLES = {"voted-yes": "Yes", "voted-no": "No", "abstained": "Abstained", "not-voting": "Did not vote"}
AGREEMENT = {"agrees": "Agrees with the record", "differs": "Differs from the record",
             "partly-differs": "Partly differs from the record", "unverified": "Could not be verified"}


def e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def label(value: str) -> str:
    """A readable label for a code: 'action-plan' -> 'Action plan', 'un-body' -> 'UN body'."""
    words = [WORDS.get(w, w) for w in re.split(r"[-_]", value or "") if w]
    if not words:
        return ""
    first = words[0]
    return " ".join([first[:1].upper() + first[1:], *words[1:]])


def plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


def href(url: str | None) -> str | None:
    return url if url and re.match(r"https?://", url) else None


def search_text(*parts) -> str:
    return unicodedata.normalize("NFKC", " ".join(p for p in parts if p)).lower()


class Site:
    def __init__(self, pkg: published.Package, meta: dict | None = None, root: str | None = None):
        self.pkg, self.meta, self.root = pkg, meta or {}, root
        self.rows = pkg.rows
        self.tables = pkg.tables
        self.by_id = {t: {r["id"]: r for r in self.rows.get(t, [])} for t in PAGE_TABLES if t in self.tables}
        self.files: dict[str, bytes] = {}

    # --- generic lookups -----------------------------------------------------

    def refs(self, child: str, target: str) -> list[str]:
        """Columns of table ``child`` that are foreign keys to table ``target``."""
        table = self.tables.get(child)
        if table is None:
            return []
        out = []
        for fk in table.foreign_keys:
            cols = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
            if (fk["reference"].get("resource") or child) == target and len(cols) == 1:
                out.append(cols[0])
        return out

    def rows_about(self, child: str, target: str, record_id: str, column: str | None = None) -> list[dict]:
        cols = [column] if column else self.refs(child, target)
        return [r for r in self.rows.get(child, []) if any(r.get(c) == record_id for c in cols)]

    def enum(self, table: str, field: str) -> list[str]:
        t = self.tables.get(table)
        f = t.by_name.get(field) if t else None
        return list(f.enum or []) if f else []

    def ordered(self, values, table: str, field: str) -> list[str]:
        order = {v: i for i, v in enumerate(self.enum(table, field))}
        return sorted(set(values), key=lambda v: (order.get(v, len(order)), v))

    def name(self, table: str, record_id: str) -> str:
        row = self.by_id.get(table, {}).get(record_id)
        if row is None:
            return record_id
        return row.get(PAGE_TABLES[table]) or row.get("title") or row.get("name") or record_id

    def link(self, table: str, record_id: str, prefix: str, text: str | None = None) -> str:
        if record_id not in self.by_id.get(table, {}):
            return e(text or record_id)
        row = self.by_id[table][record_id]
        shown = text or self.name(table, record_id)
        lang = ""
        if table == "articles" and not row.get("title_en") and row.get("title"):
            lang = f' lang="{e(row.get("language") or "und")}"'
        return f'<a href="{prefix}{table}/{quote(record_id)}.html"{lang}>{e(shown)}</a>'

    def zh(self, text: str | None, official: str | None = None) -> str:
        if not text:
            return ""
        mark = {"true": "official Chinese title", "false": "unofficial translation"}.get(official or "", "")
        return f'<span lang="zh">{e(text)}</span>' + (f' <span class="mark">({mark})</span>' if mark else "")

    # --- page frame ------------------------------------------------------------

    def page(self, rel: str, title: str, body: str, script: bool = False, heading_lang: str | None = None) -> None:
        depth = rel.count("/")
        prefix = "../" * depth
        current = ' aria-current="page"'
        nav = "".join(f'<li><a href="{prefix}{target}"{current if target == rel else ""}>{e(text)}</a></li>'
                      for target, text in NAV)
        desc = self.pkg.descriptor
        licence = (desc.get("licenses") or [{}])[0]
        site_title = desc.get("title", self.pkg.name)
        en_title, _, zh_title = site_title.partition(" / ")
        brand = f'<a class="brand" href="{prefix}index.html">{e(en_title)}'
        if zh_title:
            brand += f' <span lang="zh">{e(zh_title)}</span>'
        brand += "</a>"
        lang_attr = f' lang="{e(heading_lang)}"' if heading_lang else ""
        out = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title{lang_attr}>{e(title)} · {e(en_title)}</title>",
            f'<meta name="generator" content="{GENERATOR}">',
            '<link rel="icon" href="data:,">',
            f'<link rel="stylesheet" href="{prefix}assets/site.css">',
            f'<link rel="alternate" type="application/atom+xml" title="Releases" href="{prefix}feed.xml">',
            "</head>",
            "<body>",
            '<a class="skip" href="#main">Skip to content</a>',
            f'<header><p>{brand}</p><nav aria-label="Site"><ul>{nav}</ul></nav></header>',
            f'<main id="main">\n{body}\n</main>',
            f'<footer><p>Data package <code>{e(self.pkg.name)}</code>, version {e(self.pkg.version)} · data '
            f'<a href="{e(licence.get("path", ""))}">{e(licence.get("title") or licence.get("name", ""))}</a> · '
            f'<a href="{prefix}about.html">how to cite, downloads</a></p></footer>',
        ]
        if script:
            out.append(f'<script src="{prefix}assets/site.js"></script>')
        out += ["</body>", "</html>", ""]
        self.files[rel] = "\n".join(out).encode("utf-8")

    # --- shared blocks ---------------------------------------------------------

    def facts(self, table: str, row: dict, prefix: str, skip=()) -> str:
        """A definition list of the row's filled fields, typed by the schema, in schema order."""
        t = self.tables[table]
        fk_target = {}
        for fk in t.foreign_keys:
            cols = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
            if len(cols) == 1:
                fk_target[cols[0]] = fk["reference"].get("resource") or table
        items = []
        for f in t.fields:
            v = row.get(f.name)
            if f.name in skip or v is None or f.name.endswith("_official") or f.name == "date_type":
                continue
            if f.name in fk_target and fk_target[f.name] in self.by_id:
                shown = self.link(fk_target[f.name], v, prefix)
            elif f.type == "boolean":
                shown = "Yes" if v in f.true_values else "No"
            elif f.enum:
                shown = e(label(v))
            elif f.name == "wikidata":
                shown = f'<a href="https://www.wikidata.org/wiki/{quote(v)}">{e(v)}</a>'
            elif href(v) and (f.pattern is not None and "http" in f.pattern.pattern):
                shown = f'<a href="{e(href(v))}">{e(v)}</a>'
            elif f.name.endswith("_zh") or CJK.search(v):  # Chinese text, as printed
                lang = row.get("language") if f.name not in ("title_en", "name_en") and row.get("language") else "zh"
                shown = f'<span lang="{e(lang)}">{e(v)}</span>'
            else:
                shown = e(v)
            if f.name == "date" and row.get("date_type"):
                shown += f" ({e(label(row['date_type']).lower())})"
            name = label(f.name.removesuffix("_id")) if f.name in fk_target else label(f.name)
            items.append(f'<dt>{e(name)}</dt><dd>{shown}</dd>')
        return '<dl class="facts">' + "".join(items) + "</dl>" if items else ""

    def note(self, text: str | None) -> str:
        """A record's note, folded when long."""
        if not text:
            return ""
        if len(text) < 400:
            return f'<p class="note">{e(text)}</p>'
        return f'<details class="note"><summary>Notes on this record</summary><p>{e(text)}</p></details>'

    def sources(self, table: str, record_id: str) -> str:
        rows = sorted(self.rows_about("citations", table, record_id), key=lambda r: int(r.get("seq") or 0))
        if not rows:
            return ""
        official = sum(1 for r in rows if r.get("official") == "true")
        out = [f'<section aria-labelledby="sources"><h2 id="sources">Sources ({len(rows)}, {official} official)</h2><ol class="sources">']
        for r in rows:
            if r.get("official") == "true":
                mark = "Official source" + (", verbatim copy" if r.get("copy") == "true" else "")
                cls = "official"
            else:
                mark = "Not official" + (", reproduction" if r.get("copy") == "true" else "")
                cls = "unofficial"
            lang = e(r.get("language") or "und")
            title = f'<a href="{e(href(r.get("url")) or "#")}" lang="{lang}">{e(r.get("title") or r.get("url"))}</a>'
            details = [e(r[k]) for k in ("publisher",) if r.get(k)]
            if r.get("published"):
                details.append(f"published {e(r['published'])}")
            if r.get("accessed"):
                details.append(f"read {e(r['accessed'])}")
            out.append(f'<li><span class="badge {cls}">{mark}</span> {title}'
                       + (f' <span class="meta">— {", ".join(details)}</span>' if details else "") + "</li>")
        out.append("</ol></section>")
        return "\n".join(out)

    def mentions_of(self, table: str, record_id: str, prefix: str) -> str:
        column = {"instruments": "instrument_id", "actors": "actor_id", "events": "event_id", "systems": "system_id"}[table]
        rows = [r for r in self.rows_about("mentions", table, record_id, column)]
        if not rows:
            return ""
        out = [f'<section aria-labelledby="commentary"><h2 id="commentary">In the commentaries ({len(rows)})</h2>']
        for r in sorted(rows, key=lambda r: (r["article_id"], int(r.get("seq") or 0))):
            out.append(self.mention_block(r, prefix, about=False))
        out.append("</section>")
        return "\n".join(out)

    def mention_block(self, r: dict, prefix: str, about: bool) -> str:
        article = self.by_id.get("articles", {}).get(r["article_id"], {})
        lang = e(article.get("language") or "und")
        agreement = r.get("agreement") or ""
        head = []
        if about:
            for table, column in (("instruments", "instrument_id"), ("events", "event_id"), ("actors", "actor_id"), ("systems", "system_id")):
                if r.get(column):
                    head.append(f"About {table[:-1]}: {self.link(table, r[column], prefix)}")
        else:
            head.append(f'In {self.link("articles", r["article_id"], prefix, self.article_title(article))}, mention {e(r.get("seq"))}')
        parts = [f'<article class="mention {e(agreement)}">',
                 f'<p class="meta">{" ".join(head)} <span class="badge {e(agreement)}">{e(AGREEMENT.get(agreement, label(agreement)))}</span></p>',
                 f'<blockquote lang="{lang}"><p>{e(r.get("quote"))}</p></blockquote>',
                 f'<p><strong>Claim:</strong> {e(r.get("claim"))}</p>']
        if r.get("discrepancy"):
            parts.append(f'<p><strong>The record says:</strong> {e(r["discrepancy"])}</p>')
        if r.get("note"):
            parts.append(f'<p class="note">{e(r["note"])}</p>')
        parts.append("</article>")
        return "\n".join(parts)

    def article_title(self, article: dict) -> str:
        return article.get("title_en") or article.get("title") or article.get("id", "")

    def instrument_list(self, ids, prefix: str, extra=None) -> str:
        rows = [self.by_id["instruments"][i] for i in set(ids) if i in self.by_id["instruments"]]
        rows.sort(key=lambda r: (r.get("date") or "9999", r["title_en"]))
        items = []
        for r in rows:
            date = f'<span class="date">{e(r["date"])}</span> ' if r.get("date") else '<span class="date">undated</span> '
            more = extra(r) if extra else ""
            items.append(f'<li>{date}{self.link("instruments", r["id"], prefix)} <span class="kind">{e(label(r["kind"]))}</span>{more}</li>')
        return '<ul class="records">' + "".join(items) + "</ul>"

    # --- pages -------------------------------------------------------------------

    def index(self) -> None:
        instruments = sorted(self.rows["instruments"], key=lambda r: (r.get("date") is None, "" if r.get("date") is None else _neg(r["date"]), r["title_en"]))
        kinds = self.ordered([r["kind"] for r in instruments], "instruments", "kind")
        years = sorted({r["date"][:4] for r in instruments if r.get("date")}, reverse=True)
        issuers = sorted({r["issuer_id"] for r in instruments if r.get("issuer_id")}, key=lambda i: self.name("actors", i).lower())
        kind_counts = Counter(r["kind"] for r in instruments)

        def options(values, text=lambda v: v):
            return "".join(f'<option value="{e(v)}">{e(text(v))}</option>' for v in values)

        undated = sum(1 for r in instruments if not r.get("date"))
        desc = self.pkg.descriptor
        rows = []
        for r in instruments:
            issuer = r.get("issuer_id") or ""
            text = search_text(r["title_en"], r.get("title_zh"), r.get("short_name"), r.get("symbol"), r["id"],
                               self.name("actors", issuer) if issuer else "", r.get("summary"))
            zh = f'<br><span lang="zh">{e(r["title_zh"])}</span>' if r.get("title_zh") else ""
            short = f' <span class="meta">({e(r["short_name"])})</span>' if r.get("short_name") else ""
            binding = "yes" if r.get("binding") == "true" else "no"
            rows.append(
                f'<tr data-kind="{e(r["kind"])}" data-year="{e((r.get("date") or "")[:4] or "none")}" data-issuer="{e(issuer)}" '
                f'data-binding="{binding}" data-text="{e(text)}">'
                f'<td class="date">{e(r.get("date") or "—")}</td>'
                f'<td>{self.link("instruments", r["id"], "")}{short}{zh}</td>'
                f'<td>{e(label(r["kind"]))}</td>'
                f'<td>{self.link("actors", issuer, "") if issuer else "—"}</td>'
                f'<td>{"Binding" if binding == "yes" else "Non-binding"}</td></tr>')
        en_title, _, zh_title = desc.get("title", "").partition(" / ")
        body = f"""<h1>{e(en_title)}{f' <span lang="zh">{e(zh_title)}</span>' if zh_title else ""}</h1>
<p class="lead">{e(desc.get("description", ""))}</p>
<p>{plural(len(instruments), "instrument")} ({undated} undated), {plural(len(self.rows.get("actors", [])), "actor")},
{plural(len(self.rows.get("participation", [])), "participation row")}, {plural(len(self.rows.get("citations", [])), "source")}
· version {e(self.pkg.version)} · <a href="timeline.html">timeline</a> · <a href="about.html">downloads and how to cite</a></p>
<form id="filters" class="filters" role="search" aria-label="Search and filter instruments">
<p><label for="q">Search titles (English or Chinese), symbols, short names, issuers</label>
<input type="search" id="q" name="q" autocomplete="off" placeholder="e.g. Bletchley, 人工智能, A/RES/78/265"></p>
<div class="row">
<p><label for="kind">Kind</label><select id="kind" name="kind"><option value="">All kinds</option>{options(kinds, lambda k: f"{label(k)} ({kind_counts[k]})")}</select></p>
<p><label for="year">Year</label><select id="year" name="year"><option value="">All years</option>{options(years)}<option value="none">Undated</option></select></p>
<p><label for="issuer">Issuer</label><select id="issuer" name="issuer"><option value="">All issuers</option>{options(issuers, lambda i: self.name("actors", i))}</select></p>
<p><label for="binding">Binding</label><select id="binding" name="binding"><option value="">Binding or not</option><option value="yes">Binding</option><option value="no">Non-binding</option></select></p>
<p><button type="reset">Clear</button></p>
</div>
</form>
<p id="count" role="status" aria-live="polite">{plural(len(instruments), "instrument")}</p>
<table id="instruments" class="list">
<caption class="visually-hidden">Instruments of international AI governance, newest first</caption>
<thead><tr><th scope="col">Date</th><th scope="col">Title</th><th scope="col">Kind</th><th scope="col">Issuer</th><th scope="col">Binding</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p id="none" hidden>No instrument matches. <button type="button" id="clear">Clear the search</button></p>"""
        self.page("index.html", "Instruments", body, script=True)

    def instrument(self, r: dict) -> None:
        p = "../"
        rid = r["id"]
        body = [f'<p class="kind-line">{e(label(r["kind"]))}{" · binding" if r.get("binding") == "true" else ""}</p>',
                f'<h1>{e(r["title_en"])}</h1>']
        if r.get("title_zh"):
            body.append(f'<p class="subtitle">{self.zh(r["title_zh"], r.get("title_zh_official"))}</p>')
        if r.get("summary"):
            body.append(f'<p class="lead">{e(r["summary"])}</p>')
        vote_fields = ("votes_yes", "votes_no", "votes_abstain")
        body.append('<section aria-labelledby="facts"><h2 id="facts">Facts</h2>'
                    + self.facts("instruments", r, p, skip={"id", "kind", "title_en", "title_zh", "summary", "note", *vote_fields})
                    + self.note(r.get("note")) + "</section>")
        body.append(self.votes(r, p))
        titles = self.rows_about("titles", "instruments", rid)
        if titles:
            marks = {"true": ' <span class="mark">(official)</span>', "false": ' <span class="mark">(translation)</span>'}
            items = "".join(f'<li><span class="meta">{e(t.get("language"))}</span> <span lang="{e(t.get("language") or "und")}" dir="auto">{e(t.get("title"))}</span>'
                            f'{marks.get(t.get("official") or "", "")}</li>'
                            for t in sorted(titles, key=lambda t: t.get("language") or ""))
            body.append(f'<section aria-labelledby="titles"><h2 id="titles">Titles by language</h2><ul>{items}</ul></section>')
        subjects = self.rows_about("subjects", "instruments", rid)
        if subjects:
            body.append('<section aria-labelledby="subjects"><h2 id="subjects">Subjects (UNBIS Thesaurus)</h2><ul class="inline">'
                        + "".join(f"<li>{e(s.get('subject'))}</li>" for s in sorted(subjects, key=lambda s: s.get("subject") or "")) + "</ul></section>")
        body.append(self.participation(r, p))
        body.append(self.relations(rid, p))
        body.append(self.figures(rid))
        body.append(self.sources("instruments", rid))
        body.append(self.mentions_of("instruments", rid, p))
        self.page(f"instruments/{rid}.html", r["title_en"], "\n".join(b for b in body if b))

    def votes(self, r: dict, p: str) -> str:
        counts = [(k, r.get(f)) for k, f in (("Yes", "votes_yes"), ("No", "votes_no"), ("Abstained", "votes_abstain"))]
        listed = Counter(x["role"] for x in self.rows_about("participation", "instruments", r["id"], "instrument_id") if x["role"] in VOTE_ROLES)
        if r.get("adoption") != "recorded-vote" and not any(v for _, v in counts) and not listed:
            return ""
        total = sum(int(v) for _, v in counts if v) or 1
        show_listed = bool(listed)
        rows = []
        for (name, v), role in zip(counts, ("voted-yes", "voted-no", "abstained")):
            width = round(100 * int(v) / total) if v else 0
            bar = f'<span class="bar {role}" style="width:{width}%"></span>' if width else ""
            more = f'<td class="num">{listed.get(role, 0)}</td>' if show_listed else ""
            rows.append(f'<tr><th scope="row">{name}</th><td class="num">{e(v) if v else "—"}</td>{more}<td class="share">{bar}</td></tr>')
        if listed.get("not-voting"):
            rows.append(f'<tr><th scope="row">Did not vote</th><td class="num">—</td><td class="num">{listed["not-voting"]}</td><td></td></tr>')
        listed_head = '<th scope="col">States listed here</th>' if show_listed else ""
        return ('<section aria-labelledby="votes"><h2 id="votes">Recorded vote</h2>'
                f'<table class="votes"><thead><tr><th scope="col">Vote</th><th scope="col">Count</th>{listed_head}'
                '<th scope="col"><span class="visually-hidden">Share of the votes cast</span></th></tr></thead>'
                "<tbody>" + "".join(rows) + "</tbody></table></section>")

    def participation(self, r: dict, p: str) -> str:
        rows = self.rows_about("participation", "instruments", r["id"], "instrument_id")
        lists = {x["role"]: x for x in self.rows_about("participation_lists", "instruments", r["id"])}
        if not rows and not lists:
            return ""
        by_role = defaultdict(list)
        for x in rows:
            by_role[x["role"]].append(x)
        out = [f'<section aria-labelledby="participation"><h2 id="participation">Participation ({plural(len(rows), "row")})</h2>']
        if r.get("participant_count"):
            out.append(f'<p>Official sources state {e(r["participant_count"])} participants in all; '
                       f'{len({x["actor_id"] for x in rows if x["role"] not in ("issuer", "declined-to-sign")})} are listed here.</p>')
        for role in self.ordered(list(by_role) + list(lists), "participation", "role"):
            mine = sorted(by_role.get(role, []), key=lambda x: self.name("actors", x["actor_id"]).lower())
            out.append(f'<h3>{e(label(role))} ({len(mine)})</h3>')
            status = lists.get(role)
            if status:
                words = {"complete": "Complete list", "partial": "Partial list", "absent": "List not recorded"}.get(status.get("status"), label(status.get("status")))
                bits = [e(words)]
                if status.get("as_of"):
                    bits.append(f"as of {e(status['as_of'])}")
                if status.get("count"):
                    bits.append(f"the source counts {e(status['count'])}")
                src = f' (<a href="{e(href(status.get("source_url")) or "#")}">source</a>)' if status.get("source_url") else ""
                note = f' — {e(status["note"])}' if status.get("note") else ""
                out.append(f'<p class="status {e(status.get("status"))}">{", ".join(bits)}{src}{note}</p>')
            if mine:
                dates = {x.get("date") for x in mine}
                shared = dates.pop() if len(dates) == 1 and len(mine) > 1 else None
                if shared:
                    out.append(f'<p class="meta">All on {e(shared)}.</p>')
                items = []
                for x in mine:
                    bits = []
                    if x.get("date") and not shared:
                        bits.append(e(x["date"]))
                    if x.get("note"):
                        bits.append(e(x["note"]))
                    extra = f' <span class="meta">{" — ".join(bits)}</span>' if bits else ""
                    items.append(f'<li>{self.link("actors", x["actor_id"], p)}{extra}</li>')
                cls = "actors" if all(not x.get("note") for x in mine) else "actors wide"
                out.append(f'<ul class="{cls}">' + "".join(items) + "</ul>")
        out.append("</section>")
        return "\n".join(out)

    def relations(self, rid: str, p: str) -> str:
        rows = self.rows.get("relations", [])
        outgoing = [x for x in rows if x.get("instrument_id") == rid]
        incoming = [x for x in rows if x.get("target_id") == rid]
        if not outgoing and not incoming:
            return ""
        items = []
        for x in sorted(outgoing, key=lambda x: (x["relation"], x["target_id"])):
            note = f' <span class="meta">— {e(x["note"])}</span>' if x.get("note") else ""
            items.append(f'<li>This instrument <em>{e(label(x["relation"]).lower())}</em> {self.link("instruments", x["target_id"], p)}{note}</li>')
        for x in sorted(incoming, key=lambda x: (x["relation"], x["instrument_id"])):
            note = f' <span class="meta">— {e(x["note"])}</span>' if x.get("note") else ""
            items.append(f'<li>{self.link("instruments", x["instrument_id"], p)} <em>{e(label(x["relation"]).lower())}</em> this instrument{note}</li>')
        return f'<section aria-labelledby="relations"><h2 id="relations">Related instruments</h2><ul>{"".join(items)}</ul></section>'

    def figures(self, rid: str) -> str:
        rows = sorted([x for x in self.rows.get("figures", []) if x.get("instrument_id") == rid], key=lambda x: int(x.get("seq") or 0))
        if not rows:
            return ""
        body = "".join(f'<tr><td>{e(x.get("measure"))}</td><td class="num">{e(x.get("value"))}</td><td>{e(x.get("unit"))}</td>'
                       f'<td>{e(x.get("period"))}</td><td>{e(x.get("quote"))}</td></tr>' for x in rows)
        return ('<section aria-labelledby="figures"><h2 id="figures">Key figures</h2><table class="list"><thead><tr>'
                '<th scope="col">Measure</th><th scope="col">Value</th><th scope="col">Unit</th><th scope="col">Period</th>'
                f'<th scope="col">As the report states it</th></tr></thead><tbody>{body}</tbody></table></section>')

    def actor(self, a: dict) -> None:
        p = "../"
        aid = a["id"]
        body = [f'<p class="kind-line">{e(label(a["kind"]))}</p>', f'<h1>{e(a["name_en"])}</h1>']
        if a.get("name_zh"):
            mark = {"true": "official Chinese name", "false": "unofficial translation"}.get(a.get("name_zh_official") or "", "")
            body.append(f'<p class="subtitle"><span lang="zh">{e(a["name_zh"])}</span>' + (f' <span class="mark">({mark})</span>' if mark else "") + "</p>")
        body.append('<section aria-labelledby="facts"><h2 id="facts">Facts</h2>'
                    + self.facts("actors", a, p, skip={"id", "kind", "name_en", "name_zh", "note"})
                    + self.note(a.get("note")) + "</section>")
        members = [x for x in self.rows["actors"] if x.get("parent_id") == aid]
        if members:
            body.append(f'<section aria-labelledby="parts"><h2 id="parts">Bodies under it ({len(members)})</h2><ul>'
                        + "".join(f'<li>{self.link("actors", x["id"], p)}</li>' for x in sorted(members, key=lambda x: x["name_en"])) + "</ul></section>")
        issued = {r["id"] for r in self.rows["instruments"] if r.get("issuer_id") == aid}
        rows = self.rows_about("participation", "actors", aid, "actor_id")
        by_role = defaultdict(list)
        for x in rows:
            by_role[x["role"]].append(x)
        issued |= {x["instrument_id"] for x in by_role.pop("issuer", [])}
        total = len(issued) + sum(len(v) for k, v in by_role.items() if k not in VOTE_ROLES)
        sections = []
        if issued:
            sections.append(f'<h3>Issued ({len(issued)})</h3>' + self.instrument_list(issued, p))
        for role in self.ordered(by_role, "participation", "role"):
            if role in VOTE_ROLES:
                continue
            dates = {x["instrument_id"]: x.get("date") for x in by_role[role]}
            extra = (lambda r, dates=dates: f' <span class="meta">— on {e(dates[r["id"]])}</span>' if dates.get(r["id"]) else "")
            sections.append(f'<h3>{e(ACTOR_ROLE_HEADINGS.get(role, label(role)))} ({len(by_role[role])})</h3>'
                            + self.instrument_list(dates, p, extra))
        if sections:
            body.append(f'<section aria-labelledby="instruments"><h2 id="instruments">Instruments ({total})</h2>' + "\n".join(sections) + "</section>")
        votes = [(x, role) for role in VOTE_ROLES for x in by_role.get(role, [])]
        if votes:
            trs = "".join(f'<tr><td>{self.link("instruments", x["instrument_id"], p)}</td><td>{e(VOTE_ROLES[role])}</td><td>{e(x.get("date") or "")}</td></tr>'
                          for x, role in sorted(votes, key=lambda v: (self.by_id["instruments"].get(v[0]["instrument_id"], {}).get("date") or "", v[0]["instrument_id"])))
            body.append(f'<section aria-labelledby="voting"><h2 id="voting">How it voted ({len(votes)})</h2><table class="list"><thead><tr>'
                        f'<th scope="col">Instrument</th><th scope="col">Vote</th><th scope="col">Date</th></tr></thead><tbody>{trs}</tbody></table></section>')
        hosted = [x for x in self.rows.get("events", []) if x.get("host_id") == aid]
        if hosted:
            body.append(f'<section aria-labelledby="hosted"><h2 id="hosted">Events it hosted ({len(hosted)})</h2><ul>'
                        + "".join(f'<li>{self.link("events", x["id"], p)} <span class="date">{e(x.get("start_date") or "")}</span></li>'
                                  for x in sorted(hosted, key=lambda x: (x.get("start_date") or "", x["id"]))) + "</ul></section>")
        systems = [x for x in self.rows.get("systems", []) if x.get("developer_id") == aid]
        if systems:
            body.append(f'<section aria-labelledby="systems"><h2 id="systems">AI systems it develops ({len(systems)})</h2><ul>'
                        + "".join(f'<li>{self.link("systems", x["id"], p)} <span class="kind">{e(label(x.get("openness")))}</span></li>'
                                  for x in sorted(systems, key=lambda x: x["id"])) + "</ul></section>")
        body.append(self.sources("actors", aid))
        body.append(self.mentions_of("actors", aid, p))
        self.page(f"actors/{aid}.html", a["name_en"], "\n".join(b for b in body if b))

    def event(self, ev: dict) -> None:
        p = "../"
        body = [f'<p class="kind-line">{e(label(ev["kind"]))}</p>', f'<h1>{e(ev["name_en"])}</h1>']
        if ev.get("name_zh"):
            body.append(f'<p class="subtitle"><span lang="zh">{e(ev["name_zh"])}</span></p>')
        body.append('<section aria-labelledby="facts"><h2 id="facts">Facts</h2>'
                    + self.facts("events", ev, p, skip={"id", "kind", "name_en", "name_zh", "note"})
                    + self.note(ev.get("note")) + "</section>")
        adopted = [r["id"] for r in self.rows["instruments"] if r.get("event_id") == ev["id"]]
        if adopted:
            body.append(f'<section aria-labelledby="adopted"><h2 id="adopted">Instruments adopted or launched there ({len(adopted)})</h2>'
                        + self.instrument_list(adopted, p) + "</section>")
        body.append(self.sources("events", ev["id"]))
        body.append(self.mentions_of("events", ev["id"], p))
        self.page(f"events/{ev['id']}.html", ev["name_en"], "\n".join(b for b in body if b))

    def system(self, s: dict) -> None:
        p = "../"
        body = [f'<p class="kind-line">{e(label(s["kind"]))}</p>', f'<h1>{e(s["name"])}</h1>',
                '<section aria-labelledby="facts"><h2 id="facts">Facts</h2>'
                + self.facts("systems", s, p, skip={"id", "kind", "name", "note"})
                + self.note(s.get("note")) + "</section>",
                self.sources("systems", s["id"]), self.mentions_of("systems", s["id"], p)]
        self.page(f"systems/{s['id']}.html", s["name"], "\n".join(b for b in body if b))

    def article(self, a: dict) -> None:
        p = "../"
        lang = e(a.get("language") or "und")
        body = ['<p class="kind-line">Commentary</p>']
        if a.get("title"):
            body.append(f'<h1 lang="{lang}">{e(a["title"])}</h1>')
            if a.get("title_en"):
                mark = "" if a.get("title_en_official") == "true" else ' <span class="mark">(our translation)</span>'
                body.append(f'<p class="subtitle">{e(a["title_en"])}{mark}</p>')
        else:
            body.append(f'<h1>{e(a.get("title_en") or "Untitled commentary")} <span class="mark">({e(a["id"])})</span></h1>')
        body.append('<section aria-labelledby="facts"><h2 id="facts">Facts</h2>'
                    + self.facts("articles", a, p, skip={"id", "title", "title_en", "note"})
                    + self.note(a.get("note")) + "</section>")
        mentions = sorted((m for m in self.rows.get("mentions", []) if m.get("article_id") == a["id"]), key=lambda m: int(m.get("seq") or 0))
        if mentions:
            counts = Counter(m.get("agreement") for m in mentions)
            summary = "".join(f'<li><span class="badge {e(k)}">{e(AGREEMENT.get(k, label(k)))}</span> {counts[k]}</li>'
                              for k in self.ordered(counts, "mentions", "agreement"))
            body.append(f'<section aria-labelledby="claims"><h2 id="claims">Its claims against the record ({len(mentions)})</h2>'
                        f'<ul class="inline">{summary}</ul>' + "\n".join(self.mention_block(m, p, about=True) for m in mentions) + "</section>")
        body.append(self.sources("articles", a["id"]))
        self.page(f"articles/{a['id']}.html", self.article_title(a), "\n".join(b for b in body if b),
                  heading_lang=None if a.get("title_en") or not a.get("title") else a.get("language"))

    def lists(self) -> None:
        # actors, grouped by kind
        counts = Counter(x["actor_id"] for x in self.rows.get("participation", []))
        for r in self.rows["instruments"]:
            if r.get("issuer_id"):
                counts[r["issuer_id"]] += 1
        groups = []
        for kind in self.ordered([a["kind"] for a in self.rows["actors"]], "actors", "kind"):
            mine = sorted((a for a in self.rows["actors"] if a["kind"] == kind), key=lambda a: a["name_en"].lower())
            items = "".join(f'<li>{self.link("actors", a["id"], "../")}'
                            + (f' <span lang="zh">{e(a["name_zh"])}</span>' if a.get("name_zh") else "")
                            + f' <span class="meta">{counts.get(a["id"], 0)}</span></li>' for a in mine)
            groups.append(f'<h2 id="{e(kind)}">{e(label(kind))} ({len(mine)})</h2><ul class="actors wide">{items}</ul>')
        self.page("actors/index.html", "Actors", f"<h1>Actors ({len(self.rows['actors'])})</h1>"
                  "<p>States, organisations, bodies, companies and people; the number after a name counts the instruments "
                  "it issued and its participation rows.</p>" + "\n".join(groups))
        events = sorted(self.rows.get("events", []), key=lambda x: (x.get("start_date") or "0000", x["id"]), reverse=True)
        items = "".join(f'<li><span class="date">{e(x.get("start_date") or "undated")}</span> {self.link("events", x["id"], "../")} '
                        f'<span class="kind">{e(label(x["kind"]))}</span></li>' for x in events)
        self.page("events/index.html", "Events", f'<h1>Events ({len(events)})</h1><ul class="records">{items}</ul>')
        articles = sorted(self.rows.get("articles", []), key=lambda x: x["id"])
        items = []
        for a in articles:
            n = sum(1 for m in self.rows.get("mentions", []) if m.get("article_id") == a["id"])
            items.append(f'<li>{self.link("articles", a["id"], "../", self.article_title(a))} <span class="meta">{plural(n, "mention")}</span></li>')
        self.page("articles/index.html", "Commentaries", f"<h1>Commentaries ({len(articles)})</h1>"
                  "<p>Articles that discuss records of this dataset, each claim checked against the record.</p>"
                  f'<ul class="records">{"".join(items)}</ul>')

    def timeline(self) -> None:
        instruments = self.rows["instruments"]
        kinds = self.enum("instruments", "kind") or sorted({r["kind"] for r in instruments})
        kinds += sorted({r["kind"] for r in instruments} - set(kinds))
        dated = sorted((r for r in instruments if r.get("date")), key=lambda r: (r["date"], r["id"]))
        counts = {k: (sum(1 for r in dated if r["kind"] == k), sum(1 for r in instruments if r["kind"] == k and not r.get("date"))) for k in kinds}
        table = "".join(f'<tr><th scope="row">{e(label(k))}</th><td class="num">{d}</td><td class="num">{u}</td><td class="num">{d + u}</td></tr>'
                        for k, (d, u) in counts.items())
        undated_total = len(instruments) - len(dated)
        parts = [f"<h1>Timeline</h1><p>{plural(len(instruments), 'instrument')}: {len(dated)} dated, {undated_total} undated. "
                 "Each dot is an instrument at its key date, one line per kind; follow a dot to its page.</p>",
                 self.timeline_svg(dated, [k for k in kinds if counts[k][0]]),
                 '<h2 id="kinds">Every kind</h2><table class="list counts"><thead><tr><th scope="col">Kind</th><th scope="col">Dated</th>'
                 f'<th scope="col">Undated</th><th scope="col">All</th></tr></thead><tbody>{table}</tbody>'
                 f'<tfoot><tr><th scope="row">All kinds</th><td class="num">{len(dated)}</td><td class="num">{undated_total}</td>'
                 f'<td class="num">{len(instruments)}</td></tr></tfoot></table>']
        for year in sorted({r["date"][:4] for r in dated}, reverse=True):
            ids = [r["id"] for r in dated if r["date"][:4] == year]
            parts.append(f'<h2 id="y{e(year)}">{e(year)} ({len(ids)})</h2>' + self.instrument_list(ids, ""))
        undated = [r["id"] for r in instruments if not r.get("date")]
        if undated:
            parts.append(f'<h2 id="undated">Undated ({len(undated)})</h2>' + self.instrument_list(undated, ""))
        self.page("timeline.html", "Timeline", "\n".join(parts))

    def timeline_svg(self, dated: list[dict], kinds: list[str]) -> str:
        if not dated:
            return ""
        import datetime as dt

        first, last = int(dated[0]["date"][:4]), int(dated[-1]["date"][:4]) + 1
        left, right, top, lane = 190, 20, 20, 26
        width = 1000
        height = top + lane * len(kinds) + 30
        span = (dt.date(last, 1, 1) - dt.date(first, 1, 1)).days

        def x(day: str) -> float:
            return left + (width - left - right) * (dt.date.fromisoformat(day) - dt.date(first, 1, 1)).days / span

        out = [f'<figure class="timeline"><svg viewBox="0 0 {width} {height}" role="img" aria-labelledby="tl-title" '
               f'xmlns="http://www.w3.org/2000/svg" font-size="13"><title id="tl-title">{len(dated)} dated instruments from {first} '
               f'to {last - 1}, one line per kind</title>']
        for year in range(first, last + 1):
            xx = x(f"{year}-01-01")
            out.append(f'<line x1="{xx:.1f}" y1="{top - 8}" x2="{xx:.1f}" y2="{height - 24}" class="grid"/>'
                       f'<text x="{xx:.1f}" y="{height - 8}" text-anchor="middle" class="axis">{year}</text>')
        for n, kind in enumerate(kinds):
            y = top + n * lane + lane / 2
            out.append(f'<text x="{left - 10}" y="{y + 4:.1f}" text-anchor="end" class="lane">{e(label(kind))}</text>'
                       f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" class="lane-line"/>')
            for r in (r for r in dated if r["kind"] == kind):
                out.append(f'<a href="instruments/{quote(r["id"])}.html"><circle cx="{x(r["date"]):.1f}" cy="{y:.1f}" r="6" class="dot">'
                           f'<title>{e(r["date"])} {e(r["title_en"])}</title></circle></a>')
        out.append("</svg><figcaption>Dated instruments by kind; the table below counts every kind, undated ones too.</figcaption></figure>")
        return "".join(out)

    def about(self) -> None:
        desc = self.pkg.descriptor
        licence = (desc.get("licenses") or [{}])[0]
        rows = "".join(f'<tr><th scope="row"><a href="datapackage/{e(self.pkg.resource(name)["path"])}">{e(name)}</a></th>'
                       f'<td class="num">{len(self.rows[name])}</td><td>{e(t.spec.get("description", ""))}</td></tr>'
                       for name, t in self.tables.items())
        body = f"""<h1>About and downloads</h1>
<p>{e(desc.get("description", ""))}</p>
<h2 id="cite">How to cite</h2>
<blockquote><p>{e(release.citation_text(self.pkg, self.meta))}</p></blockquote>
<p>Data licence: <a href="{e(licence.get("path", ""))}">{e(licence.get("title") or licence.get("name", ""))}</a>.</p>
<h2 id="downloads">Downloads</h2>
<p>The package as published: <a href="datapackage/datapackage.json">datapackage.json</a> describes every table and column
(a Frictionless Tabular Data Package); one CSV per table (UTF-8, header row, an empty cell means no value). Each release also
has a zip, a SQLite database, Parquet files and an Excel workbook.</p>
<table class="list"><thead><tr><th scope="col">Table</th><th scope="col">Rows</th><th scope="col">One row is</th></tr></thead>
<tbody>{rows}</tbody></table>
<h2 id="releases">Releases</h2>
<p>Subscribe to <a href="feed.xml">the releases feed</a> (Atom).</p>"""
        self.page("about.html", "About and downloads", body)
        for rel, data in self.pkg.files.items():
            self.files[f"datapackage/{rel}"] = data

    def build(self) -> dict[str, bytes]:
        self.index()
        for r in self.rows["instruments"]:
            self.instrument(r)
        for a in self.rows["actors"]:
            self.actor(a)
        for ev in self.rows.get("events", []):
            self.event(ev)
        for s in self.rows.get("systems", []):
            self.system(s)
        for a in self.rows.get("articles", []):
            self.article(a)
        self.lists()
        self.timeline()
        self.about()
        self.files["feed.xml"] = release.feed(self.pkg, self.root).encode("utf-8")
        here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "site_assets")
        for name in sorted(os.listdir(here)):
            with open(os.path.join(here, name), "rb") as fh:
                self.files[f"assets/{name}"] = fh.read()
        self.files[".nojekyll"] = b""  # GitHub Pages: serve the files as they are
        return self.files


def _neg(date: str) -> str:
    """A sort key that orders ISO dates newest first."""
    return "".join(chr(ord("9") - ord(c) + ord("0")) if c.isdigit() else c for c in date)


def render(package_dir: str, meta: dict | None = None, root: str | None = None) -> dict[str, bytes]:
    """Every file of the site, as relative path -> bytes."""
    return Site(published.read(package_dir), meta, root).build()


def write(package_dir: str, out_dir: str, meta: dict | None = None, root: str | None = None) -> int:
    """Write the site to ``out_dir`` (replaced whole; refused if it holds anything but an earlier site).
    Returns the number of HTML pages."""
    files = render(package_dir, meta, root)
    out_dir = os.path.abspath(out_dir)
    if os.path.isdir(out_dir) and os.listdir(out_dir):
        index = os.path.join(out_dir, "index.html")
        mine = os.path.exists(index) and GENERATOR.encode() in open(index, "rb").read()
        if not mine:
            raise SystemExit(f"{out_dir} is not empty and holds no site made by this command: choose another --out")
    from .package import write_tree

    write_tree(out_dir, files)
    return sum(1 for name in files if name.endswith(".html"))


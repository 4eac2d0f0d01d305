"""The pages of the site: one view per page kind, each choosing and ordering what its template shows.

A view reads the view-model (``model.Model``, every table indexed by parent once) and hands its
template plain data: rows, ids, counts, texts. The templates (``templates/<kind>.html`` on
``templates/base.html``) write every tag; nothing here builds HTML.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from urllib.parse import urlparse

from .. import release
from . import charts
from .model import CJK, ISSUER_ROLE, SPONSOR_ROLES, VOTE_ROLES, Model, excerpt, highlight, label, newest_first, search_text, seq, web_url
from .templating import ASSETS, environment

GENERATOR = "global-ai-governance build.py site"
NAV = [("index.html", "Instruments"), ("topics/index.html", "Topics"), ("actors/index.html", "Actors"), ("events/index.html", "Events"),
       ("articles/index.html", "Commentaries"), ("timeline.html", "Timeline"),
       ("un-resolutions.html", "AI in UN resolutions"), ("about.html", "About & downloads")]
# How an actor's participation is headed on its page, by role.
ACTOR_ROLE_HEADINGS = {"issuer": "Issued", "lead-sponsor": "Lead sponsor of", "sponsor": "Sponsored",
                       "additional-sponsor": "Additional sponsor of", "co-sponsor": "Co-sponsored", "signatory": "Signed",
                       "endorser": "Endorsed", "adherent": "Adhered to", "party": "Party to",
                       "declined-to-sign": "Declined to sign"}
AGREEMENT = {"agrees": "Agrees with the record", "differs": "Differs from the record",
             "partly-differs": "Partly differs from the record", "unverified": "Could not be verified"}
LIST_STATUS = {"complete": "Complete list", "partial": "Partial list", "absent": "List not recorded"}
PARTS = {"preamble": "Preamble", "operative": "Operative paragraphs", "annex": "Annex"}
# Languages of the texts: English name, and the name in the language itself where it differs.
LANGUAGES = {"ar": ("Arabic", "العربية"), "en": ("English", None), "es": ("Spanish", "Español"), "fr": ("French", "Français"),
             "ru": ("Russian", "Русский"), "zh": ("Chinese", "中文")}
SIDE_BY_SIDE = ("en", "zh")  # the two texts shown side by side; the others fold away
# Where a paragraph stands in its text, by part: with its number, and without one.
PASSAGE_WHERE = {"preamble": ("preambular paragraph", "a preambular paragraph"),
                 "operative": ("operative paragraph", "an operative paragraph"),
                 "annex": ("annex paragraph", "a paragraph of the annex")}
UN_PAGE = "un-resolutions.html"


def language_name(tag: str) -> tuple[str, str | None]:
    return LANGUAGES.get(tag) or LANGUAGES.get(tag.split("-")[0]) or (tag, None)


class Site:
    def __init__(self, pkg, meta: dict | None = None, root: str | None = None):
        self.m = Model(pkg, meta, root)
        self.pkg = pkg
        self.env = environment()
        self.files: dict[str, bytes] = {}
        desc = pkg.descriptor
        licence = (desc.get("licenses") or [{}])[0]
        en_title, _, zh_title = desc.get("title", pkg.name).partition(" / ")
        self.common = {
            "nav": NAV, "generator": GENERATOR, "name": pkg.name, "version": pkg.version,
            "en_title": en_title, "zh_title": zh_title, "description": desc.get("description", ""),
            "licence": {"path": licence.get("path", ""), "title": licence.get("title") or licence.get("name", "")},
            "agreement": AGREEMENT, "vote_roles": VOTE_ROLES, "feed": False,
        }

    def page(self, rel: str, template: str, title: str, title_lang: str | None = None, script: bool = False, **context) -> None:
        html = self.env.get_template(template).render(
            m=self.m, site=self.common, rel=rel, p="../" * rel.count("/"), title=title, title_lang=title_lang,
            script=script, **context)
        self.files[rel] = html.encode("utf-8")

    # --- shared blocks ---------------------------------------------------------

    def facts(self, table: str, row: dict, skip=()) -> list[dict]:
        """The row's filled fields, typed by the schema, in schema order: what the facts list shows."""
        t = self.m.tables[table]
        fk_target = self.m.fk_targets.get(table, {})
        items = []
        for f in t.fields:
            v = row.get(f.name)
            if f.name in skip or v is None or f.name.endswith("_official") or f.name == "date_type":
                continue
            item = {"name": label(f.name.removesuffix("_id")) if f.name in fk_target else label(f.name),
                    "kind": "text", "value": v, "lang": None, "suffix": None}
            if f.name in fk_target and fk_target[f.name] in self.m.by_id:
                item.update(kind="link", table=fk_target[f.name])
            elif f.type == "boolean":
                item["value"] = "Yes" if v in f.true_values else "No"
            elif f.enum:
                item["value"] = label(v)
            elif f.name == "wikidata":
                item["kind"] = "wikidata"
            elif web_url(v) and (f.pattern is not None and "http" in f.pattern.pattern):
                item["kind"] = "url"
            elif f.name.endswith("_zh") or CJK.search(v):  # Chinese text, as printed
                item["lang"] = row.get("language") if f.name not in ("title_en", "name_en") and row.get("language") else "zh"
            if f.name == "date" and row.get("date_type"):
                item["suffix"] = label(row["date_type"]).lower()
            items.append(item)
        return items

    def sources(self, table: str, record_id: str) -> list[dict]:
        out = []
        for r in sorted(self.m.about("citations", table, record_id), key=seq):
            official = r.get("official") == "true"
            if official:
                mark = "Official source" + (", verbatim copy" if r.get("copy") == "true" else "")
            else:
                mark = "Not official" + (", reproduction" if r.get("copy") == "true" else "")
            details = [r["publisher"]] if r.get("publisher") else []
            if r.get("published"):
                details.append(f"published {r['published']}")
            if r.get("accessed"):
                details.append(f"read {r['accessed']}")
            out.append({"official": official, "mark": mark, "url": web_url(r.get("url")) or "#", "lang": r.get("language") or "und",
                        "title": r.get("title") or r.get("url"), "details": ", ".join(details)})
        return out

    def mentions_of(self, column: str, record_id: str) -> list[dict]:
        rows = self.m.children("mentions", column, record_id)
        return [self.mention(r, about=False) for r in sorted(rows, key=lambda r: (r["article_id"], seq(r)))]

    def mention(self, r: dict, about: bool) -> dict:
        article = self.m.record("articles", r["article_id"]) or {}
        targets = []
        if about:
            for table, column in (("instruments", "instrument_id"), ("events", "event_id"), ("actors", "actor_id"), ("systems", "system_id")):
                if r.get(column):
                    targets.append((table, r[column]))
        return {"row": r, "about": about, "targets": targets, "lang": article.get("language") or "und",
                "article_title": self.m.article_title(article), "agreement": r.get("agreement") or ""}

    def instrument_list(self, ids, extra: dict | None = None) -> list[dict]:
        """Instruments by date (undated last), then title; ``extra`` maps an id to a note shown after it."""
        rows = [self.m.by_id["instruments"][i] for i in set(ids) if i in self.m.by_id["instruments"]]
        rows.sort(key=lambda r: (r.get("date") or "9999", r["title_en"], r["id"]))
        return [{"row": r, "href": self.m.href("instruments", r["id"]), "extra": (extra or {}).get(r["id"])} for r in rows]

    # --- pages -------------------------------------------------------------------

    def index(self) -> None:
        m = self.m
        instruments = sorted(m.rows["instruments"],
                             key=lambda r: (r.get("date") is None, "" if r.get("date") is None else newest_first(r["date"]), r["title_en"]))
        kind_counts = Counter(r["kind"] for r in instruments)
        kinds = [(k, kind_counts[k]) for k in m.ordered(kind_counts, "instruments", "kind")]
        years = sorted({r["date"][:4] for r in instruments if r.get("date")}, reverse=True)
        issuer_counts = Counter()
        rows = []
        for r in instruments:
            issuers = m.issuers(r["id"])
            found_by = m.issuer_filter_ids(r["id"])
            issuer_counts.update(found_by)
            rows.append({
                "row": r, "href": m.href("instruments", r["id"]),
                "issuers": [{"href": m.href("actors", i), "name": m.name("actors", i)} for i in issuers], "filter": " ".join(sorted(found_by)),
                "year": (r.get("date") or "")[:4] or "none", "binding": "yes" if r.get("binding") == "true" else "no",
                "text": search_text(r["title_en"], r.get("title_zh"), r.get("short_name"), r.get("symbol"), r["id"],
                                    *(m.name("actors", i) for i in issuers), r.get("summary")),
            })
        issuer_options = sorted(issuer_counts, key=lambda i: (m.name("actors", i).lower(), i))
        self.page("index.html", "index.html", "Instruments", script=True, rows=rows, kinds=kinds, years=years,
                  issuers=[(i, issuer_counts[i]) for i in issuer_options],
                  undated=sum(1 for r in instruments if not r.get("date")))

    def instrument(self, r: dict) -> None:
        m = self.m
        rid = r["id"]
        vote_fields = ("votes_yes", "votes_no", "votes_abstain")
        participation = m.children("participation", "instrument_id", rid)
        titles = sorted(m.children("titles", "instrument_id", rid), key=lambda t: t.get("language") or "")
        subjects = sorted(m.children("subjects", "instrument_id", rid), key=lambda s: s.get("subject") or "")
        outgoing = sorted(m.children("relations", "instrument_id", rid), key=lambda x: (x["relation"], x["target_id"]))
        incoming = sorted(m.children("relations", "target_id", rid), key=lambda x: (x["relation"], x["instrument_id"]))
        self.page(f"instruments/{rid}.html", "instrument.html", r["title_en"], r=r,
                  facts=self.facts("instruments", r, skip={"id", "kind", "title_en", "title_zh", "summary", "note", *vote_fields}),
                  votes=self.votes(r, participation), titles=titles, subjects=subjects,
                  participation=self.participation(r, participation), outgoing=outgoing, incoming=incoming,
                  figures=sorted(m.children("figures", "instrument_id", rid), key=seq),
                  topics=self.topics_of(rid), text=self.text(rid), sources=self.sources("instruments", rid),
                  mentions=self.mentions_of("instrument_id", rid))

    def votes(self, r: dict, participation: list[dict]) -> dict | None:
        counts = [(k, r.get(f)) for k, f in (("Yes", "votes_yes"), ("No", "votes_no"), ("Abstained", "votes_abstain"))]
        listed = Counter(x["role"] for x in participation if x["role"] in VOTE_ROLES)
        if r.get("adoption") != "recorded-vote" and not any(v for _, v in counts) and not listed:
            return None
        total = sum(int(v) for _, v in counts if v) or 1
        rows = [{"name": name, "count": v, "role": role, "listed": listed.get(role, 0),
                 "width": round(100 * int(v) / total) if v else 0}
                for (name, v), role in zip(counts, ("voted-yes", "voted-no", "abstained"))]
        return {"rows": rows, "show_listed": bool(listed), "not_voting": listed.get("not-voting", 0)}

    def participation(self, r: dict, rows: list[dict]) -> dict | None:
        m = self.m
        lists = {x["role"]: x for x in m.children("participation_lists", "instrument_id", r["id"])}
        if not rows and not lists:
            return None
        by_role = defaultdict(list)
        for x in rows:
            by_role[x["role"]].append(x)
        groups = []
        for role in m.ordered(list(by_role) + list(lists), "participation", "role"):
            mine = sorted(by_role.get(role, []), key=lambda x: m.name("actors", x["actor_id"]).lower())
            status = lists.get(role)
            shown_status = None
            if status:
                bits = [LIST_STATUS.get(status.get("status"), label(status.get("status")))]
                if status.get("as_of"):
                    bits.append(f"as of {status['as_of']}")
                if status.get("count"):
                    bits.append(f"the source counts {status['count']}")
                shown_status = {"status": status.get("status"), "text": ", ".join(bits), "note": status.get("note"),
                                "source": (web_url(status.get("source_url")) or "#") if status.get("source_url") else None}
            dates = {x.get("date") for x in mine}
            shared = dates.pop() if len(dates) == 1 and len(mine) > 1 else None
            items = []
            for x in mine:
                bits = []
                if x.get("date") and not shared:
                    bits.append(x["date"])
                if x.get("note"):
                    bits.append(x["note"])
                items.append({"actor_id": x["actor_id"], "href": m.href("actors", x["actor_id"]), "name": m.name("actors", x["actor_id"]),
                              "meta": " — ".join(bits)})
            groups.append({"role": role, "count": len(mine), "status": shown_status, "shared_date": shared, "entries": items,
                           "wide": any(x.get("note") for x in mine)})
        sponsor_roles = [role for role in SPONSOR_ROLES if by_role.get(role)]
        sponsors = len({x["actor_id"] for role in sponsor_roles for x in by_role[role]}) if len(sponsor_roles) > 1 else None
        listed = len({x["actor_id"] for x in rows if x["role"] not in (ISSUER_ROLE, "declined-to-sign")})
        return {"rows": len(rows), "groups": groups, "listed": listed, "sponsors": sponsors,
                "sponsor_roles": [label(role).lower() + "s" for role in sponsor_roles]}

    def text(self, rid: str) -> dict | None:
        """The instrument's text, paragraph by paragraph: English and Chinese side by side, aligned by eid
        (see ``align``); the other languages in order below. O(the instrument's passages)."""
        rows = sorted(self.m.children("passages", "instrument_id", rid), key=seq)
        if not rows:
            return None
        by_lang: dict[str, list[dict]] = defaultdict(list)
        for x in rows:
            by_lang[x["language"]].append(x)
        languages = sorted(by_lang)
        shown = [tag for tag in SIDE_BY_SIDE if tag in by_lang] or languages[:1]
        aligned, matched = align(*(by_lang[tag] for tag in shown))
        parts = []
        for cells in aligned:
            part = next(c["part"] for c in cells if c is not None)
            if not parts or parts[-1]["part"] != part:
                parts.append({"part": part, "heading": PARTS.get(part, label(part)), "rows": []})
            parts[-1]["rows"].append({"cells": cells, "ai": any(c is not None and c["mentions_ai"] == "true" for c in cells)})

        def about(tag):
            mine = by_lang[tag]
            english, own = language_name(tag)
            files = []
            for x in mine:
                url = web_url(x.get("source_url"))
                if url and url not in (f["url"] for f in files):
                    files.append({"url": url, "name": os.path.basename(urlparse(url).path) or url})
            return {"tag": tag, "name": english, "own": own, "count": len(mine),
                    "ai": sum(1 for x in mine if x["mentions_ai"] == "true"), "files": files, "rows": mine}

        return {"columns": [about(tag) for tag in shown], "parts": parts, "matched": matched,
                "others": [about(tag) for tag in languages if tag not in shown],
                "ai": sum(1 for row in aligned if any(c is not None and c["mentions_ai"] == "true" for c in row))}

    # --- topics --------------------------------------------------------------------

    def topics_of(self, rid: str) -> list[dict]:
        """The topics an instrument is tagged with, by English label: each with its page and, where a
        paragraph of the text shows it, that paragraph's anchor on the instrument's page."""
        m = self.m
        out = []
        for tag in m.children("topic_tags", "instrument_id", rid):
            topic = m.record("topics", tag["topic"]) or {}
            out.append({"topic": tag["topic"], "href": m.href("topics", tag["topic"]), "label_en": topic.get("label_en") or label(tag["topic"]),
                        "label_zh": topic.get("label_zh"),
                        "anchor": f"p{tag['passage_seq']}" if m.keyed("passages", rid, tag.get("passage_seq")) else None})
        return sorted(out, key=lambda t: (t["label_en"].lower(), t["topic"]))

    def tag_text(self, tag: dict) -> dict:
        """What shows that an instrument deals with a topic: the paragraph of its text or the quote of its
        source that the tag names, cut into pieces with the matched words marked (an excerpt around the
        first of them where the text is long), and where it comes from."""
        m = self.m
        out = {"kind": None, "matched": tag.get("matched") or "", "lang": "und", "pieces": [], "short": None}
        passage = m.keyed("passages", tag["instrument_id"], tag.get("passage_seq")) if tag.get("passage_seq") else None
        citation = m.keyed("citations", tag.get("citation_id")) if passage is None and tag.get("citation_id") else None
        if passage is not None:
            part, number = passage.get("part") or "", (passage.get("number") or "").strip().rstrip(".")
            with_number, without = PASSAGE_WHERE.get(part, (f"{label(part).lower()} paragraph", f"a paragraph of the {label(part).lower()}"))
            english, _ = language_name(passage.get("language") or "")
            count = int(tag.get("passages") or 1)
            out.update(kind="passage", text=passage.get("text") or "", lang=passage.get("language") or "und",
                       where=f"{with_number} {number}" if number else without, language=english,
                       count=count, anchor=f"p{passage['seq']}")
        elif citation is not None:
            official = citation.get("official") == "true"
            mark = ("Official source" + (", verbatim copy" if citation.get("copy") == "true" else "")) if official else \
                "Not official" + (", verbatim copy of the official text" if citation.get("copy") == "true" else "")
            out.update(kind="quote", text=citation.get("quote") or "", lang=citation.get("language") or "und",
                       url=web_url(citation.get("url")), title=citation.get("title") or citation.get("url") or "", mark=mark)
        if out["kind"]:
            out["pieces"] = highlight(out["text"], out["matched"])
            out["short"] = excerpt(out["pieces"])
        out["found"] = any(matched for _, matched in out["pieces"])
        return out

    def topics(self) -> None:
        """The topics list, and a page per topic: its labels, definition and UNBIS term, and every
        instrument tagged with it with the paragraph or quote that shows it. O(each topic's tags)."""
        m = self.m
        topics = sorted(m.rows.get("topics", []), key=lambda t: (t["label_en"].lower(), t["topic"]))
        by_date = {r["id"]: (r.get("date") or "9999", r["title_en"], r["id"]) for r in m.rows.get("instruments", [])}
        listed = []
        for t in topics:
            tags = [tag for tag in m.children("topic_tags", "topic", t["topic"]) if tag["instrument_id"] in by_date]
            tags.sort(key=lambda tag: by_date[tag["instrument_id"]])
            entries = [{"row": m.record("instruments", tag["instrument_id"]), "href": m.href("instruments", tag["instrument_id"]),
                        "tag": tag, "text": self.tag_text(tag)} for tag in tags]
            self.page(f"topics/{t['topic']}.html", "topic.html", t["label_en"], t=t, entries=entries,
                      quotes=sum(1 for e in entries if e["text"]["kind"] == "quote"))
            listed.append({"row": t, "href": m.href("topics", t["topic"]), "count": len(entries)})
        tagged = len({tag["instrument_id"] for tag in m.rows.get("topic_tags", [])})
        self.page("topics/index.html", "topics.html", "Topics", topics=listed, tagged=tagged,
                  instruments=len(m.rows.get("instruments", [])))

    def actor(self, a: dict) -> None:
        m = self.m
        aid = a["id"]
        members = sorted(m.children("actors", "parent_id", aid), key=lambda x: x["name_en"])
        issued = {r["id"] for r in m.children("instruments", "issuer_id", aid)}
        by_role = defaultdict(list)
        for x in m.children("participation", "actor_id", aid):
            by_role[x["role"]].append(x)
        issued |= {x["instrument_id"] for x in by_role.pop(ISSUER_ROLE, [])}
        # Sponsor roles count once: an instrument shows under the strongest sponsor role the actor has
        # (lead sponsor, sponsor, co-sponsor, additional sponsor), with the others named beside it.
        sponsor_of: dict[str, list[str]] = defaultdict(list)
        for role in SPONSOR_ROLES:
            for x in by_role.get(role, []):
                sponsor_of[x["instrument_id"]].append(role)
        sections = []
        if issued:
            sections.append({"heading": "Issued", "entries": self.instrument_list(issued)})
        for role in m.ordered(by_role, "participation", "role"):
            if role in VOTE_ROLES:
                continue
            mine = [x for x in by_role[role] if role not in SPONSOR_ROLES or sponsor_of[x["instrument_id"]][0] == role]
            if not mine:
                continue
            extra = {}
            for x in mine:
                bits = [f"on {x['date']}"] if x.get("date") else []
                also = [label(r).lower() for r in sponsor_of.get(x["instrument_id"], [])[1:]] if role in SPONSOR_ROLES else []
                if also:
                    bits.append("also listed as " + " and ".join(also))
                if bits:
                    extra[x["instrument_id"]] = " — ".join(bits)
            sections.append({"heading": ACTOR_ROLE_HEADINGS.get(role, label(role)), "entries": self.instrument_list([x["instrument_id"] for x in mine], extra)})
        total = len(issued | {x["instrument_id"] for role, xs in by_role.items() if role not in VOTE_ROLES for x in xs})
        votes = [(x, role) for role in VOTE_ROLES for x in by_role.get(role, [])]
        votes.sort(key=lambda v: ((m.record("instruments", v[0]["instrument_id"]) or {}).get("date") or "", v[0]["instrument_id"]))
        votes = [{"href": m.href("instruments", x["instrument_id"]), "name": m.name("instruments", x["instrument_id"]),
                  "vote": VOTE_ROLES[role], "date": x.get("date")} for x, role in votes]
        hosted = sorted(m.children("events", "host_id", aid), key=lambda x: (x.get("start_date") or "", x["id"]))
        systems = sorted(m.children("systems", "developer_id", aid), key=lambda x: x["id"])
        self.page(f"actors/{aid}.html", "actor.html", a["name_en"], a=a,
                  facts=self.facts("actors", a, skip={"id", "kind", "name_en", "name_zh", "note"}),
                  members=members, sections=sections, total=total, votes=votes, hosted=hosted, systems=systems,
                  filter_by=aid if aid in m.issuer_filter_actors else None, jointly=self.issued_jointly(aid),
                  sources=self.sources("actors", aid), mentions=self.mentions_of("actor_id", aid))

    def issued_jointly(self, actor_id: str) -> bool:
        return any(len(self.m.issuers(x["instrument_id"])) > 1
                   for x in self.m.children("participation", "actor_id", actor_id) if x["role"] == ISSUER_ROLE)

    def event(self, ev: dict) -> None:
        adopted = [r["id"] for r in self.m.children("instruments", "event_id", ev["id"])]
        self.page(f"events/{ev['id']}.html", "event.html", ev["name_en"], ev=ev,
                  facts=self.facts("events", ev, skip={"id", "kind", "name_en", "name_zh", "note"}),
                  adopted=self.instrument_list(adopted), sources=self.sources("events", ev["id"]),
                  mentions=self.mentions_of("event_id", ev["id"]))

    def system(self, s: dict) -> None:
        self.page(f"systems/{s['id']}.html", "system.html", s["name"], s=s,
                  facts=self.facts("systems", s, skip={"id", "kind", "name", "note"}),
                  sources=self.sources("systems", s["id"]), mentions=self.mentions_of("system_id", s["id"]))

    def article(self, a: dict) -> None:
        mentions = sorted(self.m.children("mentions", "article_id", a["id"]), key=seq)
        counts = Counter(x.get("agreement") for x in mentions)
        self.page(f"articles/{a['id']}.html", "article.html", self.m.article_title(a),
                  title_lang=None if a.get("title_en") or not a.get("title") else a.get("language"), a=a,
                  facts=self.facts("articles", a, skip={"id", "title", "title_en", "note"}),
                  mentions=[self.mention(x, about=True) for x in mentions],
                  agreements=[(k, counts[k]) for k in self.m.ordered(counts, "mentions", "agreement")],
                  sources=self.sources("articles", a["id"]))

    def lists(self) -> None:
        m = self.m
        actors = m.rows["actors"]
        groups = []
        for kind in m.ordered([a["kind"] for a in actors], "actors", "kind"):
            mine = sorted((a for a in actors if a["kind"] == kind), key=lambda a: a["name_en"].lower())
            groups.append({"kind": kind, "actors": [(a, len(m.instruments_of(a["id"]))) for a in mine]})
        self.page("actors/index.html", "lists.html", "Actors", list="actors", groups=groups, count=len(actors))
        events = sorted(m.rows.get("events", []), key=lambda x: (x.get("start_date") or "0000", x["id"]), reverse=True)
        self.page("events/index.html", "lists.html", "Events", list="events", events=events)
        articles = sorted(m.rows.get("articles", []), key=lambda x: x["id"])
        self.page("articles/index.html", "lists.html", "Commentaries", list="articles",
                  articles=[(a, len(m.children("mentions", "article_id", a["id"]))) for a in articles])

    def timeline(self) -> None:
        instruments = self.m.rows["instruments"]
        kinds = self.m.enum("instruments", "kind") or sorted({r["kind"] for r in instruments})
        kinds += sorted({r["kind"] for r in instruments} - set(kinds))
        dated = sorted((r for r in instruments if r.get("date")), key=lambda r: (r["date"], r["id"]))
        dated_counts = Counter(r["kind"] for r in dated)
        undated_counts = Counter(r["kind"] for r in instruments if not r.get("date"))
        counts = [(k, dated_counts[k], undated_counts[k]) for k in kinds]
        by_year = defaultdict(list)
        for r in dated:
            by_year[r["date"][:4]].append(r["id"])
        years = [(year, self.instrument_list(by_year[year])) for year in sorted(by_year, reverse=True)]
        undated = [r["id"] for r in instruments if not r.get("date")]
        self.page("timeline.html", "timeline.html", "Timeline", total=len(instruments), dated=len(dated),
                  undated_total=len(instruments) - len(dated), counts=counts,
                  chart=charts.timeline(dated, [k for k in kinds if dated_counts[k]]),
                  years=years, undated=self.instrument_list(undated) if undated else None)

    def un_resolutions(self) -> None:
        bodies = charts.un_sessions(self.m.rows.get("instruments", []), self.m.rows.get("passages", []))
        for b in bodies:
            for s in b["sessions"]:
                s["list"] = [{"row": r, "href": self.m.href("instruments", r["id"]), "extra": label(r.get("ai_scope"))} for r in s["instruments"]]
        self.page(UN_PAGE, "un-resolutions.html", "AI in UN resolutions", bodies=bodies, chart=charts.un_chart(bodies), standalone=False,
                  scopes=charts.SCOPES)

    def about(self) -> None:
        tables = [(name, self.pkg.resource(name)["path"], len(self.m.rows[name]), t.spec.get("description", ""))
                  for name, t in self.m.tables.items()]
        self.page("about.html", "about.html", "About and downloads", tables=tables,
                  citation=release.citation_text(self.pkg, self.m.meta), releases=release.releases(self.m.root))
        for rel, data in self.pkg.files.items():
            self.files[f"datapackage/{rel}"] = data

    def build(self) -> dict[str, bytes]:
        # the feed first: the pages link to it only where there is one (it needs the site's address, x-site-url)
        feed = release.feed_file(self.pkg, self.m.root, self.m.meta)
        if feed is not None:
            self.files["feed.xml"] = feed
        self.common["feed"] = feed is not None
        self.index()
        for r in self.m.rows["instruments"]:
            self.instrument(r)
        for a in self.m.rows["actors"]:
            self.actor(a)
        for ev in self.m.rows.get("events", []):
            self.event(ev)
        for s in self.m.rows.get("systems", []):
            self.system(s)
        for a in self.m.rows.get("articles", []):
            self.article(a)
        self.lists()
        self.topics()
        self.timeline()
        self.un_resolutions()
        self.about()
        for name in sorted(os.listdir(ASSETS)):
            with open(os.path.join(ASSETS, name), "rb") as fh:
                self.files[f"assets/{name}"] = fh.read()
        self.files[".nojekyll"] = b""  # GitHub Pages: serve the files as they are
        return self.files


def align(first: list[dict], second: list[dict] | None = None) -> tuple[list[list[dict | None]], str]:
    """Two languages' paragraphs side by side, and how they were matched: "eid", "order" or "eid+order".

    A paragraph is keyed by its eid and the how-manieth time that eid occurs in its language. Where
    both languages have the same keys in the same order (nearly always), they are matched by eid.
    Some UN files number the elements of one language differently (the eids run apart after a
    heading): then paragraphs are matched in printed order when both languages have as many, and
    otherwise by the eids both share in the same order, the paragraphs between two shared eids
    paired in printed order and the rest shown beside a gap. Linear in the number of paragraphs."""
    def keyed(rows):
        seen = Counter()
        out = []
        for r in rows:
            out.append(((r["eid"], seen[r["eid"]]), r))
            seen[r["eid"]] += 1
        return out

    if second is None:
        return [[r] for r in first], "eid"
    a, b = keyed(first), keyed(second)
    if [k for k, _ in a] == [k for k, _ in b]:
        return [[x, y] for (_, x), (_, y) in zip(a, b)], "eid"
    if len(a) == len(b):
        return [[x, y] for (_, x), (_, y) in zip(a, b)], "order"
    where = {k: j for j, (k, _) in enumerate(b)}
    anchors, last = [], -1
    for i, (k, _) in enumerate(a):
        j = where.get(k)
        if j is not None and j > last:
            anchors.append((i, j))
            last = j
    out, i0, j0 = [], 0, 0
    for i, j in [*anchors, (len(a), len(b))]:
        run_a, run_b = a[i0:i], b[j0:j]
        for n in range(max(len(run_a), len(run_b))):
            out.append([run_a[n][1] if n < len(run_a) else None, run_b[n][1] if n < len(run_b) else None])
        if i < len(a):
            out.append([a[i][1], b[j][1]])
        i0, j0 = i + 1, j + 1
    return out, "eid+order"

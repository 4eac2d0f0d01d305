"""The numbers and the geometry of the site's charts; their SVG is written by templates.

- ``timeline``: every dated instrument as a dot at its date, one lane per kind (timeline.html).
- ``un_sessions``: AI in UN resolutions, per session of the General Assembly (75–80) and of the
  Human Rights Council: resolutions that mention AI by ``ai_scope``, and paragraphs that name AI
  (un-resolutions.html, and docs/un-ai-sessions.svg through ``un_sessions_svg``).

The functions take rows as dicts of text cells, so they work on the published package's rows
(an empty cell is None) and on the build's own rows (a missing cell is absent) alike.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter

# --- the timeline --------------------------------------------------------------------

def timeline(dated: list[dict], kinds: list[str]) -> dict | None:
    """Positions for the timeline of ``dated`` instruments (sorted by date), one lane per kind."""
    if not dated:
        return None
    first, last = int(dated[0]["date"][:4]), int(dated[-1]["date"][:4]) + 1
    left, right, top, lane = 190, 20, 20, 26
    width = 1000
    height = top + lane * len(kinds) + 30
    span = (dt.date(last, 1, 1) - dt.date(first, 1, 1)).days

    def x(day: str) -> float:
        return left + (width - left - right) * (dt.date.fromisoformat(day) - dt.date(first, 1, 1)).days / span

    by_kind = {k: [] for k in kinds}
    for r in dated:
        if r["kind"] in by_kind:
            by_kind[r["kind"]].append(r)
    years = [{"year": year, "x": x(f"{year}-01-01")} for year in range(first, last + 1)]
    lanes = []
    for n, kind in enumerate(kinds):
        y = top + n * lane + lane / 2
        lanes.append({"kind": kind, "y": y, "dots": [{"row": r, "x": x(r["date"])} for r in by_kind[kind]]})
    return {"width": width, "height": height, "left": left, "right": right, "top": top, "count": len(dated),
            "first": first, "last": last - 1, "years": years, "lanes": lanes}


# --- AI in UN resolutions ------------------------------------------------------------

# (issuer id, name, short name, symbol pattern whose group 1 is the session, sessions always shown);
# a resolution adopted in parts has a symbol such as A/RES/79/93 A-B.
UN_BODIES = [
    ("un-general-assembly", "General Assembly", "GA", re.compile(r"A/RES/(\d+)/\d+(?: .+)?"), range(75, 81)),
    ("un-human-rights-council", "Human Rights Council", "HRC", re.compile(r"A/HRC/RES/(\d+)/\d+(?: .+)?"), range(0)),
]
# ai_scope values, as the stack is drawn (bottom up) and the legend reads, with colours from the
# Okabe–Ito palette (colour-blind safe) and the colour of a number written on them; every segment
# also carries its number as text, and the page has the same numbers as a table.
SCOPES = [("about-ai", "About AI", "#D55E00"), ("ai-provisions", "AI provisions", "#0072B2"), ("mentions-ai", "Mentions AI", "#E69F00")]
PHRASES = {"about-ai": "about AI", "ai-provisions": "with AI provisions", "mentions-ai": "only mentioning AI"}
INK = {"#D55E00": "#000000", "#0072B2": "#ffffff", "#E69F00": "#000000"}
PARAGRAPH_COLOUR = "#009E73"
UN_CHART_TITLE = "AI in UN resolutions, by session"


def _true(value) -> bool:
    return value is True or value == "true"


def un_sessions(instruments: list[dict], passages: list[dict]) -> list[dict]:
    """Per UN body, per session: the resolutions that mention AI (instruments of kind resolution whose
    issuer_id is the body; session from the symbol), counted by ai_scope, and the paragraphs of their
    English text that name AI (passages.mentions_ai; a resolution whose English text is not recorded
    counts as "untexted"). One pass over each table."""
    paragraphs = Counter(p["instrument_id"] for p in passages if p.get("language") == "en" and _true(p.get("mentions_ai")))
    english = {p["instrument_id"] for p in passages if p.get("language") == "en"}
    bodies = []
    for actor, name, short, pattern, always in UN_BODIES:
        sessions: dict[int, dict] = {}
        unplaced = []
        for r in instruments:
            if r.get("issuer_id") != actor or r.get("kind") != "resolution":
                continue
            match = pattern.fullmatch(r.get("symbol") or "")
            if not match:
                unplaced.append(r)
                continue
            number = int(match.group(1))
            s = sessions.setdefault(number, {"scopes": Counter(), "paragraphs": 0, "instruments": [], "untexted": 0})
            s["scopes"][r.get("ai_scope")] += 1
            s["paragraphs"] += paragraphs[r["id"]]
            s["untexted"] += r["id"] not in english
            s["instruments"].append(r)
        numbers = set(sessions) | set(always)
        if sessions:
            numbers |= set(range(min(sessions), max(sessions) + 1))  # a session without any shows as 0
        rows = []
        for number in sorted(numbers):
            s = sessions.get(number, {"scopes": Counter(), "paragraphs": 0, "instruments": [], "untexted": 0})
            rows.append({"number": number, "label": f"{short} {number}", "id": f"{short.lower()}-{number}",
                         "total": sum(s["scopes"].values()), "scopes": [s["scopes"][k] for k, _, _ in SCOPES],
                         "paragraphs": s["paragraphs"], "untexted": s["untexted"],
                         "instruments": sorted(s["instruments"], key=lambda r: _symbol_key(r["symbol"]))})
        if rows:
            bodies.append({"actor": actor, "name": name, "short": short, "sessions": rows, "unplaced": unplaced,
                           "untexted": sum(s["untexted"] for s in rows),
                           "first": rows[0]["number"], "last": rows[-1]["number"]})
    return bodies


def _symbol_key(symbol: str) -> tuple:
    return tuple(int(n) if n.isdigit() else n for n in re.split(r"(\d+)", symbol))


def _ticks(top: int) -> tuple[int, list[int]]:
    """A round axis maximum at or above ``top`` and its ticks (at most six)."""
    if top <= 0:
        return 1, [0, 1]
    for step in (10 ** e * m for e in range(0, 8) for m in (1, 2, 5)):
        if math.ceil(top / step) <= 5:
            high = step * math.ceil(top / step)
            return high, list(range(0, high + 1, step))
    return top, [0, top]


def un_chart(bodies: list[dict]) -> dict | None:
    """The geometry of the UN chart: stacked bars of resolutions by ai_scope above, bars of AI
    paragraphs below, one slot per session, the bodies side by side."""
    slots = [(b, s) for b in bodies for s in b["sessions"]]
    if not slots:
        return None
    width, left, right = 1000, 60, 20
    legend_y = 44
    top1, height1 = 96, 200  # resolutions panel
    top2, height2 = top1 + height1 + 74, 120  # paragraphs panel
    height = top2 + height2 + 64
    gap = 1  # empty slots between two bodies
    n = len(slots) + gap * (len(bodies) - 1)
    slot = (width - left - right) / n
    bar = slot * 0.62
    high1, ticks1 = _ticks(max(s["total"] for _, s in slots))
    high2, ticks2 = _ticks(max(s["paragraphs"] for _, s in slots))
    y1 = lambda v: top1 + height1 - height1 * v / high1  # noqa: E731
    y2 = lambda v: top2 + height2 - height2 * v / high2  # noqa: E731
    bars, groups, position = [], [], 0
    for b in bodies:
        start = position
        for s in b["sessions"]:
            cx = left + slot * (position + 0.5)
            segments, base = [], 0
            for (scope, scope_label, colour), count in zip(SCOPES, s["scopes"]):
                if count:
                    segments.append({"scope": scope, "label": scope_label, "colour": colour, "ink": INK[colour], "count": count,
                                     "y": y1(base + count), "height": y1(base) - y1(base + count),
                                     "text_y": (y1(base + count) + y1(base)) / 2 + 4})
                base += count
            bars.append({"body": b, "session": s, "x": cx - bar / 2, "cx": cx, "width": bar, "segments": segments,
                         "total_y": y1(s["total"]) - 5, "para_y": y2(s["paragraphs"]),
                         "para_height": y2(0) - y2(s["paragraphs"]), "para_text_y": y2(s["paragraphs"]) - 5})
            position += 1
        groups.append({"body": b, "cx": left + slot * (start + position) / 2, "x1": left + slot * start + 4, "x2": left + slot * position - 4})
        position += gap
    legend, lx = [], left
    for scope, scope_label, colour in SCOPES:
        legend.append({"scope": scope, "label": scope_label, "phrase": PHRASES.get(scope, scope_label), "colour": colour, "x": lx})
        lx += 30 + 8 * len(scope_label) + 40
    return {"width": width, "height": height, "left": left, "right": right, "legend_y": legend_y, "legend": legend,
            "top1": top1, "height1": height1, "top2": top2, "height2": height2, "bars": bars, "groups": groups,
            "ticks1": [{"value": v, "y": y1(v)} for v in ticks1], "ticks2": [{"value": v, "y": y2(v)} for v in ticks2],
            "axis_y": top2 + height2, "title": UN_CHART_TITLE, "paragraph_colour": PARAGRAPH_COLOUR,
            "resolutions": sum(s["total"] for _, s in slots), "paragraphs": sum(s["paragraphs"] for _, s in slots)}


def un_sessions_svg(rows: dict) -> str:
    """docs/un-ai-sessions.svg: the same chart as the site's, standalone (from the build's rows)."""
    from .templating import environment

    chart = un_chart(un_sessions(rows.get("instruments", []), rows.get("passages", [])))
    return environment().get_template("un-ai-sessions.svg").render(chart=chart, standalone=True)

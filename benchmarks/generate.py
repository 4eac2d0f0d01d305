#!/usr/bin/env python3
"""Write synthetic sources shaped like the real data, for benchmarks.

    python benchmarks/generate.py OUT_DIR --rows 100000

About --rows output rows in all tables: instruments with signatory lists of
up to 193 states (like a recorded General Assembly vote), citations, relations,
a few figures; actors (all ISO states plus organisations); events; articles
with mentions. Deterministic for a given size.
"""

import argparse
import os
import random

import pycountry

STATES = sorted(c.alpha_3.lower() for c in pycountry.countries)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def generate(out: str, rows: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    total = 0
    for code in STATES:
        write(f"{out}/actors/{code}.yaml", f"id: {code}\nkind: state\nname_en: State {code.upper()}\niso3: '{code.upper()}'\n")
        total += 1
    orgs = [f"org-{n}" for n in range(50)]
    for org in orgs:
        write(f"{out}/actors/{org}.yaml", f"id: {org}\nkind: intergovernmental-organisation\nname_en: Organisation {org}\n"
              f"name_zh: 组织{org[4:]}\nname_zh_official: false\nurl: https://example.org/{org}\n"
              "sources:\n  - url: https://example.org/about\n    title: About\n    accessed: '2026-11-22'\n    official: true\n    language: en\n")
        total += 2
    events = [f"event-{n}" for n in range(100)]
    for event in events:
        write(f"{out}/events/{event}.yaml", f"id: {event}\nkind: summit\nname_en: Summit {event}\nstart_date: '2024-05-21'\n"
              f"end_date: '2024-05-22'\ncity: Seoul\ncountry: 'KOR'\nhost_id: kor\n")
        total += 1
    n = 0
    instruments = []
    while total < rows * 0.97:
        iid = f"instrument-{n}"
        instruments.append(iid)
        signers = rng.sample(STATES, rng.randint(10, 193))
        year = 2015 + n % 11
        text = (f"id: {iid}\nkind: resolution\ntitle_en: Resolution number {n} on artificial intelligence and sustainable development\n"
                f"title_zh: 关于人工智能的第{n}号决议\ntitle_zh_official: true\ndate: '{year}-03-21'\ndate_type: adopted\n"
                f"symbol: A/RES/{n}\nissuer_id: {rng.choice(orgs)}\nevent_id: {rng.choice(events)}\nbinding: false\n"
                "adoption: without-vote\nsummary: >-\n  A synthetic resolution used to measure the build; it has a summary of\n"
                "  about the length of the real ones, folded over two lines.\n"
                "participation:\n  - role: signatory\n    date: '2024-03-21'\n    source_url: https://example.org/doc\n"
                f"    actor_ids: [{', '.join(signers)}]\n")
        total += 1 + len(signers)
        if n:
            text += f"relations:\n  - relation: builds-on\n    target_id: instrument-{rng.randrange(n)}\n"
            total += 1
        text += ("sources:\n  - url: https://example.org/doc\n    title: Official record\n    publisher: Example\n"
                 "    accessed: '2026-11-22'\n    official: true\n    language: en\n"
                 "  - url: https://example.org/press\n    title: Press release\n    accessed: '2026-11-22'\n    official: false\n    language: en\n")
        total += 2
        write(f"{out}/instruments/{iid}.yaml", text)
        n += 1
    a = 0
    while total < rows:
        mentions = "".join(
            f"  - instrument_id: {rng.choice(instruments)}\n    quote: 文章中的一句话。\n    claim: The article says something.\n    agreement: agrees\n"
            for _ in range(20))
        write(f"{out}/articles/article-{a}.yaml", f"id: article-{a}\ntitle: 文章{a}\nlanguage: zh\nmentions:\n{mentions}")
        total += 21
        a += 1
    return total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    print(generate(args.out, args.rows), "rows")

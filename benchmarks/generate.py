#!/usr/bin/env python3
"""Write synthetic sources shaped like the real data, for benchmarks.

    python benchmarks/generate.py OUT_DIR --rows 100000

About --rows output rows in all tables, evidence rows included (the count is
exact: ``tests/test_benchmark_sources.py`` checks it against what the build
reports). The shape follows the real data after the UN import (#11) and the
provenance rules (#12), see sources/instruments/unga-res-78-241.yaml and
sources/actors/united-nations.yaml:

- General Assembly resolutions (two in three adopted by recorded vote):
  voted-yes / voted-no / abstained / not-voting groups covering the 193 member
  states, lead-sponsor, sponsor and additional-sponsor groups, a ``lists:``
  entry per role with its count, six-language ``titles:``, ``unbis_subjects:``,
  and ~11 sources: UN press releases, secondary news, the UN data extract
  (``supports:`` the symbol, date, tallies...) and six verbatim copies of the
  official text (``copy: true``, ``copy_of:`` undocs.org) on a registered
  path prefix (github.com/UNxml), each pinned to a ``snapshot:`` file listed in
  the committed snapshots/unxml-garesolutions.tsv manifest;
- their text as ``passages:`` (see sources/instruments/unga-res-75-176.yaml):
  40-200 paragraphs (preamble, operative part, an annex in one resolution of
  four) in English and Chinese, in all six languages for one resolution of
  three, ~340 characters each, each citing its language's file among the
  record's sources; about half the rows of a 100k package are passages, as in
  the real data, and the topic tags the build derives from them are counted;
- declarations endorsed by 10-80 states, with a figure and a complete list;
- actors: all ISO 3166 states (a quarter with ``official_hosts:``), the UN
  (publisher of un.org, undocs.org, github.com/UNxml), organisations that
  publish on their own registered hosts; events; a few systems;
- articles with 20 mentions each.

Every filled fact field is supported by a source, official: true is only used
on registered hosts, notes are under 1,000 characters, so the sources build
with zero problems. Deterministic for a given size.
"""

import argparse
import os
import random
import sys
import textwrap

import pycountry

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from aigov import topics  # noqa: E402  (the build's tagger: how many topic_tags rows the passages give)

STATES = sorted(c.alpha_3.lower() for c in pycountry.countries)
MEMBERS = STATES[:193]  # the voting membership: 193 states, like the General Assembly
LANGUAGES = ["ar", "en", "es", "fr", "ru", "zh"]
LANGUAGE_NAMES = {"ar": "Arabic", "en": "English", "es": "Spanish", "fr": "French", "ru": "Russian", "zh": "Chinese"}
TITLES = {
    "ar": "الذكاء الاصطناعي والتنمية المستدامة رقم {n}",
    "en": "Artificial intelligence and sustainable development number {n}",
    "es": "Inteligencia artificial y desarrollo sostenible número {n}",
    "fr": "Intelligence artificielle et développement durable numéro {n}",
    "ru": "Искусственный интеллект и устойчивое развитие номер {n}",
    "zh": "人工智能与可持续发展第{n}号",
}
SUBJECTS = ["ARTIFICIAL INTELLIGENCE", "SUSTAINABLE DEVELOPMENT", "INFORMATION TECHNOLOGY", "CONVENTIONAL WEAPONS",
            "HUMAN RIGHTS", "CAPACITY BUILDING", "DIGITAL DIVIDE", "INTERNATIONAL COOPERATION"]
UN_COPY = "https://github.com/UNxml/GAresolutions/blob/42a69b67bb92d23969fc45bba151320b82eb8e52"
UN_PUBLISHER = "'United Nations, Department for General Assembly and Conference Management (UNxml/GAresolutions)'"
def folded(text):
    """A long text as a '>-' block, folded at 100 characters like the canonical writer."""
    return ">-\n" + textwrap.indent(textwrap.fill(text, 98), "  ") + "\n"


# Paragraphs of a resolution's text, assembled from parallel phrases in the six languages (the
# same choices in every language, like the UN's translations, under the same element ids). The
# English and Chinese phrases carry the words the topic rules look for (crosswalks/topic-rules.json),
# so the passages give topic tags the way real resolutions do.
PREAMBLE = {
    "en": ["Recalling", "Recognizing", "Noting with concern", "Reaffirming", "Stressing", "Acknowledging", "Welcoming",
           "Bearing in mind"],
    "zh": ["回顾", "确认", "关切地注意到", "重申", "强调", "承认", "欢迎", "铭记"],
    "fr": ["Rappelant", "Considérant", "Notant avec préoccupation", "Réaffirmant", "Soulignant", "Constatant"],
    "es": ["Recordando", "Reconociendo", "Observando con preocupación", "Reafirmando", "Destacando", "Reconociendo también"],
    "ru": ["ссылаясь на", "признавая", "с озабоченностью отмечая", "вновь подтверждая", "подчеркивая", "отмечая"],
    "ar": ["إذ تشير إلى", "وإذ تسلم", "وإذ تلاحظ مع القلق", "وإذ تؤكد من جديد", "وإذ تشدد على", "وإذ تقر"],
}
OPERATIVE = {
    "en": ["Encourages Member States to promote", "Requests the Secretary-General to report on", "Calls upon all States to address",
           "Decides to continue its consideration of", "Invites the relevant United Nations entities to support",
           "Emphasizes the importance of", "Urges all stakeholders to strengthen"],
    "zh": ["鼓励会员国促进", "请秘书长报告", "吁请所有国家处理", "决定继续审议", "请联合国相关实体支持", "强调", "敦促所有利益攸关方加强"],
    "fr": ["Encourage les États Membres à promouvoir", "Prie le Secrétaire général de rendre compte de",
           "Demande à tous les États de traiter", "Décide de poursuivre l'examen de", "Souligne l'importance de"],
    "es": ["Alienta a los Estados Miembros a promover", "Solicita al Secretario General que informe sobre",
           "Exhorta a todos los Estados a abordar", "Decide seguir examinando", "Destaca la importancia de"],
    "ru": ["призывает государства-члены содействовать", "просит Генерального секретаря представить доклад о",
           "призывает все государства рассмотреть", "постановляет продолжить рассмотрение", "подчеркивает важность"],
    "ar": ["تشجع الدول الأعضاء على تعزيز", "تطلب إلى الأمين العام أن يقدم تقريرا عن", "تهيب بجميع الدول أن تعالج",
           "تقرر مواصلة النظر في", "تشدد على أهمية"],
}
SUBJECTS_TEXT = {
    "en": ["safe, secure and trustworthy artificial intelligence systems", "the digital divide between and within countries",
           "the use of artificial intelligence in the military domain", "human rights and fundamental freedoms",
           "the 2030 Agenda for Sustainable Development", "the protection of personal data and privacy",
           "capacity-building for developing countries", "decent work and the world of work",
           "information integrity and the spread of disinformation", "the health of women and girls",
           "education and digital skills", "international standards and interoperability",
           "the environmental impact and energy consumption of data centres", "children and young people",
           "intellectual property and copyright", "open-source software and open data",
           "international cooperation", "the Charter of the United Nations", "the work of the relevant United Nations entities",
           "regional and subregional organizations", "the resources of the Organization", "the mandate of the Office"],
    "zh": ["安全、可靠和值得信赖的人工智能系统", "各国之间和各国内部的数字鸿沟", "人工智能在军事领域的使用", "人权和基本自由",
           "2030年可持续发展议程", "个人数据和隐私的保护", "发展中国家的能力建设", "体面工作和工作世界", "信息完整性和虚假信息的传播",
           "妇女和女童的健康", "教育和数字技能", "国际标准和互操作性", "数据中心的环境影响和能源消耗", "儿童和青年", "知识产权和版权",
           "开源软件和开放数据", "国际合作", "联合国宪章", "联合国相关实体的工作", "区域和次区域组织", "本组织的资源", "该办公室的任务"],
    "fr": ["des systèmes d'intelligence artificielle sûrs, sécurisés et dignes de confiance", "la fracture numérique",
           "les droits humains et les libertés fondamentales", "le Programme de développement durable à l'horizon 2030",
           "la coopération internationale", "la Charte des Nations Unies", "le renforcement des capacités"],
    "es": ["sistemas de inteligencia artificial seguros y fiables", "la brecha digital", "los derechos humanos y las libertades fundamentales",
           "la Agenda 2030 para el Desarrollo Sostenible", "la cooperación internacional", "la Carta de las Naciones Unidas",
           "la creación de capacidad"],
    "ru": ["безопасные, защищенные и надежные системы искусственный интеллект", "цифровой разрыв", "права человека и основные свободы",
           "Повестка дня в области устойчивого развития на период до 2030 года", "международное сотрудничество",
           "Устав Организации Объединенных Наций", "наращивание потенциала"],
    "ar": ["نظم الذكاء الاصطناعي المأمونة والموثوقة", "الفجوة الرقمية", "حقوق الإنسان والحريات الأساسية",
           "خطة التنمية المستدامة لعام 2030", "التعاون الدولي", "ميثاق الأمم المتحدة", "بناء القدرات"],
}
TAILS = {
    "en": ["in accordance with international law", "and stresses the importance of continued dialogue in this regard",
           "within existing resources", "taking into account national circumstances and priorities",
           "with the full and effective participation of all stakeholders"],
    "zh": ["符合国际法", "并强调在这方面继续对话的重要性", "在现有资源范围内", "同时考虑到各国的国情和优先事项", "让所有利益攸关方充分有效参与"],
    "fr": ["conformément au droit international", "dans la limite des ressources existantes"],
    "es": ["de conformidad con el derecho internacional", "con cargo a los recursos existentes"],
    "ru": ["в соответствии с международным правом", "в рамках имеющихся ресурсов"],
    "ar": ["وفقا للقانون الدولي", "في حدود الموارد المتاحة"],
}
AI_WORDS = {"en": "artificial intelligence", "zh": "人工智能", "fr": "intelligence artificielle", "es": "inteligencia artificial",
            "ru": "искусственный интеллект", "ar": "الذكاء الاصطناعي"}


def paragraph(lang, part, choice):
    """One paragraph's text in ``lang`` from the choices (opening, subjects, tail) made once for all languages."""
    opening, subjects, tail = choice
    openings = PREAMBLE[lang] if part == "preamble" else OPERATIVE[lang]
    pool = SUBJECTS_TEXT[lang]
    named = [pool[i % len(pool)] for i in subjects]
    sep, last = ("、", "和") if lang == "zh" else (", ", " and ") if lang == "en" else (", ", ", ")
    listed = sep.join(named[:-1]) + last + named[-1] if len(named) > 1 else named[0]
    ending = TAILS[lang][tail % len(TAILS[lang])]
    if lang == "zh":
        return f"{openings[opening % len(openings)]}{listed}，{ending}{'，' if part == 'preamble' else '。'}"
    return f"{openings[opening % len(openings)]} {listed}, {ending}{',' if part == 'preamble' else ';'}"


def passages(n, session, rng):
    """The passages of a resolution: its paragraphs in English and Chinese (in one resolution of three,
    in all six languages), preamble, operative part and sometimes an annex, each language's file as
    source_url. Returns (YAML text, number of passages, number of topic tags they give)."""
    langs = LANGUAGES if n % 3 == 1 else ["en", "zh"]
    count = rng.randint(40, 200)
    preamble = count * 2 // 5
    annex = count // 4 if n % 4 == 0 else 0
    layout = []  # (eid, part, number)
    for i in range(count):
        if i < preamble:
            layout.append((f"container_{i + 1}", "preamble", None))
        elif i < count - annex:
            layout.append((f"para_{i - preamble + 1}", "operative", f"{i - preamble + 1}."))
        else:
            k = i - (count - annex)
            layout.append((f"annex_1__para_{k + 1}", "annex", None if k == 0 else f"({chr(97 + (k - 1) % 26)})"))
    choices = [(rng.randrange(8), rng.sample(range(22), rng.randint(2, 11)), rng.randrange(5)) for _ in layout]
    text, tags = "passages:\n", set()
    for lang in langs:
        url = f"{UN_COPY}/{session}session/{LANGUAGE_NAMES[lang]}/A_RES_{session}_{n}-{lang.upper()}.xml"
        for (eid, part, number), choice in zip(layout, choices):
            body = paragraph(lang, part, choice) if (eid, part) != ("annex_1__para_1", "annex") else {
                "en": "Annex", "zh": "附件", "fr": "Annexe", "es": "Anexo", "ru": "Приложение", "ar": "المرفق"}[lang]
            text += f"  - language: {lang}\n    eid: {eid}\n    part: {part}\n"
            if number:
                text += f"    number: '{number}'\n"
            text += (f"    text: >-\n{textwrap.indent(textwrap.fill(body, 94, break_long_words=False, break_on_hyphens=False), '      ')}\n"
                     f"    mentions_ai: {'true' if AI_WORDS[lang] in body else 'false'}\n    source_url: >-\n      {url}\n")
            if lang in topics.LANGUAGES:  # a resolution is about AI, so every paragraph of its text is tagged
                tags.update(topics.tags_of_text(body, lang))
    return text, count * len(langs), len(tags)


RESOLUTION_NOTE = (
    "Symbol, date, meeting record, vote lists and sponsors are the UN's own (data extract; see sources). The "
    "lead sponsor is named by a UN press release; the UN's data file does not distinguish a lead sponsor. The "
    "co-sponsor count equals the sponsors plus the additional sponsors.")
STATE_NOTE = ("Names from the ISO 3166-1 code list (via pycountry); the Chinese name is that project's translation, "
              "not an official name.")


def snapshot_keys():
    """Files of the committed UNxml manifest: (data extracts, {language: resolution texts})."""
    extracts, texts = [], {lang: [] for lang in LANGUAGES}
    with open(os.path.join(os.path.dirname(HERE), "snapshots", "unxml-garesolutions.tsv"), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            path = "unxml-garesolutions/" + line.rstrip("\n").split("\t")[1]
            if "/data_extract/" in path:
                extracts.append(path)
            for lang, name in LANGUAGE_NAMES.items():
                if f"/{name}/" in path:
                    texts[lang].append(path)
    return extracts, texts


def wrap(items, indent="        ", width=100):
    """A flow sequence folded over lines, as the canonical writer prints long lists."""
    lines, line = [], "["
    for i, item in enumerate(items):
        piece = item + ("]" if i == len(items) - 1 else ",")
        if len(line) + len(piece) + 1 > width and line != "[":
            lines.append(line)
            line = indent + piece
        else:
            line = line + ("" if line == "[" or line == indent else " ") + piece
    lines.append(line)
    return "\n".join(lines)


def write(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


class Writer:
    def __init__(self, out):
        self.out = out
        self.total = 0  # output rows, all tables (evidence included)
        for table in ("actors", "events", "instruments", "systems", "articles"):
            os.makedirs(os.path.join(out, table), exist_ok=True)

    def file(self, table, record_id, text, rows):
        write(os.path.join(self.out, table, f"{record_id}.yaml"), text)
        self.total += rows


def source(url, title, publisher=None, official=False, language="en", supports=(), copy_of=None, snapshot=None, published=None):
    text = f"  - url: {url}\n    title: {title}\n"
    if publisher:
        text += f"    publisher: {publisher}\n"
    if published:
        text += f"    published: '{published}'\n"
    text += f"    accessed: '2026-11-22'\n    official: {'true' if official else 'false'}\n"
    if copy_of:
        text += f"    copy: true\n    copy_of: {copy_of}\n"
    if snapshot:
        text += f"    snapshot: {snapshot}\n"
    text += f"    language: {language}\n"
    if supports:
        text += f"    supports: [{', '.join(supports)}]\n"
    return text


def actors(w, orgs):
    for i, code in enumerate(STATES):
        text = (f"id: {code}\nkind: state\nname_en: State {code.upper()}\nname_zh: 国家{code.upper()}\nname_zh_official: false\n"
                f"iso3: {code.upper()}\nnote: {folded(STATE_NOTE)}")
        rows = 1
        if i % 4 == 0:
            text += f"official_hosts:\n  - {code}.gov.example\n"
            rows += 1
        w.file("actors", code, text, rows)
    w.file("actors", "united-nations",
           "id: united-nations\nkind: intergovernmental-organisation\nname_en: United Nations\nname_zh: 联合国\nname_zh_official: true\n"
           "short_name: UN\nurl: 'https://www.un.org'\nofficial_hosts:\n  - github.com/UNxml\n  - un.org\n  - undocs.org\n"
           "sources:\n" + source("'https://www.un.org'", "United Nations", "United Nations", True, supports=["name_zh"]),
           1 + 3 + 1 + 2)  # row, publishers, citation, evidence (name_zh, url)
    w.file("actors", "un-general-assembly",
           "id: un-general-assembly\nkind: un-body\nname_en: United Nations General Assembly\nname_zh: 联合国大会\n"
           "name_zh_official: false\nshort_name: UNGA\nparent_id: united-nations\n"
           "sources:\n" + source("'https://press.un.org/en/2024/ga12588.doc.htm'", "General Assembly Adopts Landmark Resolution (GA/12588)",
                                 "'United Nations, Meetings Coverage and Press Releases'", True, published="2024-03-21"),
           1 + 1)
    for org in orgs:
        url = f"https://{org}.example.org"
        w.file("actors", org,
               f"id: {org}\nkind: intergovernmental-organisation\nname_en: Organisation {org}\nname_zh: 组织{org[4:]}\n"
               f"name_zh_official: false\nurl: '{url}'\nnote: >-\n  A synthetic organisation that publishes on its own registered host.\n"
               f"official_hosts:\n  - {org}.example.org\nsources:\n" + source(f"'{url}'", f"About {org}", f"Organisation {org}", True),
               1 + 1 + 1 + 1)  # row, publisher, citation, url evidence


def events(w, sessions, summits, orgs, rng):
    for s in sessions:
        w.file("events", f"unga-{s}",
               f"id: unga-{s}\nkind: un-session\nname_en: Session {s} of the United Nations General Assembly\nname_zh: 第{s}届联合国大会\n"
               f"name_zh_official: true\nstart_date: '{1945 + s}-09-10'\ncity: New York\ncountry: USA\n"
               "sources:\n" + source(f"'https://press.un.org/en/{1945 + s}/ga{12000 + s}.doc.htm'", f"General Assembly opens session {s}",
                                     "'United Nations, Meetings Coverage and Press Releases'", True, supports=["start_date", "name_zh"]),
               1 + 1 + 2)
    for e in summits:
        org = rng.choice(orgs)
        url = f"https://{org}.example.org/events/{e}"
        w.file("events", e,
               f"id: {e}\nkind: summit\nname_en: Summit {e}\nstart_date: '2024-05-21'\nend_date: '2024-05-22'\ncity: Seoul\n"
               f"country: KOR\nhost_id: kor\nurl: '{url}'\nsources:\n"
               + source(f"'{url}'", f"Summit {e}", f"Organisation {org}", True, supports=["start_date", "end_date"]),
               1 + 1 + 3)  # row, citation, evidence (start_date, end_date, url)


def resolution(w, n, session, recorded, earlier, extracts, texts, rng):
    """A General Assembly resolution as the UN importer writes it."""
    iid = f"unga-res-{session}-{n}"
    year = 1945 + session + 1
    date = f"{year}-03-{1 + n % 28:02d}"
    symbol = f"A/RES/{session}/{n}"
    extract_url = f"{UN_COPY}/data_extract/{session}.json#L{n}"
    press_en = f"https://press.un.org/en/{year}/ga{n}.doc.htm"
    press_fr = f"https://press.un.org/fr/{year}/ag{n}.doc.htm"
    official_text = f"https://undocs.org/{symbol}"
    sponsors = rng.sample(MEMBERS, rng.randint(15, 60))
    others = [m for m in MEMBERS if m not in set(sponsors)]
    additional = rng.sample(others, rng.randint(5, 40))
    groups = [("lead-sponsor", [sponsors[0]], press_fr), ("sponsor", sorted(sponsors), extract_url),
              ("additional-sponsor", sorted(additional), extract_url)]
    facts = ["symbol", "date", "meeting_record", "draft_symbol", "issuer_id", "adoption"]
    text = (f"id: {iid}\nkind: resolution\ntitle_en: {TITLES['en'].format(n=n)}\ntitle_zh: {TITLES['zh'].format(n=n)}\n"
            f"title_zh_official: true\ndate: '{date}'\ndate_type: adopted\nsymbol: {symbol}\n"
            f"meeting_record: A/{session}/PV.{n % 90 + 1}\ndraft_symbol: 'A/{session}/L.{n}, para. {n % 40 + 1}'\n"
            f"issuer_id: un-general-assembly\nevent_id: unga-{session}\nbinding: false\nfamily: un-system\nai_scope: about-ai\n")
    if recorded:
        shuffled = rng.sample(MEMBERS, len(MEMBERS))
        no, abstain, absent = rng.randint(1, 10), rng.randint(5, 30), rng.randint(5, 25)
        votes = {"voted-no": shuffled[:no], "abstained": shuffled[no:no + abstain],
                 "not-voting": shuffled[no + abstain:no + abstain + absent], "voted-yes": shuffled[no + abstain + absent:]}
        text += (f"adoption: recorded-vote\nvotes_yes: '{len(votes['voted-yes'])}'\nvotes_no: '{no}'\nvotes_abstain: '{abstain}'\n")
        facts += ["votes_yes", "votes_no", "votes_abstain"]
        groups += [(role, sorted(votes[role]), extract_url) for role in ("voted-yes", "voted-no", "abstained", "not-voting")]
    else:
        text += "adoption: without-vote\n"
    facts.append("cosponsor_count")
    text += (f"cosponsor_count: '{len(sponsors) + len(additional)}'\n"
             "summary: >-\n  A synthetic General Assembly resolution used to measure the build. Its summary is about as long as\n"
             "  the real ones: what the Assembly recognises, encourages and requests, folded over three lines of\n"
             "  text in the canonical style.\n"
             f"note: {folded(RESOLUTION_NOTE)}")
    rows = 1
    text += "titles:\n"
    for lang in LANGUAGES:
        text += (f"  - language: {lang}\n    title: {TITLES[lang].format(n=n)}\n    official: true\n"
                 f"    source_url: >-\n      {UN_COPY}/{session}session/{LANGUAGE_NAMES[lang]}/A_RES_{session}_{n}-{lang.upper()}.xml\n")
    rows += 6
    subjects = rng.sample(SUBJECTS, rng.randint(1, 4))
    text += "unbis_subjects:\n" + "".join(f"  - {s}\n" for s in subjects)
    rows += len(subjects)
    body, count, tags = passages(n, session, rng)
    text += body
    rows += count + tags  # passages, and the topic_tags rows the build derives from them
    text += "participation:\n"
    for role, ids, url in groups:
        text += f"  - actor_ids: {wrap(ids)}\n    role: {role}\n"
        if role.startswith(("voted", "abst", "not-")):
            text += f"    date: '{date}'\n"
        text += f"    source_url: >-\n      {url}\n"
        if role == "not-voting":
            text += ("    note: >-\n      Derived, not stated by the UN: a Member State on the adoption date that is in none of the\n"
                     "      three recorded-vote lists.\n")
        rows += len(ids)
    rows += 1  # the issuer row the build derives from issuer_id
    text += "lists:\n"
    for role, ids, url in groups:
        text += f"  - role: {role}\n    status: complete\n    as_of: '{date}'\n"
        if role != "lead-sponsor":
            text += f"    count: '{len(ids)}'\n"
        text += f"    source_url: >-\n      {url}\n"
    rows += len(groups)
    if earlier:
        text += f"relations:\n  - relation: builds-on\n    target_id: {rng.choice(earlier)}\n"
        rows += 1
    cits = [source(f"'{press_en}'", f"General Assembly adopts resolution {symbol} (GA/{n})",
                   "'United Nations, Meetings Coverage and Press Releases'", True),
            source(f"'{press_fr}'", f"L'Assemblée générale adopte la résolution {symbol} (AG/{n})",
                   "'Nations Unies, Couverture des réunions et communiqués de presse'", True, language="fr"),
            source(f"'https://news{n % 7}.example.com/{year}/un-ai-{n}'", f"UN adopts resolution {n} on AI", f"News {n % 7}",
                   published=date),
            source(f"'https://blog{n % 5}.example.net/posts/{n}'", f"What resolution {n} means", f"Blog {n % 5}"),
            source(f">-\n      {extract_url}", f"'data_extract/{session}.json, line {n}: {symbol}'", UN_PUBLISHER, True,
                   supports=facts, snapshot=extracts[n % len(extracts)])]
    for lang in LANGUAGES:
        url = f"{UN_COPY}/{session}session/{LANGUAGE_NAMES[lang]}/A_RES_{session}_{n}-{lang.upper()}.xml"
        supports = ["title_en"] if lang == "en" else ["title_zh"] if lang == "zh" else []
        cits.append(source(f">-\n      {url}", f"'{symbol} ({lang}): {TITLES[lang].format(n=n)}'", UN_PUBLISHER, False, lang,
                           supports, f"'{official_text}'", texts[lang][n % len(texts[lang])]))
    text += "sources:\n" + "".join(cits)
    rows += len(cits)
    # evidence: one row per supported fact, per participation role (the derived issuer row
    # cites the extract that supports issuer_id), per title and per list
    rows += len(facts) + 2 + len(groups) + 1 + len(LANGUAGES) + len(groups)
    w.file("instruments", iid, text, rows)
    return iid


def declaration(w, n, org, event, earlier, rng):
    iid = f"declaration-{n}"
    url = f"https://{org}.example.org/declarations/{n}"
    signers = sorted(rng.sample(STATES, rng.randint(10, 80)))
    date = f"{2015 + n % 11}-06-{1 + n % 28:02d}"
    text = (f"id: {iid}\nkind: declaration\ntitle_en: Declaration {n} on the governance of artificial intelligence\n"
            f"title_zh: 关于人工智能治理的第{n}号宣言\ntitle_zh_official: false\ndate: '{date}'\ndate_type: adopted\n"
            f"issuer_id: {org}\nevent_id: {event}\nurl: '{url}'\nbinding: false\nfamily: regional\nai_scope: about-ai\n"
            "note: >-\n  The Chinese title is our translation. The endorsers are the states listed on the official page.\n"
            f"participation:\n  - actor_ids: {wrap(signers)}\n    role: endorser\n    date: '{date}'\n    source_url: '{url}'\n"
            f"lists:\n  - role: endorser\n    status: complete\n    as_of: '{date}'\n    count: '{len(signers)}'\n    source_url: '{url}'\n"
            f"figures:\n  - measure: Endorsing states\n    value: '{len(signers)}'\n    unit: states\n    source_url: '{url}'\n")
    rows = 1 + len(signers) + 1 + 1 + 1  # row, endorsers, derived issuer row, list, figure
    if earlier:
        text += f"relations:\n  - relation: references\n    target_id: {rng.choice(earlier)}\n"
        rows += 1
    text += ("sources:\n" + source(f"'{url}'", f"Declaration {n}", f"Organisation {org}", True, supports=["title_en", "date"])
             + source(f"'https://news{n % 7}.example.com/declarations/{n}'", f"States endorse declaration {n}", f"News {n % 7}",
                      supports=["date"], published=date))
    rows += 2 + 2 + 1 + 1 + 1 + 1 + 1  # citations; evidence: title_en, date x2, url, participation, list, figure
    w.file("instruments", iid, text, rows)
    return iid


def systems(w, orgs):
    for k in range(5):
        org = orgs[k % len(orgs)]
        url = f"https://{org}.example.org/models/{k}"
        w.file("systems", f"model-{k}",
               f"id: model-{k}\nkind: model\nname: Model {k}\ndeveloper_id: {org}\nopenness: closed\nreleased: '2024-0{1 + k}-01'\n"
               f"url: '{url}'\nsources:\n" + source(f"'{url}'", f"Model {k}", f"Organisation {org}", True, supports=["released"]),
               1 + 1 + 2)


def article(w, a, instruments, rng):
    url = f"https://news.example.cn/{a}.html"
    mentions = "".join(
        f"  - instrument_id: {rng.choice(instruments)}\n    quote: 文章中关于这项决议的一句话。\n"
        "    claim: The article says the instrument was adopted.\n    agreement: agrees\n"
        for _ in range(20))
    w.file("articles", f"article-{a}",
           f"id: article-{a}\ntitle: 文章{a}\ntitle_en: Article {a}\ntitle_en_official: false\nlanguage: zh\npublisher: 新闻网\n"
           f"published: '2025-05-{1 + a % 28:02d}'\nurl: '{url}'\nmentions:\n{mentions}"
           "sources:\n" + source(f"'{url}'", f"文章{a}", "新闻网", language="zh", supports=["published"]),
           1 + 20 + 1 + 2)  # row, mentions, citation, evidence (published, url)


def generate(out: str, rows: int, seed: int = 1) -> int:
    """Write the sources under ``out``; returns the exact number of output rows they give."""
    rng = random.Random(seed)
    w = Writer(out)
    extracts, texts = snapshot_keys()
    orgs = [f"org-{n}" for n in range(max(10, min(50, rows // 2000)))]
    sessions = list(range(70, 81))
    summits = [f"event-{n}" for n in range(max(10, min(100, rows // 1000)))]
    actors(w, orgs)
    events(w, sessions, summits, orgs, rng)
    systems(w, orgs)
    instruments, n = [], 0
    # vote-heavy: per five instruments, two recorded votes, one resolution without a vote, two declarations,
    # interleaved so that a small size has each kind
    while w.total < rows * 0.95:
        kind = n % 5
        if kind in (0, 2, 4):
            iid = resolution(w, n, sessions[n % len(sessions)], kind != 2, instruments[-50:], extracts, texts, rng)
        else:
            iid = declaration(w, n, rng.choice(orgs), rng.choice(summits), instruments[-50:], rng)
        instruments.append(iid)
        n += 1
    a = 0
    while w.total < rows or a == 0:  # at least one article, so that mentions are measured at every size
        article(w, a, instruments, rng)
        a += 1
    return w.total


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    print(generate(args.out, args.rows), "rows")

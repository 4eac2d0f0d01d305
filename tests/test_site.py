"""The static site (`build.py site`): complete, linked, escaped, deterministic, accessible, and working in a browser.

The browser tests drive headless Chromium (Debian packages chromium and chromium-driver) with Selenium.
Without them the browser tests are skipped on a workstation, but fail under CI (CI=true).
"""

import csv
import json
import os
import re
import shutil
import urllib.parse
from html.parser import HTMLParser

import pytest

from conftest import ROOT, SITE_URL, check_feed

COMMITTED = os.path.join(ROOT, "datapackage")


def make_site(pkg, out, schemas=None):
    """``build.py site`` of ``pkg`` into ``out``; with ``schemas`` (a folder holding package.json), its site address."""
    import build

    assert build.main(["site", "--package", pkg, "--out", str(out), *(["--schemas", schemas] if schemas else [])]) == 0
    return str(out)


def table_rows(pkg, name):
    with open(os.path.join(pkg, "datapackage.json"), encoding="utf-8") as fh:
        resource = next((r for r in json.load(fh)["resources"] if r["name"] == name), None)
    if resource is None:
        return []
    with open(os.path.join(pkg, resource["path"]), encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def site(tmp_path_factory, site_schemas):
    return make_site(COMMITTED, tmp_path_factory.mktemp("site") / "site", site_schemas)


@pytest.fixture(scope="module")
def minimal_site(built_minimal, tmp_path_factory, site_schemas):
    return make_site(built_minimal, tmp_path_factory.mktemp("site-minimal") / "site", site_schemas)


class Page(HTMLParser):
    """What the tests look at in a page: links, ids, headings, lang attributes, h1 text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.links, self.ids, self.headings, self.langs, self.h1 = [], set(), [], [], ""
        self._in_h1 = False
        self.html_lang = None
        self.scripts = []
        self.images_without_alt = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.html_lang = a.get("lang")
        if "id" in a:
            self.ids.add(a["id"])
        if "lang" in a:
            self.langs.append(a["lang"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag in ("link",) and a.get("rel") == "stylesheet":
            self.links.append(a["href"])
        if tag == "script":
            self.scripts.append(a.get("src"))
        if tag == "img" and not a.get("alt"):
            self.images_without_alt += 1
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "h1":
            self._in_h1 = True

    def handle_endtag(self, tag):
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data):
        if self._in_h1:
            self.h1 += data


class StartTags(HTMLParser):
    """Every start tag of a page with its attributes, in order."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def pages(site):
    for base, _, names in os.walk(site):
        for name in names:
            if name.endswith(".html"):
                path = os.path.join(base, name)
                with open(path, encoding="utf-8") as fh:
                    yield os.path.relpath(path, site), Page(fh.read())


def test_every_record_has_a_page(site):
    for table in ("instruments", "actors", "events", "systems", "articles"):
        for row in table_rows(COMMITTED, table):
            assert os.path.exists(os.path.join(site, table, f"{row['id']}.html")), (table, row["id"])
    for name in ("index.html", "timeline.html", "about.html", "feed.xml", "assets/site.js", "assets/site.css",
                 "datapackage/datapackage.json"):
        assert os.path.exists(os.path.join(site, name))


def test_pages_are_accessible_and_every_local_link_resolves(site):
    ids = {}
    parsed_pages = list(pages(site))
    for rel, page in parsed_pages:
        ids[os.path.normpath(os.path.join(site, rel))] = page.ids
    for rel, page in parsed_pages:
        assert page.html_lang == "en", rel
        assert page.headings and page.headings[0] == 1 and page.headings.count(1) == 1, rel
        assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), f"{rel}: heading levels skip"
        assert page.images_without_alt == 0
        assert all(src is None or not src.startswith(("http:", "https:", "//")) for src in page.scripts), rel
        for link in page.links:
            parsed = urllib.parse.urlparse(link)
            if parsed.scheme in ("http", "https", "data", "mailto"):
                continue
            target = os.path.normpath(os.path.join(site, os.path.dirname(rel), urllib.parse.unquote(parsed.path))) if parsed.path else os.path.join(site, rel)
            assert os.path.exists(target), f"{rel}: broken link {link}"
            if parsed.fragment and target.endswith(".html"):
                assert parsed.fragment in ids[target], f"{rel}: no #{parsed.fragment} in {link}"


def test_chinese_text_is_marked_as_chinese(site):
    instruments = table_rows(COMMITTED, "instruments")
    known = next(r for r in instruments if r["title_zh"])
    with open(os.path.join(site, "instruments", f"{known['id']}.html"), encoding="utf-8") as fh:
        text = fh.read()
    assert f'<span lang="zh">{known["title_zh"]}</span>' in text
    with open(os.path.join(site, "index.html"), encoding="utf-8") as fh:
        assert f'<span lang="zh">{known["title_zh"]}</span>' in fh.read()


def test_instrument_page_shows_participation_by_role_votes_lists_and_commentary(minimal_site, built_minimal):
    with open(os.path.join(minimal_site, "instruments", "example-declaration.html"), encoding="utf-8") as fh:
        text = fh.read()
    assert '<h2 id="votes">Recorded vote</h2>' in text and ">120<" in text and ">7<" in text
    participation = [r for r in table_rows(built_minimal, "participation") if r["instrument_id"] == "example-declaration"]
    for role in {r["role"] for r in participation}:
        n = sum(1 for r in participation if r["role"] == role)
        assert re.search(rf"<h3>{re.escape(role.replace('-', ' ').capitalize())} \({n}\)</h3>", text), role
    for row in table_rows(built_minimal, "participation_lists"):
        if row["instrument_id"] == "example-declaration":
            status = {"complete": "Complete list", "partial": "Partial list", "absent": "List not recorded"}[row["status"]]
            assert f'<p class="status {row["status"]}">{status}' in text
    assert "Official source" in text and "Not official" in text
    assert 'href="../articles/example-article.html"' in text and '<blockquote lang="zh' in text
    assert 'href="../instruments/example-report.html"' in text  # the relation, seen from its target


def test_actor_and_article_pages(minimal_site):
    with open(os.path.join(minimal_site, "actors", "nor.html"), encoding="utf-8") as fh:
        nor = fh.read()
    assert "<h3>Signed (1)</h3>" in nor and 'href="../instruments/example-declaration.html"' in nor
    with open(os.path.join(minimal_site, "articles", "example-article.html"), encoding="utf-8") as fh:
        article = fh.read()
    assert "Its claims against the record (2)" in article and "Agrees with the record" in article


def test_timeline_counts_every_kind_and_the_undated(site):
    with open(os.path.join(site, "timeline.html"), encoding="utf-8") as fh:
        text = fh.read()
    instruments = table_rows(COMMITTED, "instruments")
    undated = sum(1 for r in instruments if not r["date"])
    assert f"{len(instruments)} instruments: {len(instruments) - undated} dated, {undated} undated" in text
    for kind in {r["kind"] for r in instruments}:
        label = kind.replace("-", " ").capitalize().replace("Un ", "UN ")
        assert f'<th scope="row">{label}</th>' in text, kind
    assert 'role="img"' in text and "<title" in text


def test_everything_is_escaped(built_minimal, tmp_path, site_schemas):
    pkg = tmp_path / "datapackage"
    shutil.copytree(built_minimal, pkg)
    path = pkg / "data" / "instruments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("Example Report", '<script>alert("x")</script> & Co'), encoding="utf-8")
    site = make_site(str(pkg), tmp_path / "site", site_schemas)
    for rel, _ in pages(site):
        with open(os.path.join(site, rel), encoding="utf-8") as fh:
            text = fh.read()
        assert "<script>alert" not in text, rel
    with open(os.path.join(site, "instruments", "example-report.html"), encoding="utf-8") as fh:
        text = fh.read()
    # Jinja2's autoescape (MarkupSafe) writes a double quote as &#34; (the same character as &quot;)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co" in text
    assert Page(text).h1 == '<script>alert("x")</script> & Co'  # read back as the very text it was
    with open(os.path.join(site, "index.html"), encoding="utf-8") as fh:
        rows = [dict(attrs) for tag, attrs in StartTags(fh.read()).tags if tag == "tr"]
    assert any('<script>alert("x")</script> & co' in row.get("data-text", "") for row in rows)  # in an attribute too


def test_site_is_deterministic_and_refuses_a_foreign_folder(site, tmp_path, site_schemas):
    from aigov import site as site_module

    import build

    again = site_module.render(COMMITTED, build.package_meta(site_schemas), ROOT)  # as build.py site does
    written = {}
    for base, _, names in os.walk(site):
        for name in names:
            with open(os.path.join(base, name), "rb") as fh:
                written[os.path.relpath(os.path.join(base, name), site)] = fh.read()
    assert written == again
    (tmp_path / "precious.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(SystemExit):
        site_module.write(COMMITTED, str(tmp_path), build.package_meta(site_schemas))
    assert (tmp_path / "precious.txt").exists()


def test_feed_lists_the_releases(site):
    import xml.etree.ElementTree as ET

    tree = ET.parse(os.path.join(site, "feed.xml"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [t.text for t in tree.getroot().findall("a:entry/a:title", ns)]
    releases = sorted((n[:-5] for n in os.listdir(os.path.join(ROOT, "releases")) if n.endswith(".json")),
                      key=lambda v: tuple(map(int, v.split("."))), reverse=True)
    assert titles == [f"global-ai-governance {v}" for v in releases]


def test_the_sites_feed_has_absolute_links_and_names_itself(site):
    """feed.xml is read beside the release files too, where no about.html is: every link is absolute from
    the site's address (x-site-url), and rel="self" says where the feed lives."""
    root = check_feed(os.path.join(site, "feed.xml"))
    a = "{http://www.w3.org/2005/Atom}"
    releases = [e.find(f"{a}title").text.split()[-1] for e in root.findall(f"{a}entry")]
    # each entry's page is the release on the about page, which the site has
    with open(os.path.join(site, "about.html"), encoding="utf-8") as fh:
        about = Page(fh.read())
    for entry, version in zip(root.findall(f"{a}entry"), releases):
        href = entry.find(f"{a}link").get("href")
        assert href == f"{SITE_URL}about.html#v{version}" and f"v{version}" in about.ids
    with open(os.path.join(site, "index.html"), encoding="utf-8") as fh:
        assert '<link rel="alternate" type="application/atom+xml" title="Releases" href="feed.xml">' in fh.read()


def test_without_the_sites_address_the_site_has_no_feed_and_says_why(built_minimal, tmp_path):
    """The repository sets no x-site-url: `build.py site` writes every page but no feed.xml (its links would
    have no base), links to none, and says what to set."""
    from aigov import release

    with pytest.warns(release.FeedWarning, match='set "x-site-url" in schemas/package.json'):
        site = make_site(built_minimal, tmp_path / "site")
    assert not os.path.exists(os.path.join(site, "feed.xml"))
    assert os.path.exists(os.path.join(site, "about.html"))
    for rel, page in pages(site):
        assert not any(link.endswith("feed.xml") for link in page.links), rel
        with open(os.path.join(site, rel), encoding="utf-8") as fh:
            assert "feed.xml" not in fh.read(), rel


# --- in a browser -------------------------------------------------------------------------

CHROMIUM = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"))), None)
DRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and DRIVER):
        message = "headless Chromium is not installed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI") == "true":
            pytest.fail(message + "; CI must run the browser tests")
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                "--allow-file-access-from-files"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def url(site, rel):
    return "file://" + urllib.parse.quote(os.path.join(site, rel))


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]


def a_state_and_its_instrument():
    states = {r["id"] for r in table_rows(COMMITTED, "actors") if r["kind"] == "state"}
    row = next(r for r in table_rows(COMMITTED, "participation") if r["actor_id"] in states)
    return row["instrument_id"], row["actor_id"]


def test_pages_load_without_console_errors(browser, site):
    instrument, state = a_state_and_its_instrument()
    article = table_rows(COMMITTED, "articles")[0]["id"]
    browser.get_log("browser")  # start clean
    for rel in ("index.html", f"instruments/{instrument}.html", f"actors/{state}.html", f"articles/{article}.html",
                "timeline.html", "about.html", "actors/index.html", "events/index.html", "articles/index.html"):
        browser.get(url(site, rel))
        assert browser.find_element("tag name", "h1").text.strip(), rel
        assert console_errors(browser) == [], rel


SHOWN = ("return Array.from(document.querySelectorAll('#instruments tbody tr'))"
         ".filter(function (row) { return row.offsetParent !== null; })"
         ".map(function (row) { return row.querySelector('a').getAttribute('href'); });")


def test_searching_the_index_finds_a_known_instrument(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    instruments = table_rows(COMMITTED, "instruments")
    known = next(r for r in instruments if r["title_zh"])
    link = f"instruments/{known['id']}.html"
    browser.get(url(site, "index.html"))
    assert len(browser.execute_script(SHOWN)) == len(instruments)
    box = browser.find_element(By.ID, "q")
    for query in (max(known["title_en"].split(), key=len), known["title_zh"][:4]):
        box.clear()
        box.send_keys(query)
        shown = browser.execute_script(SHOWN)
        assert link in shown and len(shown) < len(instruments), query
        assert "shown" in browser.find_element(By.ID, "count").text
    box.clear()
    box.send_keys("zzzz-no-such-instrument")
    assert browser.execute_script(SHOWN) == [] and browser.find_element(By.ID, "none").is_displayed()
    browser.find_element(By.ID, "clear").click()
    assert len(browser.execute_script(SHOWN)) == len(instruments)
    # the filters
    Select(browser.find_element(By.ID, "kind")).select_by_value(known["kind"])
    assert len(browser.execute_script(SHOWN)) == sum(1 for r in instruments if r["kind"] == known["kind"])
    Select(browser.find_element(By.ID, "kind")).select_by_value("")
    Select(browser.find_element(By.ID, "binding")).select_by_value("yes")
    assert len(browser.execute_script(SHOWN)) == sum(1 for r in instruments if r["binding"] == "true")
    Select(browser.find_element(By.ID, "binding")).select_by_value("")
    if known["date"]:
        Select(browser.find_element(By.ID, "year")).select_by_value(known["date"][:4])
        shown = browser.execute_script(SHOWN)
        assert link in shown and len(shown) == sum(1 for r in instruments if r["date"][:4] == known["date"][:4])
    # a search given in the address
    browser.get(url(site, "index.html") + "?q=" + urllib.parse.quote(known["title_en"]))
    assert link in browser.execute_script(SHOWN)
    assert console_errors(browser) == []


def test_from_an_instrument_to_a_state_and_back(browser, site):
    from selenium.webdriver.common.by import By

    instrument, state = a_state_and_its_instrument()
    browser.get(url(site, f"instruments/{instrument}.html"))
    title = browser.find_element(By.TAG_NAME, "h1").text
    browser.find_element(By.CSS_SELECTOR, f'#main a[href="../actors/{state}.html"]').click()
    assert browser.current_url.endswith(f"/actors/{state}.html")
    name = next(r["name_en"] for r in table_rows(COMMITTED, "actors") if r["id"] == state)
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    browser.find_element(By.CSS_SELECTOR, f'#main a[href="../instruments/{instrument}.html"]').click()
    assert browser.current_url.endswith(f"/instruments/{instrument}.html")
    assert browser.find_element(By.TAG_NAME, "h1").text == title
    browser.back()
    assert browser.find_element(By.TAG_NAME, "h1").text == name
    assert console_errors(browser) == []


def test_feed_is_valid_atom(site):
    """RFC 4287's requirements, checked element by element (no network validator here)."""
    import re
    import xml.etree.ElementTree as ET

    a = "{http://www.w3.org/2005/Atom}"
    root = ET.parse(os.path.join(site, "feed.xml")).getroot()
    assert root.tag == f"{a}feed"
    rfc3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
    iri = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:\S+")
    # atom:feed: exactly one id, title, updated; an author (here on the feed, so entries inherit it)
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{a}{name}")) == 1, name
    assert iri.fullmatch(root.find(f"{a}id").text)
    assert rfc3339.fullmatch(root.find(f"{a}updated").text)
    assert root.find(f"{a}author/{a}name").text.strip()
    entries = root.findall(f"{a}entry")
    assert entries
    ids = set()
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{a}{name}")) == 1, name
        assert iri.fullmatch(entry.find(f"{a}id").text)
        assert rfc3339.fullmatch(entry.find(f"{a}updated").text)
        ids.add(entry.find(f"{a}id").text)
        # an entry without content needs an alternate link; one with content may have it
        content = entry.find(f"{a}content")
        if content is None:
            assert any(l.get("rel", "alternate") == "alternate" for l in entry.findall(f"{a}link"))
        else:
            assert content.get("type", "text") in ("text", "html", "xhtml")
    assert len(ids) == len(entries)  # entry ids are unique
    assert max(e.find(f"{a}updated").text for e in entries) <= root.find(f"{a}updated").text


# --- the issuer filter, the texts, the UN chart ---------------------------------------------

JOINT = "china-france-joint-statement-ai-global-governance-2024"


def issuers_rolled_up():
    """Instrument id -> every actor the issuer filter must find it by: its issuer_id, the actors of its
    issuer rows, and every body above each of them through actors.parent_id (read from the CSVs)."""
    parent = {r["id"]: r["parent_id"] for r in table_rows(COMMITTED, "actors")}
    issuers = {r["id"]: {r["issuer_id"]} - {""} for r in table_rows(COMMITTED, "instruments")}
    for row in table_rows(COMMITTED, "participation"):
        if row["role"] == "issuer":
            issuers[row["instrument_id"]].add(row["actor_id"])
    out = {}
    for rid, direct in issuers.items():
        found = set()
        for actor in direct:
            while actor and actor not in found:
                found.add(actor)
                actor = parent.get(actor)
        out[rid] = found
    return out


def test_the_issuer_filter_finds_joint_instruments_and_rolls_up_to_parents(browser, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    expected = issuers_rolled_up()
    instruments = {r["id"]: r for r in table_rows(COMMITTED, "instruments")}
    assert not instruments[JOINT]["issuer_id"] and {"chn", "fra"} <= expected[JOINT]  # the case in point
    browser.get(url(site, "index.html"))
    select = Select(browser.find_element(By.ID, "issuer"))
    for actor in ("chn", "fra"):
        select.select_by_value(actor)
        shown = browser.execute_script(SHOWN)
        assert f"instruments/{JOINT}.html" in shown, actor
        assert sorted(shown) == sorted(f"instruments/{rid}.html" for rid, found in expected.items() if actor in found), actor
    # a parent finds what the bodies under it issued (two levels up too: a group of the Commission -> the EU)
    parents = {r["id"]: r["parent_id"] for r in table_rows(COMMITTED, "actors") if r["parent_id"]}
    by_body = [(rid, body) for rid, found in expected.items() for body in found if body in parents]
    assert by_body, "no instrument issued by a body that has a parent"
    for rid, body in by_body[:5]:
        top = body
        while top in parents:
            top = parents[top]
        select.select_by_value(top)
        assert f"instruments/{rid}.html" in browser.execute_script(SHOWN), (rid, body, top)
    # from the address, as an actor's page links to it
    browser.get(url(site, "index.html") + "?issuer=chn")
    assert f"instruments/{JOINT}.html" in browser.execute_script(SHOWN)
    assert "shown" in browser.find_element(By.ID, "count").text
    assert console_errors(browser) == []


def test_an_actor_counts_each_instrument_once(site):
    """An actor that is both lead sponsor and sponsor (or sponsor and additional sponsor) of an
    instrument shows it once on its page, under the strongest role, with the other named."""
    roles = {}
    for row in table_rows(COMMITTED, "participation"):
        roles.setdefault((row["actor_id"], row["instrument_id"]), set()).add(row["role"])
    both = [(a, i) for (a, i), r in roles.items() if {"lead-sponsor", "sponsor"} <= r]
    assert both, "no actor is both lead sponsor and sponsor of an instrument"
    for actor, instrument in both:
        with open(os.path.join(site, "actors", f"{actor}.html"), encoding="utf-8") as fh:
            page = fh.read()
        section = page[page.index('<h2 id="instruments">'):page.index("</section>", page.index('<h2 id="instruments">'))]
        assert section.count(f'href="../instruments/{instrument}.html"') == 1, (actor, instrument)
        assert "also listed as sponsor" in section
        mine = {i for (a, i), r in roles.items() if a == actor and r - {"voted-yes", "voted-no", "abstained", "not-voting"}}
        mine |= {r["id"] for r in table_rows(COMMITTED, "instruments") if r["issuer_id"] == actor}
        assert f'<h2 id="instruments">Instruments ({len(mine)})</h2>' in page


def a_text_to_read():
    """An instrument whose English and Chinese texts have the same paragraph ids, with a paragraph that
    names AI and a third language; and its passages by language."""
    by = {}
    for row in table_rows(COMMITTED, "passages"):
        by.setdefault(row["instrument_id"], {}).setdefault(row["language"], []).append(row)
    for rid, langs in sorted(by.items()):
        if {"en", "zh"} <= set(langs) and len(langs) > 2 and [r["eid"] for r in langs["en"]] == [r["eid"] for r in langs["zh"]] \
                and any(r["mentions_ai"] == "true" for r in langs["en"]):
            return rid, {lang: sorted(rows, key=lambda r: int(r["seq"])) for lang, rows in langs.items()}
    raise AssertionError("no instrument with an English and a Chinese text")


def test_an_instrument_shows_its_text_side_by_side_with_ai_marked(browser, site):
    from selenium.webdriver.common.by import By

    rid, langs = a_text_to_read()
    browser.get(url(site, f"instruments/{rid}.html"))
    rows = browser.find_elements(By.CSS_SELECTOR, "table.passages tbody tr")
    assert len(rows) == len(langs["en"])
    squash = lambda text: " ".join(text.split())  # noqa: E731
    for tr, en, zh in zip(rows, langs["en"], langs["zh"]):
        cells = tr.find_elements(By.TAG_NAME, "td")
        assert [c.get_attribute("lang") for c in cells] == ["en", "zh"]
        assert squash(en["text"]) in squash(cells[0].text) and squash(zh["text"]) in squash(cells[1].text)
        for cell, row in zip(cells, (en, zh)):
            marked = "ai" in (cell.get_attribute("class") or "").split()
            assert marked == (row["mentions_ai"] == "true"), row["seq"]
            marks = cell.find_elements(By.CLASS_NAME, "ai-mark")
            if marked:  # a visible text marker, not colour alone
                assert len(marks) == 1 and marks[0].is_displayed() and marks[0].text == "AI"
            else:
                assert marks == []
    # the files the text was read from
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "section.text a")]
    for lang in langs:
        assert langs[lang][0]["source_url"] in links, lang
    # the other languages, folded: opened, every paragraph is there
    others = browser.find_elements(By.CSS_SELECTOR, "section.text details.language")
    assert len(others) == len(langs) - 2
    details = others[0]
    lang = details.find_element(By.CSS_SELECTOR, "li").get_attribute("lang")
    assert not details.find_element(By.CSS_SELECTOR, "li").is_displayed()
    details.find_element(By.TAG_NAME, "summary").click()
    items = details.find_elements(By.CSS_SELECTOR, "li")
    assert len(items) == len(langs[lang]) and items[0].is_displayed()
    assert [("ai" in (li.get_attribute("class") or "").split()) for li in items] == [r["mentions_ai"] == "true" for r in langs[lang]]
    # only the paragraphs that name AI
    browser.find_element(By.ID, "ai-only").click()
    shown = [tr for tr in rows if tr.is_displayed()]
    assert len(shown) == sum(1 for en, zh in zip(langs["en"], langs["zh"]) if "true" in (en["mentions_ai"], zh["mentions_ai"]))
    assert console_errors(browser) == []


UN_SYMBOL = {"un-general-assembly": ("ga", re.compile(r"A/RES/(\d+)/\d+(?: .+)?")),
             "un-human-rights-council": ("hrc", re.compile(r"A/HRC/RES/(\d+)/\d+(?: .+)?"))}
SCOPES = ["about-ai", "ai-provisions", "mentions-ai"]


def un_sessions_from_the_csv():
    """(body, session) -> resolutions by ai_scope and paragraphs of the English text that name AI."""
    paragraphs = {}
    for row in table_rows(COMMITTED, "passages"):
        if row["language"] == "en" and row["mentions_ai"] == "true":
            paragraphs[row["instrument_id"]] = paragraphs.get(row["instrument_id"], 0) + 1
    out = {}
    for r in table_rows(COMMITTED, "instruments"):
        if r["issuer_id"] in UN_SYMBOL and r["kind"] == "resolution":
            body, pattern = UN_SYMBOL[r["issuer_id"]]
            match = pattern.fullmatch(r["symbol"])
            if match:
                s = out.setdefault(f"{body}-{match.group(1)}", {scope: 0 for scope in SCOPES} | {"paragraphs": 0})
                s[r["ai_scope"]] += 1
                s["paragraphs"] += paragraphs.get(r["id"], 0)
    return out


def test_the_un_chart_shows_the_numbers_of_the_csv(browser, site):
    from selenium.webdriver.common.by import By

    expected = un_sessions_from_the_csv()
    assert {f"ga-{n}" for n in range(75, 81)} & set(expected) and any(k.startswith("hrc-") for k in expected)
    browser.get(url(site, "un-resolutions.html"))
    svg = browser.find_element(By.CSS_SELECTOR, "figure.chart svg")
    assert svg.is_displayed() and svg.size["width"] > 300 and svg.get_attribute("role") == "img"
    groups = {g.get_attribute("data-session"): g for g in svg.find_elements(By.CSS_SELECTOR, "g.session")}
    assert {f"ga-{n}" for n in range(75, 81)} <= set(groups)  # every session 75-80, none left out
    assert set(expected) <= set(groups)
    for session, g in groups.items():
        want = expected.get(session, {scope: 0 for scope in SCOPES} | {"paragraphs": 0})
        bars = {r.get_attribute("data-scope"): int(r.get_attribute("data-count")) for r in g.find_elements(By.CSS_SELECTOR, "rect[data-scope]")}
        assert bars == {scope: want[scope] for scope in SCOPES if want[scope]}, session
        assert int(g.get_attribute("data-total")) == sum(want[s] for s in SCOPES), session
        assert int(g.get_attribute("data-paragraphs")) == want["paragraphs"], session
        row = browser.find_element(By.CSS_SELECTOR, f'tr[data-session="{session}"]')
        cells = [int(td.text) for td in row.find_elements(By.TAG_NAME, "td")]
        assert cells[:5] == [sum(want[s] for s in SCOPES), *(want[s] for s in SCOPES), want["paragraphs"]], session
    assert console_errors(browser) == []


def test_the_docs_chart_is_the_sites(site):
    """docs/un-ai-sessions.svg (written by `python build.py`) carries the numbers of the site's chart."""
    with open(os.path.join(site, "un-resolutions.html"), encoding="utf-8") as fh:
        page = fh.read()
    with open(os.path.join(ROOT, "docs", "un-ai-sessions.svg"), encoding="utf-8") as fh:
        docs = fh.read()
    numbers = re.compile(r'<g class="session" data-session="[^"]+" data-total="\d+" data-paragraphs="\d+">')
    assert numbers.findall(docs) and numbers.findall(docs) == numbers.findall(page)


def test_paragraphs_are_matched_by_eid_or_else_in_printed_order():
    from aigov.site.pages import align

    def rows(*eids):
        return [{"eid": e, "n": n} for n, e in enumerate(eids)]

    def shown(pairs):
        return [tuple(None if c is None else c["eid"] for c in pair) for pair in pairs]

    same, how = align(rows("a", "b", "b", "c"), rows("a", "b", "b", "c"))
    assert how == "eid" and shown(same) == [("a", "a"), ("b", "b"), ("b", "b"), ("c", "c")]
    apart, how = align(rows("a", "b", "c"), rows("a", "x", "y"))  # the ids run apart, as many paragraphs
    assert how == "order" and shown(apart) == [("a", "a"), ("b", "x"), ("c", "y")]
    gaps, how = align(rows("a", "b", "c", "d", "e"), rows("a", "x", "d", "e"))
    assert how == "eid+order" and shown(gaps) == [("a", "a"), ("b", "x"), ("c", None), ("d", "d"), ("e", "e")]
    assert align(rows("a"), None) == ([[{"eid": "a", "n": 0}]], "eid")


def test_the_index_search_answers_ai_and_two_character_chinese_words(browser, site):
    """'AI' and two-character Chinese words (中国, 开源 is not in any title) find what contains them."""
    from selenium.webdriver.common.by import By

    instruments = table_rows(COMMITTED, "instruments")
    browser.get(url(site, "index.html"))
    box = browser.find_element(By.ID, "q")
    for query, expected in (("AI", "global-ai-governance-initiative"), ("人工智能", "global-ai-governance-initiative"),
                            ("中国", None), ("治理", "global-ai-governance-initiative")):
        box.clear()
        box.send_keys(query)
        shown = browser.execute_script(SHOWN)
        assert shown and len(shown) < len(instruments), query
        if expected:
            assert f"instruments/{expected}.html" in shown, query
        with_words = {f"instruments/{r['id']}.html" for r in instruments if query.lower() in (r["title_en"] + (r["title_zh"] or "")).lower()}
        assert with_words <= set(shown), query  # every title that contains it is found


# --- topics --------------------------------------------------------------------------------

def tags_from_the_csv():
    """topic -> {instrument id: tag row}, read from topic_tags.csv."""
    out = {r["topic"]: {} for r in table_rows(COMMITTED, "topics")}
    for row in table_rows(COMMITTED, "topic_tags"):
        out[row["topic"]][row["instrument_id"]] = row
    return out


def squash(text):
    return " ".join(text.split()).lower()


def test_every_topic_has_a_page_and_the_list_links_them_all(site):
    topics = table_rows(COMMITTED, "topics")
    tags = tags_from_the_csv()
    with open(os.path.join(site, "topics", "index.html"), encoding="utf-8") as fh:
        text = fh.read()
    rows = {dict(attrs)["data-topic"] for tag, attrs in StartTags(text).tags if tag == "tr" and dict(attrs).get("data-topic")}
    assert rows == {t["topic"] for t in topics}
    for t in topics:
        assert re.search(rf'<a href="\.\./topics/{re.escape(t["topic"])}\.html">{re.escape(t["label_en"])}</a>'
                         rf'<br><span lang="zh">{re.escape(t["label_zh"])}</span></th><td class="num">{len(tags[t["topic"]])}</td>', text), t["topic"]
        with open(os.path.join(site, "topics", f"{t['topic']}.html"), encoding="utf-8") as fh:
            page = fh.read()
        assert Page(page).h1 == t["label_en"] and f'<span lang="zh">{t["label_zh"]}</span>' in page
        assert f"<dd>{t['definition']}</dd>" in page.replace("&#39;", "'")
        if t["unbis_term"]:
            assert f"<dd>{t['unbis_term']}</dd>" in page
        assert f'<h2 id="instruments">Instruments ({len(tags[t["topic"]])})</h2>' in page
    with open(os.path.join(site, "index.html"), encoding="utf-8") as fh:  # in the site's menu
        assert '<li><a href="topics/index.html">Topics</a></li>' in fh.read()


def test_an_instrument_page_lists_its_topics(site):
    """Every instrument page links to the pages of exactly the topics topic_tags.csv gives it."""
    by_instrument = {}
    for row in table_rows(COMMITTED, "topic_tags"):
        by_instrument.setdefault(row["instrument_id"], set()).add(row["topic"])
    for r in table_rows(COMMITTED, "instruments"):
        with open(os.path.join(site, "instruments", f"{r['id']}.html"), encoding="utf-8") as fh:
            text = fh.read()
        if r["id"] not in by_instrument:
            assert '<h2 id="topics">' not in text, r["id"]
            continue
        section = text[text.index('<h2 id="topics">'):text.index("</section>", text.index('<h2 id="topics">'))]
        linked = set(re.findall(r'href="\.\./topics/([a-z-]+)\.html"', section))
        assert linked == by_instrument[r["id"]], r["id"]
        page = Page(text)
        for anchor in re.findall(r'href="#(p\d+)"', section):  # "in the text": the paragraph that shows it
            assert anchor in page.ids, (r["id"], anchor)


def test_a_topic_without_instruments_says_so(minimal_site, built_minimal):
    topics = table_rows(built_minimal, "topics")
    assert topics and not table_rows(built_minimal, "topic_tags")
    with open(os.path.join(minimal_site, "topics", f"{topics[0]['topic']}.html"), encoding="utf-8") as fh:
        text = fh.read()
    assert '<h2 id="instruments">Instruments (0)</h2>' in text and "No instrument is tagged with this topic yet." in text


def test_the_matched_words_are_marked_and_escaped(built_minimal, tmp_path, site_schemas):
    """A tag whose passage and matched words hold markup and regular-expression characters: the words are
    in <mark>, everything escaped; a tag backed by a quote shows the quote and its source."""
    pkg = tmp_path / "datapackage"
    shutil.copytree(built_minimal, pkg)

    def append(name, row):
        path = pkg / "data" / f"{name}.csv"
        with open(path, encoding="utf-8", newline="") as fh:
            fields = next(csv.reader(fh))
        with open(path, "a", encoding="utf-8", newline="") as fh:
            csv.DictWriter(fh, fields, lineterminator="\n").writerow(row)

    append("passages", {"instrument_id": "example-declaration", "seq": "1", "language": "en", "eid": "para_1", "part": "operative",
                        "number": "1.", "text": 'Calls for <script>alert("x")</script> open-source (AI)+ models and Open-Source  (AI)+ data.',
                        "mentions_ai": "true", "source_url": "https://example.org/text.xml"})
    append("topic_tags", {"instrument_id": "example-declaration", "topic": "open-source", "passage_seq": "1", "matched": "open-source (AI)+",
                          "passages": "1", "method": "rule"})
    citation = next(r for r in table_rows(str(pkg), "citations") if r["instrument_id"] == "example-report")
    append("topic_tags", {"instrument_id": "example-report", "topic": "human-rights", "citation_id": citation["citation_id"],
                          "matched": "this matches nothing", "method": "rule"})
    site = make_site(str(pkg), tmp_path / "site", site_schemas)
    with open(os.path.join(site, "topics", "open-source.html"), encoding="utf-8") as fh:
        text = fh.read()
    assert "<script>alert" not in text and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    assert text.count("<mark>open-source (AI)+</mark>") == 1 and text.count("<mark>Open-Source  (AI)+</mark>") == 1
    assert 'href="../instruments/example-declaration.html#p1"' in text and "operative paragraph 1 of its English text" in text
    with open(os.path.join(site, "instruments", "example-declaration.html"), encoding="utf-8") as fh:
        assert 'id="p1"' in fh.read()
    with open(os.path.join(site, "topics", "human-rights.html"), encoding="utf-8") as fh:
        text = fh.read()
    assert 'data-instrument="example-report"' in text and "From a quote of its source" in text
    assert f'href="{citation["url"]}"' in text
    assert "<blockquote" not in text  # no quote recorded: no empty quote shown
    assert re.search(r'words matched: <mark lang="[^"]+">this matches nothing</mark>', text)  # the words are still shown


def test_highlight_and_excerpt():
    from aigov.site.model import excerpt, highlight

    assert highlight("Open data and open  DATA.", "open data") == [("Open data", True), (" and ", False), ("open  DATA", True), (".", False)]
    assert highlight("a.b axb", "a.b") == [("a.b", True), (" axb", False)]  # the words, not a pattern
    assert highlight("text", "") == [("text", False)] and highlight("", "x") == []
    assert excerpt(highlight("short text with words", "words")) is None
    long = " ".join(f"w{i}" for i in range(400)) + " the words " + " ".join(f"v{i}" for i in range(400))
    cut = excerpt(highlight(long, "the words"), around=100)
    assert cut[0] == ("…", False) and cut[-1] == ("…", False) and ("the words", True) in cut
    middle = "".join(p for p, _ in cut[1:-1])
    assert middle in long and len(middle) <= 2 * 100 + len("the words") and not middle.startswith(" ") and not middle.endswith(" ")
    cut = excerpt(highlight("x" * 500 + " the words " + "y" * 90 + " the words " + "z" * 500, "the words"), around=100)
    assert [p for p, matched in cut if matched] == ["the words", "the words"]  # marked words are never cut in two


TAGGED = ("return Array.from(document.querySelectorAll('ol.tagged > li')).map(function (li) {"
          " var quote = li.querySelector('blockquote');"
          " return {id: li.getAttribute('data-instrument'), href: li.querySelector('p.tagged-title a').getAttribute('href'),"
          " quote: quote ? quote.innerText : '', lang: quote ? quote.getAttribute('lang') : '',"
          " marks: Array.from(li.querySelectorAll('mark')).filter(function (m) { return !m.closest('details:not([open])'); })"
          ".map(function (m) { return m.innerText; }),"
          " visible: li.offsetParent !== null}; });")


def test_a_topic_page_lists_exactly_the_tagged_instruments_with_the_words_that_show_it(browser, site):
    """For every topic: the instruments the CSV tags with it, each once, linked to its page, each with the
    paragraph (or quote) the tag names, whose matched words are marked; following a link leads to the
    instrument, whose page links back to the topic."""
    from selenium.webdriver.common.by import By

    passages = {(r["instrument_id"], r["seq"]): r for r in table_rows(COMMITTED, "passages")}
    citations = {r["citation_id"]: r for r in table_rows(COMMITTED, "citations")}
    tags = tags_from_the_csv()
    assert sum(map(len, tags.values())) > 100  # the data has tags to check
    for topic, expected in tags.items():
        browser.get(url(site, f"topics/{topic}.html"))
        shown = browser.execute_script(TAGGED)
        assert sorted(x["id"] for x in shown) == sorted(expected), topic
        for x in shown:
            tag = expected[x["id"]]
            assert x["visible"] and x["href"] == f"../instruments/{x['id']}.html"
            source = passages[(x["id"], tag["passage_seq"])]["text"] if tag["passage_seq"] else citations[tag["citation_id"]]["quote"]
            language = passages[(x["id"], tag["passage_seq"])]["language"] if tag["passage_seq"] else citations[tag["citation_id"]]["language"]
            assert x["lang"] == language, (topic, x["id"])
            assert squash(tag["matched"]) in squash(x["quote"]), (topic, x["id"])  # its justifying text holds the words
            shown_text = squash(x["quote"]).strip("…")
            assert all(part in squash(source) for part in shown_text.split("…")), (topic, x["id"])  # and is the tag's own text
            assert x["marks"] and all(squash(m) == squash(tag["matched"]) for m in x["marks"]), (topic, x["id"], x["marks"])
        assert console_errors(browser) == []
    # through the menu to the list, to a topic, to an instrument and back
    topic = max(tags, key=lambda t: len(tags[t]))
    instrument = sorted(tags[topic])[0]
    browser.get(url(site, "index.html"))
    browser.find_element(By.CSS_SELECTOR, 'nav a[href="topics/index.html"]').click()
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Topics")
    browser.find_element(By.CSS_SELECTOR, f'tr[data-topic="{topic}"] a').click()
    assert browser.current_url.endswith(f"/topics/{topic}.html")
    browser.find_element(By.CSS_SELECTOR, f'li[data-instrument="{instrument}"] p.tagged-title a').click()
    assert browser.current_url.endswith(f"/instruments/{instrument}.html")
    browser.find_element(By.CSS_SELECTOR, f'#main a[href="../topics/{topic}.html"]').click()
    assert browser.current_url.endswith(f"/topics/{topic}.html")
    assert console_errors(browser) == []

"""Questions users ask, answered with pandas on the built package (README recipe)."""

import pandas as pd
import pytest

from readme_recipe import read_table

ACTS = ["issuer", "lead-sponsor", "co-sponsor", "signatory", "endorser"]


@pytest.fixture(scope="module")
def t(built):
    names = ["instruments", "actors", "participation", "citations", "articles", "mentions", "events", "systems", "evidence"]
    return {name: read_table(built, name) for name in names}


def instruments_of(t, state):
    p = t["participation"]
    mine = p[(p["actor_id"] == state) & p["role"].isin(ACTS)]
    return mine.merge(t["instruments"], left_on="instrument_id", right_on="id", suffixes=("", "_instrument"))[
        ["instrument_id", "title_en", "role", "date", "date_instrument"]]


def test_every_instrument_a_state_issued_sponsored_signed_or_endorsed(t):
    china = instruments_of(t, "chn")
    usa = instruments_of(t, "usa")
    assert ("unga-res-78-311", "lead-sponsor") in set(zip(china["instrument_id"], china["role"]))
    assert ("unga-res-78-265", "lead-sponsor") in set(zip(usa["instrument_id"], usa["role"]))
    assert china["title_en"].notna().all()
    # dates come through as real dates, where known
    assert str(china["date_instrument"].dtype).startswith("datetime64")


def signatories(t, instrument):
    p = t["participation"]
    return set(p[(p["instrument_id"] == instrument) & (p["role"] == "signatory")]["actor_id"])


def test_states_that_signed_one_declaration_but_not_another(t):
    states = set(t["actors"][t["actors"]["kind"] == "state"]["id"])
    seoul = signatories(t, "seoul-declaration") & states
    santiago = signatories(t, "santiago-declaration-ethical-ai-lac") & states
    assert seoul and santiago
    only_seoul = seoul - santiago
    assert "kor" in only_seoul and "gbr" in only_seoul
    assert not (only_seoul & santiago)


def test_general_assembly_resolutions_with_symbol_date_and_vote(t):
    i = t["instruments"]
    res = i[(i["kind"] == "resolution") & (i["issuer_id"] == "un-general-assembly")]
    assert {"unga-res-78-265", "unga-res-78-311", "unga-res-79-325"} <= set(res["id"])
    table = res[["id", "symbol", "date", "adoption", "votes_yes", "votes_no", "votes_abstain"]].set_index("id")
    assert table.loc["unga-res-78-265", "adoption"] == "without-vote"
    assert table.loc["unga-res-78-265", "date"] == pd.Timestamp("2024-03-21")
    assert table.loc["unga-res-78-265", "symbol"] == "A/RES/78/265"
    recorded = table[table["adoption"] == "recorded-vote"]
    assert recorded[["votes_yes", "votes_no", "votes_abstain"]].notna().all().all()


def test_each_seed_article_mentions_quotes_and_disagreements(t):
    a, m = t["articles"], t["mentions"]
    assert len(a) >= 2
    for article_id in a["id"]:
        mine = m[m["article_id"] == article_id]
        assert len(mine) >= 5, article_id
        assert mine["quote"].notna().all() and mine["claim"].notna().all()
        target = mine[["instrument_id", "event_id", "actor_id", "system_id"]].notna().sum(axis=1)
        assert (target == 1).all()
    differs = m[m["agreement"].isin(["differs", "partly-differs"])]
    assert len(differs) > 0 and differs["discrepancy"].notna().all()


def official_copies(t):
    e = t["evidence"]
    return set(e.loc[(e["record_table"] == "instruments") & (e["backing"] == "official-copy"), "record_id"])


def test_official_source_of_every_instrument(t):
    c = t["citations"]
    official = c[c["official"] & c["instrument_id"].notna()].groupby("instrument_id")["url"].first()
    i = t["instruments"]
    missing = set(i["id"]) - set(official.index)
    # an instrument without an official page says so, and has an official copy or nothing official at all
    assert missing <= set(i.loc[i["no_official_source"] == True, "id"]) | official_copies(t)  # noqa: E712
    assert official.str.match(r"https?://").all()


# ----------------------------------------------------------- issue 11 questions

VOTE_ROLES = ["voted-yes", "voted-no", "abstained", "not-voting"]


@pytest.fixture(scope="module")
def lists(built):
    return read_table(built, "participation_lists")


def test_how_every_member_state_voted_on_every_recorded_ai_vote(t):
    i, p = t["instruments"], t["participation"]
    recorded = i[(i["adoption"] == "recorded-vote") & (i["issuer_id"] == "un-general-assembly")]  # the Council has 47 members
    assert len(recorded) >= 6
    votes = p[p["role"].isin(VOTE_ROLES)].merge(recorded[["id", "symbol"]], left_on="instrument_id", right_on="id")
    table = votes.pivot(index="actor_id", columns="symbol", values="role")
    assert table.shape == (193, len(recorded))
    assert table.notna().all().all()  # every member state has a cell in every vote
    # counts per column equal the tallies
    for _, row in recorded.iterrows():
        column = table[row["symbol"]]
        assert (column == "voted-yes").sum() == row["votes_yes"]
        assert (column == "voted-no").sum() == row["votes_no"]
        assert (column == "abstained").sum() == row["votes_abstain"]
    # spot checks read off the UN's own lists for A/RES/78/241
    assert table.loc["rus", "A/RES/78/241"] == "voted-no"
    assert table.loc["chn", "A/RES/78/241"] == "abstained"
    assert table.loc["afg", "A/RES/78/241"] == "not-voting"


def sponsors_of(t, instrument):
    p = t["participation"]
    return set(p[(p["instrument_id"] == instrument) & p["role"].isin(["sponsor", "additional-sponsor"])]["actor_id"])


def test_states_that_sponsored_78_265_but_not_78_311_and_the_reverse(t, lists):
    for instrument in ("unga-res-78-265", "unga-res-78-311"):
        mine = lists[(lists["instrument_id"] == instrument) & lists["role"].isin(["sponsor", "additional-sponsor"])]
        assert set(mine["status"]) == {"complete"}  # so an absent row means "did not sponsor"
    a, b = sponsors_of(t, "unga-res-78-265"), sponsors_of(t, "unga-res-78-311")
    assert len(a) == 123 and len(b) == 143
    only_a, only_b = a - b, b - a
    assert "usa" in a and "usa" in b  # the US joined 78/311 (additional sponsor)
    assert "chn" in a and "chn" in b
    assert not (only_a & b) and not (only_b & a)
    assert "arg" in only_a  # Argentina: sponsor of 78/265, on neither list of 78/311
    assert "cub" in only_b  # Cuba: sponsor of 78/311, on neither list of 78/265


def test_signed_bletchley_but_not_paris_says_unknown_where_the_list_is_partial(t, lists):
    p = t["participation"]
    bletchley = set(p[(p["instrument_id"] == "bletchley-declaration") & p["role"].isin(["signatory", "endorser"])]["actor_id"])
    status = lists[(lists["instrument_id"] == "bletchley-declaration") & lists["role"].isin(["signatory", "endorser"])]["status"]
    assert len(bletchley) == 30 and set(status) == {"complete"}  # 29 on 1-2 November 2023, New Zealand in 2024
    paris = set(p[(p["instrument_id"] == "paris-statement-inclusive-sustainable-ai") & (p["role"] == "signatory")]["actor_id"])
    paris_lists = lists[(lists["instrument_id"] == "paris-statement-inclusive-sustainable-ai") & (lists["role"] == "signatory")]
    paris_complete = len(paris_lists) > 0 and (paris_lists["status"] == "complete").all()
    declined = set(p[(p["instrument_id"] == "paris-statement-inclusive-sustainable-ai") & (p["role"] == "declined-to-sign")]["actor_id"])
    answer = {s: "signed" if s in paris else "declined" if s in declined else "did not sign" if paris_complete else "unknown"
              for s in bletchley}
    assert answer["fra"] == "signed"
    if not paris_complete:
        assert "did not sign" not in answer.values()
        assert answer["jpn"] == "unknown"
    assert answer["usa"] == answer["gbr"] == "declined"  # both declined to sign in Paris


@pytest.fixture(scope="module")
def texts(built):
    return {name: read_table(built, name) for name in ("instruments", "passages", "participation", "topic_tags", "topics")}


def test_which_resolutions_of_the_80th_session_mention_ai_and_in_which_operative_paragraphs(texts):
    i, p = texts["instruments"], texts["passages"]
    session = i[i["symbol"].str.startswith("A/RES/80/", na=False)]
    operative = p[(p["language"] == "en") & p["mentions_ai"] & (p["part"] == "operative") & p["instrument_id"].isin(session["id"])]
    answer = operative.groupby("instrument_id")["number"].agg(list)
    assert len(session) >= 30 and 20 <= len(answer) < len(session)  # some name AI only in their preamble
    # A/RES/80/58 (AI in the military domain) names AI in its operative paragraphs 1 to 5, among others
    assert {"1.", "2.", "3.", "4.", "5."} <= set(answer["unga-res-80-58"])


def test_how_each_state_voted_on_resolutions_whose_operative_paragraphs_mention_ai(texts):
    i, p, v = texts["instruments"], texts["passages"], texts["participation"]
    ai_operative = set(p[(p["language"] == "en") & p["mentions_ai"] & (p["part"] != "preamble")]["instrument_id"])
    voted = i[(i["adoption"] == "recorded-vote") & i["id"].isin(ai_operative) & (i["issuer_id"] == "un-general-assembly")]
    votes = v[v["instrument_id"].isin(voted["id"]) & v["role"].isin(["voted-yes", "voted-no", "abstained", "not-voting"])]
    table = votes.pivot(index="actor_id", columns="instrument_id", values="role")
    assert table.shape == (193, len(voted)) and len(voted) > 6
    assert table.notna().all().all()


def test_every_instrument_on_capacity_building_with_the_sentence_that_says_so(texts):
    tags, p = texts["topic_tags"], texts["passages"]
    cb = tags[tags["topic"] == "capacity-building"]
    with_text = cb[cb["passage_seq"].notna()].merge(p, left_on=["instrument_id", "passage_seq"], right_on=["instrument_id", "seq"])
    assert len(cb) > 30 and len(with_text) > 20
    assert all(m in s for m, s in zip(with_text["matched"], with_text["text"]))
    assert "unga-res-78-311" in set(cb["instrument_id"])  # the capacity-building resolution


def test_chinese_and_english_of_one_operative_paragraph_side_by_side(texts):
    p = texts["passages"]
    para = p[(p["instrument_id"] == "unga-res-78-265") & (p["eid"] == "para_11")].set_index("language")
    assert para.loc["en", "text"] == "Resolves to bridge the artificial intelligence and other digital divides between and within countries;"
    assert para.loc["zh", "text"] == "决心弥合国家之间和国家内部的人工智能鸿沟和其他数字鸿沟；"
    assert para.loc["en", "number"] == para.loc["zh", "number"] == "1."
    assert set(para.index) == {"ar", "en", "es", "fr", "ru", "zh"}


def test_everything_china_issued_rolls_up_its_ministries_and_joint_texts(t):
    """Issuers roll up through actors.parent_id: China's Foreign Ministry and Cyberspace Administration
    are China's, and a joint statement counts for each of its issuers."""
    a, p = t["actors"], t["participation"]
    parent = dict(zip(a["id"], a["parent_id"]))

    def rolls_up_to(actor, state):
        seen = set()
        while isinstance(actor, str) and actor not in seen:
            if actor == state:
                return True
            seen.add(actor)
            actor = parent.get(actor)
        return False

    issued = p[(p["role"] == "issuer") & p["actor_id"].map(lambda x: rolls_up_to(x, "chn"))]
    ids = set(issued["instrument_id"])
    assert {"china-france-joint-statement-ai-global-governance-2024", "global-ai-governance-initiative"} <= ids
    assert rolls_up_to("cac", "chn") and rolls_up_to("china-mfa", "chn") and rolls_up_to("cpc-central-committee-politburo", "chn")
    assert rolls_up_to("un-human-rights-council", "united-nations")

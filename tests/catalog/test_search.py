"""Search: filters, full text, prompt families, date ranges, keyset pages, the auditor's one command."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from imagegen.cli.main import main as cli_main
from imagegen.contract.errors import InvalidValue
from imagegen.provenance.catalog.models import Asset
from imagegen.provenance.catalog.search import (
    SearchQuery,
    decode_cursor,
    parse_bound,
    search_assets,
    search_grouped,
)

JAZZ = "A flat design poster for a jazz night at the Blue Room, headline Summer Jazz, date in the footer"
JAZZ2 = (
    "A flat design poster for a jazz night at the Blue Room, headline Summer Jazz, date in the footer, neon"
)
JAZZ3 = (
    "flat design poster for a jazz night at the Blue Room with headline Summer Jazz and date in the footer"
)
TAX = "Quarterly tax seminar slide: a bar chart of deductions, navy palette, speaker photo on the right"
MENU = "Ramen bar menu board with twelve items and prices, hand lettering, warm colors"


def _set_time(recorder, asset_id: str, when: datetime) -> None:
    with recorder.sessions() as s, s.begin():
        s.execute(update(Asset).where(Asset.asset_id == asset_id).values(created_at=when))


def test_families_group_near_duplicates_only(record, recorder):
    a = record("acme", JAZZ, n=2)
    b = record("acme", JAZZ2)
    c = record("acme", JAZZ3)
    t = record("acme", TAX)
    m = record("acme", MENU)
    with recorder.sessions() as s:
        res = search_grouped(s, "acme", SearchQuery())
    by_family = {g.family_id: {x["asset_id"] for x in g.assets} for g in res.groups}
    jazz = {x.asset_id for x in a + b + c}
    assert by_family[a[0].asset_id] == jazz
    assert by_family[t[0].asset_id] == {t[0].asset_id}
    assert by_family[m[0].asset_id] == {m[0].asset_id}
    assert [g.count for g in res.groups] == [4, 1, 1] and res.total == 6
    assert res.groups[0].prompt == JAZZ
    # families are per tenant: the same prompt in another tenant founds its own family
    [other] = record("other", JAZZ)
    with recorder.sessions() as s:
        assert search_grouped(s, "other", SearchQuery()).groups[0].family_id == other.asset_id


def test_full_text_over_prompt_and_rendered_text(record, recorder):
    [a] = record("acme", "poster for a bakery", texts=["Croissant Friday"])
    [b] = record("acme", "poster for a bike shop", texts=["Tune-up Week"])
    record("other", "poster for a bakery", texts=["Croissant Friday"])
    with recorder.sessions() as s:
        ids = lambda text: [x["asset_id"] for x in search_assets(s, "acme", SearchQuery(text=text)).items]  # noqa: E731
        assert ids("croissant") == [a.asset_id]  # rendered text only
        assert ids("bike") == [b.asset_id]  # prompt only
        assert ids("POSTER") == [b.asset_id, a.asset_id]  # case-folded, newest first
        assert ids("bakery croissant") == [a.asset_id]  # words AND together
        assert ids("tune up") == [b.asset_id]
        # query syntax is neutralized: no OR, no prefix star, no stray quotes
        assert ids('croissant" OR "bike') == []
        assert ids('"croissant*') == [a.asset_id]
        assert ids("zebra") == []


def test_filters_and_dates(record, recorder):
    [g2] = record("acme", "one", model="gpt-image-2", user="ann")
    [g1] = record("acme", "two", model="gpt-image-1", user="bob")
    [late] = record("acme", "three", model="gpt-image-2", user="ann")
    _set_time(recorder, g2.asset_id, datetime(2026, 4, 22, 0, 0, 0))
    _set_time(recorder, g1.asset_id, datetime(2026, 4, 25, 12, 0, 0))
    _set_time(recorder, late.asset_id, datetime(2026, 4, 30, 0, 0, 0))
    q = dict(date_from=parse_bound("2026-04-22", upper=False), date_to=parse_bound("2026-04-29", upper=True))
    with recorder.sessions() as s:
        found = lambda **kw: {x["asset_id"] for x in search_assets(s, "acme", SearchQuery(**kw)).items}  # noqa: E731
        assert found(**q) == {g2.asset_id, g1.asset_id}  # the 29th is included, the 30th not
        assert found(model="gpt-image-2", **q) == {g2.asset_id}
        assert found(user="bob") == {g1.asset_id}
        assert found(engine="planning", output_format="png", width=256, height=256) == {
            g2.asset_id,
            g1.asset_id,
            late.asset_id,
        }
        assert found(source="ingested") == set()
        assert found(date_to=parse_bound("2026-04-25T12:00:00Z", upper=True)) == {g2.asset_id}
    with pytest.raises(InvalidValue):
        parse_bound("22/04/2026", upper=False)


def test_keyset_pagination_is_complete_and_stable(record, recorder):
    made = [a.asset_id for a in record("acme", "same prompt", n=7)]
    base = datetime(2026, 1, 1)
    for i, aid in enumerate(made):
        _set_time(recorder, aid, base + timedelta(minutes=i // 2))  # ties on created_at on purpose
    for text in (None, "prompt"):
        seen, cursor = [], None
        with recorder.sessions() as s:
            while True:
                page = search_assets(s, "acme", SearchQuery(text=text, limit=3, cursor=cursor))
                seen += [x["asset_id"] for x in page.items]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
        assert sorted(seen) == sorted(made) and len(seen) == 7
    with pytest.raises(InvalidValue):
        decode_cursor("not-a-cursor")


def test_auditor_query_is_one_cli_command(record, recorder, settings, monkeypatch, capsys):
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    jazz = record("client-x", JAZZ, n=2) + record("client-x", JAZZ2)
    [tax] = record("client-x", TAX)
    [old] = record("client-x", JAZZ)
    [other_model] = record("client-x", JAZZ, model="gpt-image-1")
    [other_tenant] = record("client-y", JAZZ)
    for a in [*jazz, tax, other_model, other_tenant]:
        _set_time(recorder, a.asset_id, datetime(2026, 4, 24, 10, 0))
    _set_time(recorder, old.asset_id, datetime(2026, 3, 1))
    rc = cli_main(
        [
            "search",
            "--tenant",
            "client-x",
            "--model",
            "gpt-image-2",
            "--from",
            "2026-04-22",
            "--to",
            "2026-04-29",
            "--group-by",
            "family",
            "--json",
        ]
    )
    assert rc == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["total"] == 4 and doc["tenant"] == "client-x"
    groups = {g["family_id"]: {a["asset_id"] for a in g["assets"]} for g in doc["groups"]}
    assert groups == {jazz[0].asset_id: {a.asset_id for a in jazz}, tax.asset_id: {tax.asset_id}}
    # the plain listing and the text form work too
    assert cli_main(["search", "--tenant", "client-x", "-q", "tax seminar", "--json"]) == 0
    assert [a["asset_id"] for a in json.loads(capsys.readouterr().out)["data"]] == [tax.asset_id]
    assert cli_main(["search", "--tenant", "client-x", "--group-by", "family"]) == 0
    assert "prompt families" in capsys.readouterr().out

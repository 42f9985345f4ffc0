"""``imagegen search lighthouse``: a positional free-text query, alone or beside ``-q`` (issue 10)."""

from __future__ import annotations

import json

from imagegen.cli.main import main as cli_main

LIGHTHOUSE = "Travel poster of a lighthouse on a cliff at dusk, headline Visit Brittany"
TAX = "Quarterly tax seminar slide: a bar chart of deductions, navy palette, speaker photo on the right"


def test_positional_query_searches_the_text(record, settings, monkeypatch, capsys):
    monkeypatch.setenv("IMAGEGEN_HOME", str(settings.home))
    [light] = record("acme", LIGHTHOUSE)
    record("acme", TAX)

    def found(*args: str) -> list[str]:
        assert cli_main(["search", *args, "--tenant", "acme", "--json"]) == 0
        return [a["asset_id"] for a in json.loads(capsys.readouterr().out)["data"]]

    assert found("lighthouse") == [light.asset_id]
    assert found("lighthouse", "-q", "dusk") == [light.asset_id]  # both parts AND together
    assert found("-q", "lighthouse") == [light.asset_id]
    assert found("lighthouse", "-q", "seminar") == []

"""The report page of a 2014–2018 report shows its statistics table; a 2008–2013 report shows the figures
read from its prose, each with its sentence and source kind."""

from __future__ import annotations

import random
from pathlib import Path

from lxml import html as lxml_html

import synth
from nianbao.pipeline import Archive, ingest_paths
from tests.datasette.conftest import Client, make_datasette


def test_era_report_pages(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    records = {}
    for i, template in enumerate(("stat2014", "legacy")):
        rng = random.Random(70 + i)
        records[template] = synth.random_record(rng, template)
        data, ext = synth.render(records[template], "html-plain", rng)
        (folder / f"{template}.{ext}").write_bytes(data)
    archive = Archive.open(tmp_path / "a")
    ingest_paths(archive, [folder])
    ids = {r["template"]: r["id"] for r in archive.db["reports"].rows}
    archive.db.conn.close()
    client = Client(make_datasette(tmp_path / "a" / "nianbao.db"))

    stat = lxml_html.fromstring(client.get(f"/nianbao/reports/{ids['stat2014']}").text)
    rows = stat.xpath('//section[@id="table-statistics"]//tbody/tr')
    assert len(rows) == len(records["stat2014"]["statistics"])
    first = [td.text_content() for td in rows[0].xpath("./td")]
    assert first[1] == "条"
    assert first[2] == str(records["stat2014"]["statistics"]["proactive_items"]["count"])

    legacy = lxml_html.fromstring(client.get(f"/nianbao/reports/{ids['legacy']}").text)
    shown = legacy.xpath('//section[@id="text-values"]//tbody/tr')
    assert len(shown) == len(records["legacy"]["text_values"])
    cells = [[td.text_content() for td in tr.xpath("./td")] for tr in shown]
    assert {c[2] for c in cells} == {"text"}
    assert all(c[3] for c in cells)
    assert not legacy.xpath('//section[@id="table-statistics"]')

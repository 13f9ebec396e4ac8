"""Issue 11 in a real browser: what a journalist sees on the pages, measured in headless Chromium.

A probe page served by the same Datasette (same origin, an extra --static mount in a temporary folder) loads
each page in an iframe and writes what it measured into its own DOM, which `chromium --dump-dom` returns:
unknown figures shown blank (not 0.0), agency names linking to their agency page, column descriptions
collapsed so rows come first, hashes that do not squeeze titles, searches with several words and names.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from urllib.parse import quote

import pytest

from nianbao.serve import datasette_args
from tests.datasette import build as b
from tests.datasette.build import Built
from tests.datasette.served import served
from tests.datasette.test_browser import CHROMIUM, dump_dom

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

PROBE = """<!doctype html><html><head><meta charset="utf-8"></head><body><pre id="out">pending</pre><script>
function probe(path, measure) {
  return new Promise(done => {
    const frame = document.createElement('iframe');
    frame.style.width = '1280px'; frame.style.height = '900px';
    frame.onload = () => { try { done(measure(frame.contentDocument, frame.contentWindow)); }
                           catch (e) { done({error: String(e)}); } };
    frame.src = path;
    document.body.appendChild(frame);
  });
}
const cellText = td => td ? td.textContent.replace(/\\u00a0/g, ' ').trim() : null;
Promise.all([
  probe('/nianbao/report_summary', (d, w) => {
    const top = () => d.querySelector('table.rows-and-columns').getBoundingClientRect().top;
    const out = {descriptions: w.getComputedStyle(d.querySelector('dl.column-descriptions')).display,
                 table_top: top()};
    d.querySelector('details.column-notes summary').click();
    out.opened = w.getComputedStyle(d.querySelector('details.column-notes dl')).display;
    out.table_top_opened = top();
    return out;
  }),
  probe('/nianbao/reports', (d, w) => ({
    sha: d.querySelector('td.col-sha256').getBoundingClientRect().width,
    title: d.querySelector('td.col-title').getBoundingClientRect().width})),
  probe('/nianbao/refusal_rates?min_requests=0', d => {
    const row = [...d.querySelectorAll('table.rows-and-columns tbody tr')]
      .find(tr => cellText(tr.querySelector('td.col-agency')) === UNKNOWN);
    const link = row && row.querySelector('td.col-agency a');
    return {found: !!row, refusal_rate: cellText(row && row.querySelector('td.col-refusal_rate')),
            denied: cellText(row && row.querySelector('td.col-denied')),
            reports_with_denied: cellText(row && row.querySelector('td.col-reports_with_denied')),
            agency_link: link ? link.getAttribute('href') : null};
  }),
  probe('/nianbao/search?q=' + SEARCH, d => ({
    reports: [...d.querySelectorAll('table.rows-and-columns td.col-report_id a')].map(a => a.getAttribute('href'))})),
  probe('/', d => ({search_form: (d.querySelector('form.nianbao-search') || {}).action || null})),
]).then(r => { document.getElementById('out').textContent = JSON.stringify(r); });
</script></body></html>"""


@pytest.fixture(scope="module")
def probed(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    folder = tmp_path_factory.mktemp("probe")
    page = PROBE.replace("UNKNOWN", json.dumps(b.UNKNOWN[0])).replace("SEARCH", json.dumps(quote(f"海原县 {b.WORD_2}")))
    (folder / "probe.html").write_text(page, encoding="utf-8")
    with served(lambda port: [*datasette_args(built.db_path, "127.0.0.1", port), "--static", f"probe:{folder}"],
                env={**os.environ, "NIANBAO_DEMO": "1"}) as (base, _):
        dom = dump_dom(base + "/probe/probe.html")
        out = dom.split('<pre id="out">', 1)[1].split("</pre>", 1)[0]
        assert out != "pending", dom[:2000]
        summary, reports, rates, search, home = json.loads(out.replace("&amp;", "&").replace("&lt;", "<"))
        yield {"summary": summary, "reports": reports, "rates": rates, "search": search, "home": home}


def test_unknown_refusal_rate_is_blank_and_the_agency_links_to_its_page(probed: dict, built: Built) -> None:
    rates = probed["rates"]
    assert rates["found"], rates
    assert (rates["refusal_rate"], rates["denied"], rates["reports_with_denied"]) == ("", "", "0")
    assert rates["agency_link"]
    assert rates["agency_link"].startswith("/nianbao/agencies/")


def test_column_descriptions_are_collapsed_so_rows_come_first(probed: dict) -> None:
    summary = probed["summary"]
    assert summary["descriptions"] == "none"
    assert summary["table_top"] < 1000  # the first rows are on the first screen of a laptop
    assert summary["opened"] == "grid"  # one click shows them
    assert summary["table_top_opened"] > summary["table_top"] + 500  # what used to bury the rows


def test_long_hashes_do_not_squeeze_titles(probed: dict) -> None:
    reports = probed["reports"]
    assert reports["sha"] < 200
    assert reports["title"] > reports["sha"]


def test_site_search_with_a_county_and_a_word_links_to_the_report(probed: dict, built: Built) -> None:
    assert probed["search"]["reports"] == [f"/nianbao/reports/{built.ids[(b.HAIYUAN, 2021)]}"]
    assert probed["home"]["search_form"].endswith("/nianbao/search")

"""Fidelity harness for parser speed work: parse() records of a fixed corpus, dumped as JSON and compared.

A speed change must leave every record byte for byte as it was. `dump` writes one JSON line per document
(sorted keys; `parser_version`, a hash of the parser's own source, left out); `check` dumps the current
tree's records and compares them with a reference dump, line by line, printing the first differences.

The corpus: the HTML bench corpus of bench/parse_bench.py (synthetic bodies of the five HTML layouts and full
portal pages), ~150 more synthetic reports of every template (gov2021, gov2019, mixed, stat2014, legacy, with
blanks and broken arithmetic) in HTML, TSV and Markdown, markup variants of real pages (spans, line breaks,
broken or huge spans, cells outside rows, nesting, th/thead, comments, scripts …), a few PDFs and DOCX files,
and every saved page of
../shared/portal-pages and document of ../shared/corpus.

Usage:
  python bench/parse_fidelity.py dump REF.jsonl   # run from a copy of the reference tree (e.g. `git archive`
                                                  # of main with this script copied into its bench/)
  python bench/parse_fidelity.py check REF.jsonl  # in the tree under test
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = ("gov2021", "gov2019", "mixed", "stat2014", "legacy")
EXTRA_LAYOUTS = ("html-plain", "html-gbk", "html-nbsp", "html-layout", "html-rowspan_alt", "tsv", "md")


def _extra(out: Path, n: int, seed: int) -> list[Path]:
    """n synthetic reports cycling through every template × text-like layout, some with blanks or errors."""
    import synth

    rng = random.Random(seed)
    paths = []
    for i in range(n):
        template = TEMPLATES[i % len(TEMPLATES)]
        layout = EXTRA_LAYOUTS[(i // len(TEMPLATES)) % len(EXTRA_LAYOUTS)]
        record = synth.random_record(rng, template, blanks=i % 4 == 1, break_arithmetic=i % 4 == 2)
        data, ext = synth.render(record, layout, rng)
        path = out / f"x{i}-{template}-{layout}.{ext}"
        path.write_bytes(data)
        paths.append(path)
    for i, layout in enumerate(("pdf", "docx") * 3):
        record = synth.random_record(rng, TEMPLATES[i % len(TEMPLATES)])
        data, ext = synth.render(record, layout, rng)
        path = out / f"y{i}.{ext}"
        path.write_bytes(data)
        paths.append(path)
    return paths


# Markup variants a real page has and the synthetic ones lack: each is a (name, transform of an html-plain page).
def _deep(page: str, depth: int) -> str:
    return page.replace("<body>", "<body>" + "<div>" * depth, 1).replace("</body>", "</div>" * depth + "</body>", 1)


def _every(n: int, old: str, new: str) -> object:
    def transform(page: str) -> str:
        parts = page.split(old)
        return "".join(p + (new if i % n == 0 else old) for i, p in enumerate(parts[:-1])) + parts[-1]
    return transform


VARIANTS = {
    "spans": lambda p: p.replace("<td>", "<td><span> ").replace("</td>", " </span></td>"),
    "ws": lambda p: p.replace("<td>", "<td>\n\u3000 ").replace("</td>", "&nbsp;\n</td>"),
    "br": _every(3, "</td>", "<br>注</td>"),
    "para": _every(4, "<td>", "<td><p>甲</p>"),
    "form": lambda p: p.replace("<tbody><tr>", "<tbody><form><tr>", 1),
    "bad-spans": _every(5, 'colspan="', 'colspan="x'),
    "zero-spans": _every(4, 'rowspan="', 'rowspan="0'),
    "huge-spans": _every(9, 'colspan="', 'colspan="99999'),
    "nested": lambda p: p.replace("<table", "<table><tr><td><table").replace("</table>", "</table></td></tr></table>"),
    "long-cell": _every(2, "<td>", "<td>" + "长" * 250),
    "upper": lambda p: p.replace("<td", "<TD").replace("</td>", "</TD>").replace("<tr>", "<TR>"),
    "comments": lambda p: p.replace("<td>", "<td><!-- c -->"),
    "th": lambda p: p.replace("<td", "<th").replace("</td>", "</th>"),
    "thead": lambda p: p.replace("<tbody>", "<thead>").replace("</tbody>", "</thead><tfoot></tfoot>"),
    "script": lambda p: p.replace("<body>", "<body><script>var t='<table><tr><td>1</td></tr></table>';</script>"
                                  "<style>td{}</style><noscript>无</noscript><select><option>甲</option></select>"),
    "deep300": lambda p: _deep(p, 300),
    "deep3000": lambda p: _deep(p, 3000),
    "tails": lambda p: p.replace("</table>", "</table>表后文字<b>粗</b>尾"),
    "no-tbody": lambda p: p.replace("<tbody>", "").replace("</tbody>", ""),
    "loose-cells": lambda p: p.replace("<tr>", "", 3),
    "pre": lambda p: p.replace("<p>", "<pre>  ", 3).replace("</p>", "\n  </pre>", 3),
    "empty-table": lambda p: p.replace("<body>", "<body><table></table><table><tr></tr></table>"),
    "br-end": _every(2, "</td>", "<br></td>"),
    "pua": lambda p: p.replace("</h1>", "\ue010\ue000T0\ue000</h1>", 1),
    "pua-ref": lambda p: p.replace("</h1>", "&#xE011;&#57363;</h1>", 1),
    "no-body": lambda p: p[: p.index("<body>")] + "</html>",
    "after-body": lambda p: p.replace("</body>", "</body>\n正文之后<p>段落</p>"),
    "many-tables": lambda p: p.replace("</body>", "<table><tr><td>1</td></tr></table>" * 520 + "</body>"),
    "long-table": lambda p: p.replace("</body>", "<table>" + "<tr><td>甲</td><td>1</td></tr>" * 1001
                                      + "</table></body>"),
    "span-bomb": lambda p: p.replace("</body>", "<table>" + '<tr><td colspan="200">x</td></tr>' * 600
                                    + "</table></body>"),
}


def _variants(out: Path, seed: int) -> list[Path]:
    import synth

    rng = random.Random(seed)
    paths = []
    for i, (name, transform) in enumerate(VARIANTS.items()):
        record = synth.random_record(rng, TEMPLATES[i % 4])  # not legacy: it prints no tables
        page = synth.render(record, "html-plain", rng)[0].decode("utf-8")
        path = out / f"v{i}-{name}.html"
        path.write_text(transform(page), encoding="utf-8")
        paths.append(path)
    return paths


def corpus(out: Path) -> list[tuple[str, Path]]:
    """(stable name, path) of every document of the fidelity corpus."""
    sys.path.insert(0, str(HERE))
    import parse_bench

    files = parse_bench.make_corpus(out, 90, 2026)
    named = [(f"bench-{kind}/{p.name}", p) for kind in ("html", "full") for p in files[kind]]
    named += [(f"extra/{p.name}", p) for p in _extra(out, 150, 13)]
    named += [(f"variant/{p.name}", p) for p in _variants(out, 17)]
    for shared in (parse_bench.PORTAL_PAGES, parse_bench.SHARED_CORPUS):
        if shared.is_dir():
            named += [(f"{shared.name}/{p.relative_to(shared)}", p) for p in sorted(shared.rglob("*"))
                      if p.is_file() and p.name != "README.md" and p.suffix != ".json"]
    return named


def dump(path: Path) -> int:
    from parsers import parse

    n = 0
    with tempfile.TemporaryDirectory(prefix="nianbao-fidelity-") as tmp, path.open("w", encoding="utf-8") as out:
        for name, file in corpus(Path(tmp)):
            record = parse(file.read_bytes(), name)
            record.pop("parser_version", None)
            out.write(json.dumps({"name": name, "record": record}, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    return n


def check(ref: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="nianbao-fidelity-") as tmp:
        now = Path(tmp) / "now.jsonl"
        n = dump(now)
        old_lines = ref.read_text(encoding="utf-8").splitlines()
        new_lines = now.read_text(encoding="utf-8").splitlines()
    bad = [(a, b) for a, b in zip(old_lines, new_lines, strict=False) if a != b]
    if len(old_lines) != len(new_lines):
        print(f"document count differs: reference {len(old_lines)}, now {len(new_lines)}")
    for a, b in bad[:5]:
        old, new = json.loads(a), json.loads(b)
        print(f"DIFF {old['name']}")
        for key in sorted(set(old["record"]) | set(new["record"])):
            if old["record"].get(key) != new["record"].get(key):
                print(f"  {key}: {json.dumps(old['record'].get(key), ensure_ascii=False)[:300]}\n"
                      f"  now: {json.dumps(new['record'].get(key), ensure_ascii=False)[:300]}")
    print(f"{n} documents, {len(bad)} differ")
    return 1 if bad or len(old_lines) != len(new_lines) else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=("dump", "check"))
    ap.add_argument("file", type=Path)
    args = ap.parse_args()
    sys.path.insert(0, str(HERE.parent))
    if args.action == "dump":
        print(f"{dump(args.file)} documents")
    else:
        sys.exit(check(args.file))


if __name__ == "__main__":
    main()

"""Time and peak memory of the worst hostile files still accepted by parsers/limits.py (issue 12 §2).

Each case is parsed by `nianbao parse` logic (parse_file) in a fresh process, which reports its wall
time, CPU time and peak RSS (VmHWM); the baseline is the same process parsing one ordinary synthetic
report. Figures are ratios against that baseline, measured in the same run (the machines are noisy).

Usage: python bench/hostile_bench.py [--out DIR] [--skip-64mb]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import synth  # noqa: E402
from parsers.limits import MAX_DOCX_XML_BYTES, MAX_FILE_BYTES, MAX_PDF_PAGES  # noqa: E402

PROBE = """
import json, resource, sys, time
from parsers import parse_file
start, cpu = time.monotonic(), time.process_time()
record = parse_file(sys.argv[1])
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"status": record["status"], "seconds": time.monotonic() - start,
                  "cpu": time.process_time() - cpu, "peak_mb": hwm // 1024,
                  "note": (record["errors"] or record["warnings"] or [""])[0][:90]}))
"""


def _report_html(seed: int = 3) -> str:
    record = synth.random_record(random.Random(seed), "gov2021", agency="海原县人民政府", year=2023)
    return synth.render(record, "html-plain", random.Random(seed))[0].decode("utf-8")


def _deep(depth: int) -> bytes:
    nav = "<div>" * depth + "<a href=/>首页</a>" + "</div>" * depth
    return re.sub(r"<body[^>]*>", lambda m: m.group(0) + nav, _report_html(), count=1).encode()


def _tables(size: int) -> bytes:
    table = "<table>" + "<tr><td>申请</td><td>5</td><td>3</td></tr>" * 3 + "</table>"
    return ("<html><body>" + table * (size // len(table.encode())) + "</body></html>").encode()


def _prose_and_table(size: int) -> bytes:
    para = "<p>" + "政府信息公开工作稳步推进，" * 20 + "</p>\n"
    row = "<tr><td>123</td><td>行政许可</td><td rowspan=3>5</td></tr>\n"
    half = size // 2
    body = para * (half // len(para.encode())) + "<table>" + row * (half // len(row.encode())) + "</table>"
    return ("<html><body><p>某县2023年政府信息公开工作年度报告</p>" + body + "</body></html>").encode()[:size]


def _form_mangled(size: int) -> bytes:
    page = _report_html()
    page = re.sub(r"(<table[^>]*>\s*(?:<tbody>)?\s*<tr.*?</tr>)", r"\1<form>", page, flags=re.S)
    page = page.replace("</table>", "</form></table>")
    filler = "<p>" + "附：政府信息公开指南。" * 40 + "</p>"
    return page.replace("</body>", filler * ((size - len(page.encode())) // len(filler.encode())) + "</body>").encode()


def _docx(xml_bytes: int) -> bytes:
    rng = random.Random(1)
    paragraph = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    parts, total = [], 0
    while total < xml_bytes - 200:
        text = paragraph.format("".join(rng.choice("政府信息公开申请办理0123456789") for _ in range(60)))
        parts.append(text)
        total += len(text.encode())
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                head, _, _ = data.decode().partition("<w:body>")
                data = (head + "<w:body>" + "".join(parts) + "</w:body></w:document>").encode()
            zf.writestr(info.filename, data)
    return out.getvalue()


def _pdf(pages: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    for p in range(pages):
        c.setFont("STSong-Light", 10)
        for line in range(50):
            c.drawString(40, 800 - line * 15, f"第{p + 1}页 第{line + 1}行 政府信息公开工作稳步推进。")
        c.showPage()
    c.save()
    return buf.getvalue()


def cases(skip_64mb: bool) -> dict[str, bytes]:
    out = {
        "baseline: one synthetic report (HTML)": _report_html().encode(),
        "HTML, navigation nested 2,000 deep (under libxml2's 2,048)": _deep(2000),
        "HTML, navigation nested 50,000 deep (flattened)": _deep(50_000),
        "HTML, 10 MB of adjacent tables (70,000 tables)": _tables(10 * 1024 * 1024),
        "HTML, 2 MB with cells outside rows (html5lib re-parse)": _form_mangled(2 * 1024 * 1024),
        f"DOCX, document.xml just under {MAX_DOCX_XML_BYTES // 2**20} MB": _docx(MAX_DOCX_XML_BYTES - 4096),
        f"PDF, {MAX_PDF_PAGES} pages of text": _pdf(MAX_PDF_PAGES),
    }
    if not skip_64mb:
        out[f"HTML, {MAX_FILE_BYTES // 2**20} MB of prose and one big table (the read cap)"] = \
            _prose_and_table(MAX_FILE_BYTES - 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--skip-64mb", action="store_true", help="Leave out the largest (slowest) case.")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="hostile-bench-") as tmp:
        for name, data in cases(args.skip_64mb).items():
            path = Path(tmp) / "input"
            path.write_bytes(data)
            out = subprocess.run([sys.executable, "-c", PROBE, str(path)], cwd=ROOT, capture_output=True, text=True,
                                 timeout=900, check=True)
            rows.append({"case": name, "mb": len(data) / 2**20, **json.loads(out.stdout)})
            print(json.dumps(rows[-1], ensure_ascii=False), file=sys.stderr)
    base = rows[0]
    print("| input | MB | status | wall s | CPU s | peak RSS MB | peak ÷ baseline |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['case']} | {r['mb']:.1f} | {r['status']} | {r['seconds']:.1f} | {r['cpu']:.1f} | "
              f"{r['peak_mb']} | {r['peak_mb'] / base['peak_mb']:.1f}× |")


if __name__ == "__main__":
    main()

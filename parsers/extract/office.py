"""DOC/WPS (binary Office formats) → DOCX with LibreOffice, then the DOCX extractor."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from parsers.extract.docx import extract_docx
from parsers.limits import MAX_CONVERT_SECONDS as TIMEOUT_S
from parsers.models import Document, ExtractError


def extract_office(data: bytes, content_type: str | None = None) -> Document:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise ExtractError("unparseable", "DOC/WPS files need LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        src = Path(tmp) / "in.doc"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"  # a private profile: concurrent soffice runs must not share one
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "docx",
               "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise ExtractError("unparseable", "LibreOffice timed out converting the DOC/WPS file") from None
        out = Path(tmp) / "in.docx"
        if not out.exists():
            raise ExtractError("unparseable", "LibreOffice could not convert the DOC/WPS file")
        doc = extract_docx(out.read_bytes())
    doc.format = "doc"
    return doc

"""DOC/WPS/ODT/RTF through LibreOffice headless into DOCX, then the DOCX extractor.

Each conversion runs soffice with its own throw-away profile (`-env:UserInstallation`): two soffice
processes sharing a profile block each other, so concurrent parses (crawler workers) would hang.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from parsers.limits import MAX_CONVERT_SECONDS as TIMEOUT_S
from parsers.models import Document, ExtractError

MAX_INPUT = 100 * 1024 * 1024  # a report is a few MB; LibreOffice on more is minutes of CPU
SOURCE_SUFFIX = {"doc": "doc", "wps": "doc", "odt": "odt", "rtf": "rtf", "et": "xls", "ods": "ods"}
NAMES = {"doc": "DOC", "wps": "WPS", "odt": "ODT", "rtf": "RTF", "et": "ET", "ods": "ODS"}


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, fmt: str, target: str) -> bytes:
    """The document converted by LibreOffice to `target` (docx, xlsx); ExtractError when it cannot be."""
    name = NAMES.get(fmt, fmt.upper())
    soffice = soffice_path()
    if not soffice:
        raise ExtractError("unparseable", f"{name} files need LibreOffice (soffice), which is not installed")
    if len(data) > MAX_INPUT:
        raise ExtractError("unparseable", f"the {name} file is {len(data):,} bytes; reports are far smaller")
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        src = Path(tmp) / f"in.{SOURCE_SUFFIX.get(fmt, fmt)}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", tmp, str(src)]
        _run(cmd, name)
        out = Path(tmp) / f"in.{target}"
        if not out.exists() or out.stat().st_size == 0:
            raise ExtractError("unparseable", f"LibreOffice could not convert the {name} file "
                                              "(damaged, encrypted or not really that format)")
        return out.read_bytes()


def _run(cmd: list[str], name: str) -> None:
    """Run soffice in its own process group, so a timeout ends soffice.bin too, not just the launcher."""
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        proc.wait(TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise ExtractError("unparseable", f"LibreOffice timed out converting the {name} file") from None


def extract_office(data: bytes, content_type: str | None = None, fmt: str = "doc") -> Document:
    """A word-processor document other than DOCX: converted, then read as DOCX."""
    from parsers.extract.docx import extract_docx

    doc = extract_docx(convert(data, fmt, "docx"))
    doc.format = fmt
    return doc

"""From an article file's bytes to clean text: decoded, stripped of page furniture.

The bytes are what is kept and hashed; the clean text is derived from them by these
rules alone, so it is reproducible and cleaning clean text changes nothing. The rules
remove what the seed articles carry besides the story: "| Also Read: ... |" links,
"Based On A PTI Report" credits, bylines in capitals, trailing white space and runs of
blank lines. Every sentence of the story is kept as it stands.
"""

from __future__ import annotations

import re
from typing import Final

from procurement.errors import InvalidData, Problem

__all__ = ["MAX_BYTES", "clean", "decode"]

MAX_BYTES: Final = 2_000_000
"""Larger files are refused: no news article is that long, and reading one would stall."""

_FURNITURE: Final = [
    re.compile(r"^\s*\|?\s*Also Read\s*:.*$", re.IGNORECASE),
    re.compile(
        r"^\s*(Based|With inputs) (On|from) (A|an)?\s*[\w ]{0,30}(Report|Agencies)\s*$",
        re.IGNORECASE,
    ),
    re.compile(
        r"^\s*(Read more|Advertisement|Share this article|Follow us on)\b.*$", re.IGNORECASE
    ),
]
_BYLINE: Final = re.compile(r"^\s*(By\s+)?[A-Z][A-Z.'-]+(\s+[A-Z][A-Z.'-]+){1,3}\s*$")


def decode(data: bytes, name: str) -> tuple[str, str]:
    """The text of an article file and the encoding it was read in.

    UTF-8 (with or without a byte-order mark) and UTF-16 with a mark are read as such;
    anything else that is not binary is read as Windows-1252, the usual legacy encoding
    of Western news sites. Empty, binary and oversized files are refused.
    """
    if not data.strip():
        raise InvalidData(Problem("the file is empty", file=name))
    if len(data) > MAX_BYTES:
        raise InvalidData(
            Problem(
                f"the file is {len(data):,} bytes; articles over {MAX_BYTES:,} are refused",
                file=name,
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data:
        raise InvalidData(Problem("the file is binary, not text", file=name))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\n\r\t")
    if controls > len(text) / 100 or text.count("\ufffd") > len(text) / 100:
        raise InvalidData(Problem("the file is binary, not text", file=name))
    return text, "cp1252"


def clean(text: str) -> str:
    """The story without page furniture; `clean(clean(t)) == clean(t)`."""
    lines = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.rstrip()
        if any(rule.match(line) for rule in _FURNITURE):
            continue
        if _BYLINE.match(line) and len(line.split()) <= 4 and not line.rstrip().endswith("."):
            continue
        lines.append(line)
    cleaned = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return cleaned + "\n" if cleaned else ""

"""The text of a notice published as PDF (with a text layer), for the same parser as .docx/.txt.

Published notices are often PDFs made from Word: their text is there, but broken into the
lines of the page. The lines are joined back into paragraphs where a line does not end a
sentence and the next does not start a heading or an item; page numbers are dropped. A scanned
PDF has no text to give: the sender is asked for .docx or .txt.
"""

from __future__ import annotations

import io
import logging
import re

from domain.errors import DomainError
from domain.intake.headings import LEADING_NUMBER

log = logging.getLogger(__name__)

MAX_PAGES = 300  # a notice is a few pages; more is not a notice (or is hostile)
MAX_TEXT_CHARS = 2_000_000
_SENTENCE_END = re.compile(r"[。；;：:！!？?）)”」]$")
# A heading's own number (domain.intake.headings), or the start of an enumerated item.
_STARTS_ITEM = re.compile(
    LEADING_NUMBER.pattern
    + r"|^\s*(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|(?:首先|其次|再次|最后)[，,]|[①-⑳])"
)
_PAGE_NUMBER = re.compile(
    r"^\s*[-—–]*\s*\d{1,4}\s*[-—–]*\s*$|^\s*第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?\s*$"
)


class NoticeWithoutText(DomainError):
    """A PDF without a text layer (a scan): the parser has nothing to read."""

    key = "error.notice_scanned"

    def __init__(self, name: str) -> None:
        super().__init__(name=name)


class PdfUnreadable(DomainError):
    """A PDF that cannot be opened: damaged, password-protected or too large."""

    key = "error.notice_pdf_damaged"

    def __init__(self, name: str) -> None:
        super().__init__(name=name, pages=MAX_PAGES)


def pdf_text(data: bytes, filename: str) -> str:
    """Return the notice's text, one paragraph per line."""
    from pypdf import PdfReader  # loaded with the first PDF, not at start
    from pypdf.errors import DependencyError, PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfUnreadable(filename)  # a password is needed to read it
        if len(reader.pages) > MAX_PAGES:
            raise PdfUnreadable(filename)
        pages = []
        size = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            size += len(text)
            if size > MAX_TEXT_CHARS:
                raise PdfUnreadable(filename)
            pages.append(text)
    except DomainError:
        raise
    # DependencyError: AES-encrypted (even with an empty password) needs a crypto library the
    # bot does not ship; the sender is asked for .docx or .txt like for any locked PDF.
    except (PyPdfError, DependencyError, ValueError, KeyError, TypeError, OSError,
            RecursionError) as exc:  # fmt: skip
        log.info("PDF %s could not be read: %r", filename, exc)
        raise PdfUnreadable(filename) from None
    lines = [line.strip() for page in pages for line in page.splitlines()]
    lines = [line for line in lines if line and not _PAGE_NUMBER.match(line)]
    if sum(len(line) for line in lines) < 20:  # nothing, or a stray page number or two
        raise NoticeWithoutText(filename)
    return "\n".join(paragraphs(lines))


def paragraphs(lines: list[str]) -> list[str]:
    """Join page lines into paragraphs: a line continues the previous one unless that one
    ended a sentence or this one starts a heading or an item."""
    joined: list[str] = []
    for line in lines:
        if joined and not _SENTENCE_END.search(joined[-1]) and not _STARTS_ITEM.match(line):
            joined[-1] += line
        else:
            joined.append(line)
    return joined

"""Guards for the Office files users send (.xlsx, .docx): checked before any parser opens them.

Both are zip archives; a crafted one can inflate to gigabytes (a zip bomb). Their sizes are
read from the archive's directory and refused beyond the limits, before a member is read. An
OLE compound file is the old .xls/.doc/.wps format, or a password-protected new one.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """How far an archive may inflate: in all, and per member beyond a size."""

    max_total: int
    max_ratio: float
    ratio_from: int  # members smaller than this are not held to the ratio


# A workbook of 20,000 rows inflates a lot and legitimately; a notice is a text document.
WORKBOOK_LIMITS = ZipLimits(max_total=100 * MB, max_ratio=200, ratio_from=10 * MB)
NOTICE_LIMITS = ZipLimits(max_total=50 * MB, max_ratio=100, ratio_from=1 * MB)


@dataclass(frozen=True, slots=True)
class Oversized:
    """Why an archive is refused: its inflated total, or one member's compression ratio."""

    total: int  # bytes once inflated
    member: str = ""  # the member with an abnormal ratio ("" when the total is the reason)
    ratio: float = 0.0


def is_ole(data: bytes) -> bool:
    """Tell whether the bytes are an OLE compound file (old format, or encrypted)."""
    return data.startswith(OLE_MAGIC)


def oversized(members: Sequence[zipfile.ZipInfo], limits: ZipLimits) -> Oversized | None:
    """Return why the archive would inflate beyond the limits, or None when it would not."""
    total = sum(m.file_size for m in members)
    if total > limits.max_total:
        return Oversized(total)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > limits.ratio_from and ratio > limits.max_ratio:
            return Oversized(total, member.filename, ratio)
    return None

"""Small PDFs made for the tests: a text layer in Adobe's predefined Chinese font, or none."""

from __future__ import annotations

from collections.abc import Sequence


def pdf_with_text(pages: Sequence[Sequence[str]]) -> bytes:
    """A PDF whose pages show these lines (STSong-Light, UniGB-UCS2-H: nothing embedded)."""
    streams = []
    for lines in pages:
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
        ops += [f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in lines]
        ops.append("ET")
        streams.append("\n".join(ops).encode())
    return _pdf(streams, font=True)


def pdf_without_text(pages: int = 2) -> bytes:
    """A 'scan': pages that only paint (a grey rectangle), with no text at all."""
    return _pdf([b"0.5 g 72 72 451 698 re f"] * pages, font=False)


def _pdf(streams: Sequence[bytes], *, font: bool) -> bytes:
    count = len(streams)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(count))
    font_ref = 3 + 2 * count
    resources = f"/Resources << /Font << /F1 {font_ref} 0 R >> >>" if font else ""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               f"<< /Type /Pages /Kids [{kids}] /Count {count} >>".encode()]  # fmt: skip
    for i, stream in enumerate(streams):
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] {resources} "
            f"/Contents {4 + 2 * i} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    if font:
        objects += [
            f"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            f"/DescendantFonts [{font_ref + 1} 0 R] >>".encode(),
            f"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
            f"<< /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor "
            f"{font_ref + 2} 0 R >>".encode(),
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
            b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
            b"/CapHeight 880 /StemV 93 >>",
        ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)

"""One task's full history as a readable .docx (the document of 一事一档)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import datetime, tzinfo

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_PARAGRAPH_ALIGNMENT
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from domain.records.history import TaskHistory, actor_name, describe, human_size, plain_text
from domain.rhythm.bulletin_doc import _name_fonts, clean_text
from domain.texts import Html, text

_BODY_FONT = "宋体"
_HEADING_FONT = "黑体"
_LATIN_FONT = "Times New Roman"
_BODY_PT = 11.0
_SMALL_PT = 9.0
_TITLE_PT = 16.0
_HEADING_PT = 13.0


def history_docx(
    history: TaskHistory,
    *,
    lang: str,
    tz: tzinfo,
    where: Mapping[int, str],
    generated_at: datetime,
) -> bytes:
    """Lay out a task's facts, reports, evidence list and audit trail as an A4 .docx.

    `where` says, per evidence id, where the file is (its path in the archive, or why not).
    """
    doc = Document()
    _set_up(doc, history, generated_at)
    task = history.task
    _paragraph(
        doc, plain_text(text("dossier.title", lang, number=task.number)), _TITLE_PT, bold=True
    )
    doc.paragraphs[-1].alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    _facts(doc, history, lang, tz)
    _heading(doc, plain_text(text("dossier.reports", lang)))
    _reports(doc, history, lang, tz)
    _heading(doc, plain_text(text("dossier.evidence", lang)))
    _evidence(doc, history, lang, tz, where)
    _heading(doc, plain_text(text("dossier.trail", lang)))
    for entry in history.entries:
        when = entry.at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        actor = plain_text(actor_name(entry.actor, lang))
        _paragraph(doc, f"{when}　{actor}　{plain_text(describe(entry, lang))}", _BODY_PT)
    local = generated_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    _paragraph(doc, "", _BODY_PT)
    _paragraph(doc, plain_text(text("dossier.generated", lang, at=local)), _SMALL_PT)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _facts(doc: DocumentObject, history: TaskHistory, lang: str, tz: tzinfo) -> None:
    task = history.task
    closed = task.closed_at.astimezone(tz).strftime("%Y-%m-%d") if task.closed_at else "—"
    last = (
        task.last_update_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        if task.last_update_at
        else "—"
    )
    kind = plain_text(text(f"kind.{task.kind.value}", lang))
    rows = [
        ("record.campaign", history.campaign),
        ("record.number", task.number),
        ("record.category", task.category or "—"),
        ("record.problem", task.problem),
        ("record.measure", task.measure),
        ("record.unit", task.unit_name),
        ("record.owner", task.owner_name),
        ("record.lead", task.lead_name or "—"),
        ("record.kind", kind),
        ("record.due", task.due_on.isoformat() if task.due_on else "—"),
        ("record.status", plain_text(text(f"status.{task.status.value}", lang))),
        ("record.percent", f"{task.percent}%"),
        ("record.last_report_at", last),
        ("record.closed_on", closed),
    ]
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for key, value in rows:
        cells = table.add_row().cells
        _cell(cells[0], plain_text(text(key, lang)), bold=True)
        _cell(cells[1], value)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Mm(32), Mm(128)


def _reports(doc: DocumentObject, history: TaskHistory, lang: str, tz: tzinfo) -> None:
    if not history.reports:
        _paragraph(doc, plain_text(text("dossier.no_reports", lang)), _BODY_PT)
        return
    for report in history.reports:
        percent = (
            "" if report.percent is None else text("history.percent", lang, percent=report.percent)
        )
        withdrawn = text("history.withdrawn_mark", lang) if report.withdrawn_at else ""
        head = text(
            "dossier.report_head",
            lang,
            n=report.n,
            at=report.at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            author=report.author,
            percent=Html(percent),
            withdrawn=Html(withdrawn),
        )
        _paragraph(doc, plain_text(head), _BODY_PT, bold=True)
        for line in (report.text or "—").splitlines() or ["—"]:
            paragraph = _paragraph(doc, line, _BODY_PT)
            paragraph.paragraph_format.left_indent = Pt(_BODY_PT * 2)


def _evidence(
    doc: DocumentObject, history: TaskHistory, lang: str, tz: tzinfo, where: Mapping[int, str]
) -> None:
    if not history.evidence:
        _paragraph(doc, plain_text(text("dossier.no_evidence", lang)), _BODY_PT)
        return
    header = ("dossier.file", "dossier.size", "dossier.sent", "dossier.where")
    table = doc.add_table(rows=1, cols=len(header))
    table.style = doc.styles["Table Grid"]
    for cell, key in zip(table.rows[0].cells, header, strict=True):
        _cell(cell, plain_text(text(key, lang)), bold=True)
    for item in history.evidence:
        cells = table.add_row().cells
        _cell(cells[0], item.name)
        if item.sha256:  # the hash lets anyone check the copy is the file that was sent
            _cell(cells[0], f"SHA-256 {item.sha256}", size=_SMALL_PT - 2, new_paragraph=True)
        _cell(cells[1], human_size(item.size))
        _cell(cells[2], f"{item.author}\n{item.at.astimezone(tz):%Y-%m-%d %H:%M}")
        _cell(cells[3], plain_text(where.get(item.id, "—")))
    for row in table.rows:
        for cell, width in zip(row.cells, (52, 18, 34, 56), strict=True):
            cell.width = Mm(width)


# ---------------------------------------------------------------- layout helpers


def _set_up(doc: DocumentObject, history: TaskHistory, generated_at: datetime) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(25)
    section.left_margin = section.right_margin = Mm(25)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(_BODY_PT)
    normal.paragraph_format.space_after = Pt(3)
    _name_fonts(normal.element.get_or_add_rPr(), _BODY_FONT, _LATIN_FONT)
    props = doc.core_properties
    props.title = clean_text(f"{history.campaign} {history.task.number}")
    props.author = "rectibot"
    props.language = "zh-CN"
    # Fixed timestamps: the same history gives the same file.
    naive = generated_at.replace(tzinfo=None)
    props.created = props.modified = naive


def _heading(doc: DocumentObject, title: str) -> None:
    paragraph = _paragraph(doc, title, _HEADING_PT, bold=True, font=_HEADING_FONT)
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.keep_with_next = True


def _paragraph(
    doc: DocumentObject, value: str, size: float, *, bold: bool = False, font: str = _BODY_FONT
) -> Paragraph:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(clean_text(value))
    run.bold = bold
    run.font.size = Pt(size)
    _name_fonts(run._r.get_or_add_rPr(), font, _LATIN_FONT)
    return paragraph


def _cell(
    cell: _Cell,
    value: str,
    *,
    bold: bool = False,
    size: float = _BODY_PT,
    new_paragraph: bool = False,
) -> None:
    paragraph = cell.add_paragraph() if new_paragraph else cell.paragraphs[0]
    for index, line in enumerate(value.splitlines() or [""]):
        if index:
            paragraph.add_run().add_break()
        run = paragraph.add_run(clean_text(line))
        run.bold = bold
        run.font.size = Pt(size)
        _name_fonts(run._r.get_or_add_rPr(), _BODY_FONT, _LATIN_FONT)

"""The weekly digest's chart: each unit's measures as signed off, in progress and overdue."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from domain.records.board import UnitLine
from domain.texts import unescaped

if TYPE_CHECKING:  # matplotlib (with numpy) costs ~60 MB: loaded on the first chart only
    from matplotlib.axes import Axes
    from matplotlib.font_manager import FontProperties

# Shipped with the project (see fonts/README.md) so Chinese renders without system fonts.
FONT_FILE = Path(__file__).resolve().parents[1] / "fonts" / "NotoSansCJKsc-Regular-subset.otf"

# Light, medium and dark: the three series stay apart on a greyscale printout too.
CLOSED_COLOUR = "#3a8f4b"
OPEN_COLOUR = "#f2b43c"
OVERDUE_COLOUR = "#c0392b"

_DPI = 150
_WIDTH_IN = 7.5  # 1125 px: sharp on a phone, legible when Telegram scales it down
_ROW_IN = 0.34
_CHROME_IN = 1.9  # title, legend and x axis
_MIN_ROWS = 3  # a chart of one or two units keeps normal bar thickness
_MAX_LABEL_CHARS = 14
_TITLE_EMS = 32  # a title line's width in title-size ems, within the figure's width
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # newlines are kept for titles
_NO_LINE_START = set("，。、；：！？）》」』”’,.;:!?)%")


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Texts of the chart's legend, axis and empty note."""

    closed: str = "已销号"
    in_progress: str = "整改中"
    overdue: str = "逾期"
    axis: str = "整改措施（条）"
    empty: str = "暂无整改措施"

    @classmethod
    def of(cls, lang: str) -> ChartLabels:
        """The labels in the reader's language, from the catalogue."""
        fields = ("closed", "in_progress", "overdue", "axis", "empty")
        return cls(**{f: unescaped(f"chart.{f}", lang) for f in fields})


def unit_status_chart(units: Sequence[UnitLine], *, title: str, labels: ChartLabels) -> bytes:
    """Draw one stacked bar per unit, in the given order, and return the PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    font = FontProperties(fname=FONT_FILE, size=11)
    title_font = font.copy()
    title_font.set_size(15)
    title_text = _wrap(_clean(title), _TITLE_EMS)
    height = _CHROME_IN + 0.3 * title_text.count("\n") + _ROW_IN * max(len(units), _MIN_ROWS)
    # The object API with its own Agg canvas: no pyplot, so no global figure state.
    fig = Figure(figsize=(_WIDTH_IN, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    fig.suptitle(title_text, fontproperties=title_font, parse_math=False)
    ax = fig.add_subplot()
    if units:
        _draw_bars(ax, units, labels, font)
        # Above the bars, where a phone shows it first; the axes own it so the layout makes room.
        legend = ax.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncols=3,
            frameon=False,
            prop=font,
            handlelength=1.2,
            columnspacing=1.6,
        )
        for text in legend.get_texts():
            text.set_parse_math(False)
    else:
        _draw_empty(ax, labels, font)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=_DPI, facecolor="white")
    return buffer.getvalue()


def _draw_bars(
    ax: Axes, units: Sequence[UnitLine], labels: ChartLabels, font: FontProperties
) -> None:
    positions = list(range(len(units)))
    closed = [max(u.closed, 0) for u in units]
    overdue = [max(u.overdue, 0) for u in units]
    # Overdue counts only open measures, so the rest of the open ones are still on time.
    on_time = [max(u.total - c - o, 0) for u, c, o in zip(units, closed, overdue, strict=True)]
    widest = max((c + t + o for c, t, o in zip(closed, on_time, overdue, strict=True)), default=0)
    x_max = max(widest, 1) * 1.18  # room for the "closed/total" label after each bar
    series = (
        (closed, labels.closed, CLOSED_COLOUR, "white"),
        (on_time, labels.in_progress, OPEN_COLOUR, "#222222"),
        (overdue, labels.overdue, OVERDUE_COLOUR, "white"),
    )
    left = [0] * len(units)
    small = font.copy()
    small.set_size(9)
    for values, name, colour, ink in series:
        bars = ax.barh(
            positions, values, left=left, height=0.68, color=colour, label=_one_line(name)
        )
        shown = [str(v) if _fits(v, x_max) else "" for v in values]
        ax.bar_label(bars, labels=shown, label_type="center", color=ink, fontproperties=small)
        left = [a + b for a, b in zip(left, values, strict=True)]
    for y, unit in enumerate(units):
        ax.text(
            left[y] + x_max * 0.01,
            y,
            f"{unit.closed}/{unit.total}",
            va="center",
            fontproperties=small,
            color="#333333",
            parse_math=False,
        )
    names = [_shorten(_one_line(u.unit)) for u in units]
    ax.set_yticks(positions, names, fontproperties=font, parse_math=False)
    pad = (max(len(units), _MIN_ROWS) - len(units)) / 2
    ax.set_ylim(len(units) - 0.5 + pad, -0.5 - pad)  # first unit on top, as given
    ax.set_xlim(0, x_max)
    # Fixed ticks, so their labels can take the shipped font too.
    from matplotlib.ticker import MaxNLocator

    ticks = [t for t in MaxNLocator(integer=True).tick_values(0, x_max) if 0 <= t <= x_max]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks], fontproperties=small)
    ax.set_xlabel(_one_line(labels.axis), fontproperties=font, parse_math=False)
    ax.grid(axis="x", color="#dddddd", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)


def _draw_empty(ax: Axes, labels: ChartLabels, font: FontProperties) -> None:
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        _one_line(labels.empty),
        ha="center",
        va="center",
        fontproperties=font,
        color="#666666",
        transform=ax.transAxes,
        parse_math=False,
    )


def _fits(value: int, x_max: float) -> bool:
    # A count is printed inside its segment only when its digits fit there.
    return value > 0 and value / x_max >= 0.009 * (len(str(value)) + 1)


def _shorten(name: str) -> str:
    return name if len(name) <= _MAX_LABEL_CHARS else name[: _MAX_LABEL_CHARS - 1] + "…"


def _wrap(text: str, ems: float) -> str:
    # matplotlib wraps only at spaces, and Chinese has none: break by estimated width.
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line, width = "", 0.0
        for char in paragraph:
            char_width = 1.0 if unicodedata.east_asian_width(char) in "WF" else 0.55
            if line and width + char_width > ems and char not in _NO_LINE_START:
                lines.append(line)
                line, width = "", 0.0
            line += char
            width += char_width
        lines.append(line)
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(_clean(text).split())


def _clean(text: str) -> str:
    # Control characters have no glyph and would only draw boxes and warnings.
    return _CONTROL.sub("", text)

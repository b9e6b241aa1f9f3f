"""The weekly chart: a PNG drawn with the shipped CJK font, whatever the machine has."""

from __future__ import annotations

import struct
import warnings
from collections.abc import Callable

import matplotlib
import pytest
from matplotlib.ft2font import FT2Font

from domain.model import Light
from domain.records.board import UnitLine
from domain.records.charts import FONT_FILE, ChartLabels, unit_status_chart

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNIT_NAMES = (
    "区发展和改革委员会",
    "区科委",
    "区教育局",
    "区财政局",
    "区民政局",
    "区卫生健康委员会",
    "区市场监督管理局",
    "区人力资源和社会保障局",
    "区住房和城乡建设管理委员会",
    "长风新村街道",
    "甘泉路街道",
    "桃浦镇",
)
ENGLISH = ChartLabels.of("en")


def line(unit: str, total: int, closed: int, overdue: int) -> UnitLine:
    return UnitLine(
        unit=unit,
        total=total,
        closed=closed,
        overdue=overdue,
        lights={Light.RED: overdue, Light.YELLOW: 0, Light.GREEN: total - overdue},
    )


def units(count: int) -> list[UnitLine]:
    return [
        line(f"{UNIT_NAMES[i % len(UNIT_NAMES)]}{i // len(UNIT_NAMES) or ''}", 5 + i, i, i % 3)
        for i in range(count)
    ]


def png_size(data: bytes) -> tuple[int, int]:
    """Read width and height from the IHDR chunk, which a PNG must put first."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR"
    assert length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def drawn_without_glyph_warnings(draw: Callable[[], bytes]) -> bytes:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = draw()
    glyph_warnings = [
        str(w.message)
        for w in caught
        if "missing from font" in str(w.message) or "Glyph" in str(w.message)
    ]
    assert glyph_warnings == []
    return data


def test_a_chart_of_chinese_unit_names_is_a_phone_sized_png_without_glyph_warnings() -> None:
    data = drawn_without_glyph_warnings(
        lambda: unit_status_chart(
            units(12), title="2026年第48周 各单位整改进度", labels=ChartLabels()
        )
    )

    width, height = png_size(data)
    assert 1000 <= width <= 1200
    assert 600 <= height <= 2400


def test_a_board_without_units_still_gives_a_valid_chart() -> None:
    data = drawn_without_glyph_warnings(
        lambda: unit_status_chart([], title="各单位整改进度", labels=ChartLabels())
    )

    width, height = png_size(data)
    assert 1000 <= width <= 1200
    assert height > 0


def test_sixty_units_make_a_taller_image_than_twelve() -> None:
    twelve = png_size(unit_status_chart(units(12), title="进度", labels=ChartLabels()))
    sixty = png_size(unit_status_chart(units(60), title="进度", labels=ChartLabels()))

    assert sixty[0] == twelve[0]
    assert sixty[1] > twelve[1] * 3


def test_english_labels_render_without_glyph_warnings() -> None:
    data = drawn_without_glyph_warnings(
        lambda: unit_status_chart(units(3), title="Progress by unit", labels=ENGLISH)
    )

    assert png_size(data)[0] >= 1000


def test_an_empty_chart_with_english_labels_renders_its_note() -> None:
    data = drawn_without_glyph_warnings(
        lambda: unit_status_chart([], title="Progress by unit", labels=ENGLISH)
    )

    assert data.startswith(PNG_SIGNATURE)


def test_a_long_chinese_title_is_wrapped_onto_more_lines_and_the_image_grows() -> None:
    short = png_size(unit_status_chart(units(3), title="进度", labels=ChartLabels()))
    long = png_size(
        unit_status_chart(
            units(3),
            title="关于2026年第48周区委巡察反馈问题整改工作各单位整改进度情况的统计（截至11月30日）",
            labels=ChartLabels(),
        )
    )

    assert long[1] > short[1]


@pytest.mark.parametrize("name", ["区\x00科委\x0b", "成本$\\frac{$", "王$x$伟", "区科委\n（本级）"])
def test_unit_names_with_control_or_math_characters_are_drawn_as_plain_text(name: str) -> None:
    data = drawn_without_glyph_warnings(
        lambda: unit_status_chart(
            [line(name, 4, 1, 1)], title=f"标题{name}", labels=ChartLabels(closed=name)
        )
    )

    assert data.startswith(PNG_SIGNATURE)


def test_counts_that_do_not_add_up_still_draw() -> None:
    odd = [line("区科委", 3, 5, 2), line("区教育局", 0, 0, 0)]

    data = drawn_without_glyph_warnings(
        lambda: unit_status_chart(odd, title="进度", labels=ChartLabels())
    )

    assert data.startswith(PNG_SIGNATURE)


def test_drawing_a_chart_leaves_matplotlib_global_settings_alone() -> None:
    before = (matplotlib.get_backend(), dict(matplotlib.rcParams))

    unit_status_chart(units(5), title="进度", labels=ChartLabels())

    assert (matplotlib.get_backend(), dict(matplotlib.rcParams)) == before


def test_the_shipped_font_covers_all_of_gb2312_and_the_chart_symbols() -> None:
    charmap = FT2Font(str(FONT_FILE)).get_charmap()
    gb2312 = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                gb2312.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    symbols = "0123456789/%…（）：，。—·−×↑↓①"

    missing = [c for c in gb2312 | set(symbols) if ord(c) not in charmap]

    assert len(gb2312) == 7445
    assert missing == []
    assert FONT_FILE.stat().st_size <= 5 * 1024 * 1024
    assert (FONT_FILE.parent / "OFL.txt").is_file()


def test_a_character_outside_the_shipped_font_is_reported_not_hidden() -> None:
    # The check above is only worth something if matplotlib does warn on a real gap.
    with pytest.warns(UserWarning, match="missing from font"):
        unit_status_chart([line("龘", 1, 0, 0)], title="进度", labels=ChartLabels())


def test_the_labels_come_from_the_catalogue_in_each_language() -> None:
    assert ChartLabels.of("zh") == ChartLabels()  # the defaults are the Chinese catalogue's
    assert ENGLISH.closed == "Signed off"
    assert ENGLISH.axis == "Measures"

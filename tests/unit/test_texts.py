"""The message catalogue and long-message splitting."""

from __future__ import annotations

from domain.texts import CATALOGUE, LANGUAGES, Html, split_message, text, utf16_len


def test_user_strings_are_escaped_but_html_fragments_are_not() -> None:
    rendered = text("start.welcome", "zh", name="<b>王</b> & 李")
    assert "&lt;b&gt;王&lt;/b&gt; &amp; 李" in rendered
    assert (
        text(
            "report.recorded",
            "en",
            number="1",
            percent_part=Html("<i>x</i>"),
            excerpt="e",
            evidence_part="",
        ).count("<i>x</i>")
        == 1
    )


def test_every_entry_has_the_same_placeholders_in_both_languages() -> None:
    import string

    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGUAGES), key
        names = [{f[1] for f in string.Formatter().parse(t) if f[1]} for t in entry.values()]
        assert all(n == names[0] for n in names), key


def test_long_messages_split_at_line_breaks_under_the_limit() -> None:
    body = "\n".join(f"第{i}行 " + "字" * 50 for i in range(300))
    parts = split_message(body, 4096)
    assert all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == body


def test_a_single_overlong_line_is_cut() -> None:
    parts = split_message("x" * 10000, 4096)
    assert [len(p) for p in parts] == [4096, 4096, 1808]


def test_parts_fit_the_limit_counted_in_utf16_units_as_telegram_counts() -> None:
    body = "\n".join(f"🔴 {i} 区发展改革委 🟡🟢 " + "字" * 20 for i in range(400))
    parts = split_message(body, 4096)
    assert all(utf16_len(p) <= 4096 for p in parts)
    assert any(len(p) < 4096 < utf16_len(p) + 200 for p in parts)  # the emoji counted twice
    assert "\n".join(parts) == body


def test_an_overlong_line_of_emoji_is_cut_between_code_points() -> None:
    parts = split_message("🔴" * 3000, 4096)
    assert [utf16_len(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == "🔴" * 3000

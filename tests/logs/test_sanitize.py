"""tui.core.sanitize: every hostile sequence is inert; SGR colours may survive; no markup."""

from __future__ import annotations

import pytest
from rich.console import Console
from rich.text import Text

from tui.core.sanitize import clip, decode, one_line, sanitize, to_text

ESC = "\x1b"
HOSTILE = {
    "clear screen": f"{ESC}[2J{ESC}[3J{ESC}[H",
    "cursor moves": f"{ESC}[10;20H{ESC}[5A{ESC}[2K{ESC}7{ESC}8{ESC}[s{ESC}[u",
    "alt screen": f"{ESC}[?1049h{ESC}[?25l",
    "title osc0 bel": f"{ESC}]0;pwned title\x07",
    "title osc2 st": f"{ESC}]2;pwned title{ESC}\\",
    "clipboard osc52": f"{ESC}]52;c;cm0gLXJmIC8K\x07",
    "osc8 link": f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\",
    "dcs": f"{ESC}Pq#0;2;0;0;0#1;2;100;100;0{ESC}\\",
    "decrqss": f"{ESC}P$qm{ESC}\\",
    "apc": f"{ESC}_Gf=100;AAAA{ESC}\\",
    "pm": f"{ESC}^private{ESC}\\",
    "sos": f"{ESC}Xstart of string{ESC}\\",
    "8-bit csi": "\x9b2J\x9b31m",
    "8-bit osc": "\x9d0;title\x9c",
    "8-bit dcs": "\x90qdata\x9c",
    "bell": "\x07",
    "backspace": "abc\x08\x08\x08",
    "nul": "\x00",
    "lone esc": ESC,
    "reset": f"{ESC}c",
    "charset": f"{ESC}(0{ESC})B",
    "keypad": f"{ESC}={ESC}>",
    "del": "\x7f",
    "vt ff so si": "\x0b\x0c\x0e\x0f",
    "bidi override": "\u202egnp.exe",
    "unterminated osc": f"{ESC}]0;never ends",
    "unterminated csi": f"{ESC}[",
    "mouse tracking": f"{ESC}[?1000h{ESC}[?1006h",
    "device status query": f"{ESC}[6n{ESC}[c",
}
MARKUP = ["[bold red]boom[/]", "[$var]", "[link=https://evil]x[/link]", "[@click=quit]q[/]",
          "[#ff0000]red", "\\[escaped]", "[/]"]


def _controls(s: str) -> list[str]:
    return [c for c in s if (ord(c) < 32 and c not in "\t\n") or 0x7f <= ord(c) <= 0x9f]


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_sequence_is_removed(name: str) -> None:
    raw = f"before {HOSTILE[name]} after"
    for out in (sanitize(raw), one_line(raw), to_text(raw).plain, to_text(raw, False).plain):
        assert _controls(out) == [], (name, out)
        assert "\x1b" not in out
        assert out.startswith("before ")
    assert "pwned" not in sanitize(raw)
    assert "evil" not in sanitize(raw).replace("gnp.exe", "")


def test_visible_text_between_sequences_survives() -> None:
    raw = f"{ESC}]8;;https://evil.example/{ESC}\\click{ESC}]8;;{ESC}\\ here"
    assert sanitize(raw) == "click here"
    assert sanitize("a\tb") == "a\tb"
    assert sanitize(f"x{ESC}[31my") == "xy"


def test_newlines() -> None:
    assert sanitize("a\r\nb\rc\nd") == "a\nbc\nd"
    assert sanitize("a\nb", keep_newlines=False) == "ab"
    assert one_line("a\nb\r\nc") == "a b c"


@pytest.mark.parametrize("markup", MARKUP)
def test_markup_is_never_interpreted(markup: str) -> None:
    text = to_text(markup)
    assert isinstance(text, Text)
    assert text.plain == markup
    assert text.spans == []
    console = Console(width=200, record=True, color_system=None, markup=True)
    console.print(text)
    assert console.export_text().rstrip("\n") == markup


def test_sgr_colours_survive_other_sequences_do_not() -> None:
    raw = f"{ESC}[31mred{ESC}[0m {ESC}]0;title\x07{ESC}[1;32mgreen{ESC}[m {ESC}[2Jok"
    text = to_text(raw)
    assert text.plain == "red green ok"
    styles = {text.plain[s.start:s.end]: s.style for s in text.spans}
    assert "red" in styles and "green" in styles
    assert to_text(raw, keep_sgr=False).spans == []


def test_conceal_and_blink_are_neutralised() -> None:
    text = to_text(f"{ESC}[8msecret{ESC}[0m {ESC}[5mblink")
    assert text.plain == "secret blink"
    for span in text.spans:
        assert not span.style.conceal and not span.style.blink  # type: ignore[union-attr]


def test_sgr_inside_markup_stays_literal() -> None:
    text = to_text(f"{ESC}[31m[bold]x[/bold]{ESC}[0m")
    assert text.plain == "[bold]x[/bold]"


def test_decode_replaces_invalid_utf8() -> None:
    assert decode(b"ok \xff\xfe end") == "ok \ufffd\ufffd end"
    assert decode("héllo".encode()) == "héllo"
    assert decode(b"\xc2\x9b2J") == "\x9b2J"  # an 8-bit CSI encoded as UTF-8 ...
    assert sanitize(decode(b"\xc2\x9b2Jx")) == "x"  # ... is removed by sanitize


def test_clip() -> None:
    assert clip("abcdef", 10) == "abcdef"
    assert clip("abcdefghij", 5) == "abcd…"
    assert len(clip("x" * 100_000, 200)) == 200
    clipped = clip(to_text(f"{ESC}[31m" + "y" * 50), 10)
    assert isinstance(clipped, Text) and clipped.plain == "y" * 9 + "…"
    assert clip("abc", 0) == ""


def test_fast_path_returns_same_object() -> None:
    line = "2024-01-01T00:00:00Z INFO plain line [with brackets]"
    assert sanitize(line) is line

"""Checks on a captured screen: nothing cut, nothing garbled, the frame lines present."""

from __future__ import annotations

from wcwidth import wcswidth

CORNERS = {"╭": "╰", "┌": "└", "┏": "┗"}


def cells(line: str) -> int:
    width = wcswidth(line)
    return width if width >= 0 else len(line)


def assert_intact(screen: str, width: int, height: int) -> None:
    """No line wider than the terminal, the screen exactly `height` lines, the banner on top
    and the footer at the bottom, and every box closed: each top-left corner has a vertical
    border below it down to its bottom-left corner, and its top border reaches a `╮`."""
    lines = screen.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    assert len(lines) == height, f"{len(lines)} lines at height {height}:\n{screen}"
    too_wide = [(i, cells(line)) for i, line in enumerate(lines) if cells(line) > width]
    assert not too_wide, f"lines wider than {width}: {too_wide}\n{screen}"
    assert "PRODUCTION" in lines[0] and "UTC" in lines[0], f"banner line: {lines[0]!r}"
    # the way out is always in view: in the footer, or (narrow) at the end of the pane bar
    assert "palette" in lines[-1], f"footer line: {lines[-1]!r}"
    assert "Quit" in lines[-1] or "q quit" in lines[1], f"no quit key shown:\n{screen}"
    grid = [line.ljust(width) for line in lines]
    boxes = 0
    for row, line in enumerate(grid):
        for col, char in enumerate(line):
            if char not in CORNERS:
                continue
            boxes += 1
            right = line.find("╮", col)
            assert right > col and line[col + 1] == "─", (
                f"top border at {row},{col} not closed:\n{screen}")
            bottom = row + 1
            while bottom < len(grid) and grid[bottom][col] == "│":
                bottom += 1
            assert bottom < len(grid) and grid[bottom][col] == CORNERS[char], (
                f"box at {row},{col}: left border broken at row {bottom}:\n{screen}")
            assert grid[bottom][right] == "╯", (
                f"box at {row},{col}: bottom-right corner missing at {bottom},{right}:\n{screen}")
            assert all(grid[r][right] == "│" for r in range(row + 1, bottom)), (
                f"box at {row},{col}: right border broken:\n{screen}")
    assert boxes >= 1, f"expected a bordered panel:\n{screen}"


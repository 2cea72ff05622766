"""A compositor whose partial updates render only the lines that changed.

Textual's partial update crops to the bounding box of every dirty region, then asks each
widget overlapping that box for all its visible lines. One frame in which the banner's clock
(top line) and the logs tail (near the bottom) both moved therefore re-rendered nearly every
widget on the screen, tables included: measured on the demo with 20 containers at 120x40, the
compositor was ~37 % of the main thread, the containers table's rows alone ~20 %.

`BandCompositor` splits a partial update into bands of consecutive dirty lines and asks each
widget only for its lines inside a band; what reaches the terminal is the same bytes (the
dirty spans), computed from far fewer lines. A widget whose part of a band is wholly behind
widgets in front of it (a container's background behind its children) is not asked at all.
Full updates (resize, layout) are untouched.

It relies on three private members of `textual._compositor.Compositor` (`_get_renders`,
`_dirty_regions`, `_regions_to_spans`); `band_compositor()` returns the stock compositor when
a Textual release no longer has them, so an upgrade costs speed, never correctness.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

_METHODS = ("_get_renders", "_regions_to_spans", "render_partial_update", "visible_widgets")


def line_bands(spans: Iterable[tuple[int, int, int]]) -> list[Region]:
    """Runs of consecutive dirty lines as regions, each as wide as its widest span:
    `[(y, x1, x2), ...]` sorted by y (a line may have several spans) →
    `[Region(x, y, width, height), ...]`, no two sharing a line."""
    bands: list[Region] = []
    top = left = right = last = None
    for y, x1, x2 in spans:
        if last is not None and y <= last + 1:  # the same line again, or the next
            left, right = min(left, x1), max(right, x2)  # type: ignore[type-var]
        else:
            if last is not None:
                bands.append(Region(left, top, right - left, last - top + 1))  # type: ignore[operator]
            top, left, right = y, x1, x2
        last = y
    if last is not None:
        bands.append(Region(left, top, right - left, last - top + 1))  # type: ignore[operator]
    return bands


class BandCompositor(Compositor):
    """`Compositor` rendering partial updates band by band (see the module docstring)."""

    _bands: list[Region] | None = None

    def render_partial_update(self) -> ChopsUpdate | None:
        if self._dirty_regions:
            self._bands = line_bands(self._regions_to_spans(self._dirty_regions))
        try:
            return super().render_partial_update()
        finally:
            self._bands = None

    def _get_renders(self, crop: Region | None = None
                     ) -> Iterable[tuple[Region, Region, list[Strip]]]:
        bands = self._bands
        if crop is None or not bands:
            yield from super()._get_renders(crop)
            return
        widgets = [(widget, region, clip, region.intersection(clip))
                   for widget, (region, clip) in self.visible_widgets.items()]
        for band in bands:
            cover = Coverage(band.y, band.height)
            for widget, region, clip, visible in widgets:  # front to back
                if not band.overlaps(clip):
                    continue
                top, bottom = max(visible.y, band.y), min(visible.bottom, band.bottom)
                if bottom <= top or cover.covers(visible.x, visible.right, top, bottom):
                    continue  # hidden here behind widgets in front (a container's background)
                cover.add(visible.x, visible.right, top, bottom)
                # the widget's clip narrowed to the band's lines: the caller composes
                # region ∩ clip, which is exactly the lines rendered here
                part = Region(visible.x, top, visible.width, bottom - top)
                yield region, part, widget.render_lines(
                    Region(part.x - region.x, part.y - region.y, part.width, part.height))


class Coverage:
    """Which columns of each line of a band are already painted by widgets in front."""

    def __init__(self, y: int, height: int) -> None:
        self.y = y
        self.lines: list[list[tuple[int, int]]] = [[] for _ in range(height)]

    def covers(self, x1: int, x2: int, top: int, bottom: int) -> bool:
        """Whether columns [x1, x2) of every line in [top, bottom) are painted."""
        for spans in self.lines[top - self.y:bottom - self.y]:
            reach = x1
            for start, end in spans:  # sorted, merged
                if start > reach:
                    break
                reach = max(reach, end)
            if reach < x2:
                return False
        return True

    def add(self, x1: int, x2: int, top: int, bottom: int) -> None:
        for i in range(top - self.y, bottom - self.y):
            merged: list[tuple[int, int]] = []
            for start, end in sorted([*self.lines[i], (x1, x2)]):
                if merged and start <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(merged[-1][1], end))
                else:
                    merged.append((start, end))
            self.lines[i] = merged


def band_compositor() -> Compositor:
    """A `BandCompositor`, or Textual's own when its private members have moved."""
    stock = Compositor()
    if all(hasattr(Compositor, name) for name in _METHODS) and \
            isinstance(getattr(stock, "_dirty_regions", None), set):
        return BandCompositor()
    return stock

"""Commune outlines as small inline SVG, computed from the boundaries GeoJSON when a folder holds it.

The drawing functions are pure (plain data in, SVG text out, no Django); `commune_outline` and `national_map`
read `settings.BOUNDARIES_DIR` and keep what they computed in memory.
"""

import functools
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

from django.conf import settings

BOUNDARIES_FILE = "benin_communes_adm2.geojson"
HIGHLIGHT = ' class="pilot" fill="#9cc5ae"'
Ring = Sequence[Sequence[float]]  # [(lon, lat), ...]


@dataclass(frozen=True)
class MapArea:
    """One commune on the national map."""

    href: str
    title: str
    rings: tuple[Ring, ...]
    highlighted: bool = False


@dataclass(frozen=True)
class Frame:
    """Projects lon/lat into an SVG box whose longest side is `size` units (equirectangular, scaled at
    mid-latitude, north up)."""

    west: float
    north: float
    scale: float
    x_scale: float
    width: int
    height: int

    @classmethod
    def around(cls, rings: Iterable[Ring], size: int) -> "Frame":
        points = [point for ring in rings for point in ring]
        west, east = min(p[0] for p in points), max(p[0] for p in points)
        south, north = min(p[1] for p in points), max(p[1] for p in points)
        x_scale = math.cos(math.radians((north + south) / 2))
        span = max((east - west) * x_scale, north - south) or 1.0
        scale = size / span
        return cls(
            west=west,
            north=north,
            scale=scale,
            x_scale=x_scale,
            width=math.ceil((east - west) * x_scale * scale) or 1,
            height=math.ceil((north - south) * scale) or 1,
        )

    def project(self, lon: float, lat: float) -> tuple[int, int]:
        return round((lon - self.west) * self.x_scale * self.scale), round((self.north - lat) * self.scale)


def ring_path(ring: Ring, frame: Frame) -> str:
    """An SVG path for one closed ring, in whole units, repeated points and points in the middle of a
    straight run dropped; "" when the ring vanishes at this size."""
    points: list[tuple[int, int]] = []
    for lon, lat in ring:
        point = frame.project(lon, lat)
        if points and point == points[-1]:
            continue
        if len(points) > 1 and _straight(points[-2], points[-1], point):
            points[-1] = point
        else:
            points.append(point)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    if len(points) < 3:
        return ""
    return "M" + "L".join(f"{x} {y}" for x, y in points) + "Z"


def _straight(a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]) -> bool:
    """True when b lies on the way from a to c (same direction, no turn)."""
    ab, bc = (b[0] - a[0], b[1] - a[1]), (c[0] - b[0], c[1] - b[1])
    return ab[0] * bc[1] == ab[1] * bc[0] and ab[0] * bc[0] + ab[1] * bc[1] > 0


def rings_path(rings: Iterable[Ring], frame: Frame) -> str:
    return "".join(ring_path(ring, frame) for ring in rings)


def outline_svg(rings: Sequence[Ring], *, size: int = 100, label: str = "") -> str:
    """A self-contained SVG outline of one commune (a few hundred bytes)."""
    frame = Frame.around(rings, size)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1 -1 {frame.width + 2} {frame.height + 2}" '
        f'width="{frame.width + 2}" height="{frame.height + 2}" role="img" aria-label="{escape(label)}">'
        f'<path d="{rings_path(rings, frame)}" fill="#e6efe9" stroke="#2f6b4f" stroke-width="1.5" '
        'stroke-linejoin="round"/></svg>'
    )


def map_svg(areas: Sequence[MapArea], *, size: int = 160, label: str = "") -> str:
    """A light SVG map: one linked shape per area, highlighted areas filled darker. Presentation attributes
    only (no <style>: the content security policy forbids inline styles)."""
    frame = Frame.around((ring for area in areas for ring in area.rings), size)
    shapes = "".join(
        f'<a href="{escape(area.href)}"><title>{escape(area.title)}</title>'
        f'<path d="{rings_path(area.rings, frame)}"{HIGHLIGHT if area.highlighted else ""}/></a>'
        for area in areas
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {frame.width} {frame.height}" '
        f'width="{frame.width}" height="{frame.height}" class="map" role="img" aria-label="{escape(label)}">'
        f'<g fill="#e6efe9" stroke="#2f6b4f" stroke-width=".5" stroke-linejoin="round">{shapes}</g></svg>'
    )


def polygon_rings(geometry: dict) -> tuple[Ring, ...]:
    """The outer rings of a GeoJSON Polygon or MultiPolygon (holes are not drawn at this size)."""
    if geometry["type"] == "Polygon":
        return (geometry["coordinates"][0],)
    if geometry["type"] == "MultiPolygon":
        return tuple(polygon[0] for polygon in geometry["coordinates"])
    return ()


@functools.cache
def _rings_by_code(directory: str) -> dict[str, tuple[Ring, ...]]:
    path = Path(directory) / BOUNDARIES_FILE
    if not directory or not path.is_file():
        return {}
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    return {feature["properties"]["code"]: polygon_rings(feature["geometry"]) for feature in features}


def boundaries() -> dict[str, tuple[Ring, ...]]:
    """Outer rings keyed by commune code; empty when BOUNDARIES_DIR is unset or lacks the file."""
    return _rings_by_code(str(settings.BOUNDARIES_DIR or ""))


@functools.cache
def _outline(directory: str, code: str, label: str) -> str:
    rings = _rings_by_code(directory).get(code)
    return outline_svg(rings, label=label) if rings else ""


def commune_outline(code: str, label: str) -> str:
    """The commune's outline SVG, or "" when no boundaries are available."""
    return _outline(str(settings.BOUNDARIES_DIR or ""), code, label)


@functools.cache
def _national_map(directory: str, communes: tuple[tuple[str, str, str, bool], ...], label: str) -> str:
    rings = _rings_by_code(directory)
    areas = [
        MapArea(href=href, title=title, rings=rings[code], highlighted=highlighted)
        for code, href, title, highlighted in communes
        if code in rings
    ]
    return map_svg(areas, label=label) if areas else ""


def national_map(communes: Iterable[tuple[str, str, str, bool]], label: str) -> str:
    """The map of the given communes, each a (code, href, title, highlighted) tuple; "" without boundaries."""
    return _national_map(str(settings.BOUNDARIES_DIR or ""), tuple(communes), label)

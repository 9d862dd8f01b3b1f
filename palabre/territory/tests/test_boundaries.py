"""The SVG drawing is pure: plain coordinates in, SVG text out."""

import re

from palabre.territory import boundaries
from palabre.territory.boundaries import Frame, MapArea, map_svg, outline_svg, polygon_rings, ring_path

SQUARE = [(2.0, 7.0), (2.1, 7.0), (2.1, 7.1), (2.0, 7.1), (2.0, 7.0)]


def test_frame_fits_the_width_and_keeps_north_up():
    frame = Frame.around([SQUARE], 100)
    assert frame.project(2.0, 7.1) == (0, 0)
    x, y = frame.project(2.1, 7.0)
    assert y == frame.height == 100
    assert 99 <= x <= frame.width == 100  # longitudes shrink by cos(latitude)


def test_ring_path_closes_and_drops_repeated_points():
    frame = Frame.around([SQUARE], 10)
    path = ring_path([*SQUARE[:2], (2.10001, 7.0), *SQUARE[2:]], frame)
    assert path.startswith("M0 10L") and path.endswith("Z")
    assert path.count("L") == 3


def test_ring_too_small_to_see_vanishes():
    frame = Frame.around([SQUARE], 10)
    assert ring_path([(2.0, 7.0), (2.00001, 7.0), (2.0, 7.00001)], frame) == ""


def test_outline_is_small_and_labelled():
    svg = outline_svg([SQUARE], label="Contour <de> Toffo")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'aria-label="Contour &lt;de&gt; Toffo"' in svg
    assert len(svg) < 400


def test_map_links_every_area_and_highlights_some():
    shifted = [(lon + 0.2, lat) for lon, lat in SQUARE]
    svg = map_svg(
        [
            MapArea(href="/a/", title="A & B", rings=(SQUARE,), highlighted=True),
            MapArea(href="/b/", title="B", rings=(shifted,)),
        ],
        label="Carte",
    )
    assert re.findall(r'<a href="([^"]+)">', svg) == ["/a/", "/b/"]
    assert "<title>A &amp; B</title>" in svg
    assert svg.count('class="pilot"') == 1
    assert "<style" not in svg


def test_polygon_rings_take_outer_rings():
    hole = [(2.02, 7.02), (2.03, 7.02), (2.03, 7.03), (2.02, 7.02)]
    assert polygon_rings({"type": "Polygon", "coordinates": [SQUARE, hole]}) == (SQUARE,)
    multi = {"type": "MultiPolygon", "coordinates": [[SQUARE, hole], [hole]]}
    assert polygon_rings(multi) == (SQUARE, hole)
    assert polygon_rings({"type": "Point", "coordinates": [2, 7]}) == ()


def test_commune_outline_with_boundaries(boundaries_dir):
    svg = boundaries.commune_outline("1203", "Bohicon")
    assert svg.startswith("<svg") and "<path" in svg
    assert boundaries.commune_outline("1203", "Bohicon") is svg  # computed once, kept in memory
    assert boundaries.commune_outline("9999", "Nulle part") == ""


def test_every_commune_code_has_a_boundary(boundaries_dir, territory):
    from palabre.territory.models import Commune

    assert set(Commune.objects.values_list("code", flat=True)) == set(boundaries.boundaries())


def test_no_outline_or_map_without_boundaries(settings, tmp_path):
    settings.BOUNDARIES_DIR = ""
    assert boundaries.commune_outline("1203", "Bohicon") == ""
    assert boundaries.national_map([("1203", "/bohicon/", "Bohicon", True)], "Carte") == ""
    settings.BOUNDARIES_DIR = str(tmp_path)  # a folder without the file
    assert boundaries.commune_outline("1203", "Bohicon") == ""


def test_points_in_a_straight_run_are_dropped():
    frame = Frame.around([SQUARE], 10)
    edge = [(2.0 + step / 100, 7.0) for step in range(11)]
    path = ring_path([*edge, (2.1, 7.1), (2.0, 7.1)], frame)
    assert path == "M0 10L10 10L10 0L0 0Z"

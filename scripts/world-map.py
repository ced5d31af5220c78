#!/usr/bin/env python3
"""Turns Natural Earth's 1:110m country outlines, as TopoJSON from the npm package world-atlas, into the compact
file the manager's map screen draws: one SVG path per country in an equirectangular projection (x = longitude + 180,
y = 90 - latitude, times SCALE), so the page needs no projection library and no tiles from the Internet.

Run once when the outlines should change, and commit the output:

    cd "$(mktemp -d)" && npm pack world-atlas@2 && tar xzf world-atlas-*.tgz
    python3 scripts/world-map.py "$OLDPWD"/package/countries-110m.json \\
        manager/src/main/resources/io/waddleperf/manager/ui/map/countries-110m.json

(run the second command from the repository root). Only the standard library is used.
"""
import json
import sys

SCALE = 2  # 720 x 360 units: at 1:110m one decimal is finer than the data
DIGITS = 1
ANTARCTICA = "010"  # ISO 3166-1 numeric, the ids world-atlas uses


def decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # quantized and delta-encoded
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(arcs, indexes):
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        points.extend(arc if not points else arc[1:])  # arcs share their end points
    return points


def project(lon, lat):
    return round((lon + 180) * SCALE, DIGITS), round((90 - lat) * SCALE, DIGITS)


def fmt(v):
    s = f"{v:.{DIGITS}f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def unwrap(points):
    """Longitudes made continuous: a ring that crosses the antimeridian (Fiji, the east of Russia) runs on past
    +-180 instead of jumping across the whole map."""
    out = []
    shift = 0
    for lon, lat in points:
        if out and abs(lon + shift - out[-1][0]) > 180:
            shift += 360 if out[-1][0] > lon + shift else -360
        out.append((lon + shift, lat))
    return out


def copies(points):
    """The ring, and where it runs past an edge, the same ring a world over, so the part beyond shows at the other
    edge (the SVG's view box clips both)."""
    lons = [lon for lon, _ in points]
    yield points
    if min(lons) < -180:
        yield [(lon + 360, lat) for lon, lat in points]
    if max(lons) > 180:
        yield [(lon - 360, lat) for lon, lat in points]


def path(rings):
    parts = []
    for raw in rings:
        for points in copies(unwrap(raw)):
            projected = []
            for lon, lat in points:
                p = project(lon, lat)
                if not projected or projected[-1] != p:  # points that round to the same spot say nothing
                    projected.append(p)
            if len(projected) >= 3:
                parts.append("M" + "L".join(f"{fmt(x)} {fmt(y)}" for x, y in projected) + "Z")
    return "".join(parts)


def main(source, target):
    with open(source, encoding="utf-8") as f:
        topology = json.load(f)
    arcs = decode_arcs(topology)
    countries = []
    for g in topology["objects"]["countries"]["geometries"]:
        if g["type"] == "Polygon":
            rings = [ring(arcs, r) for r in g["arcs"]]
        elif g["type"] == "MultiPolygon":
            rings = [ring(arcs, r) for polygon in g["arcs"] for r in polygon]
        else:
            continue  # a country without outline (null geometry)
        if g.get("id") == ANTARCTICA:
            continue  # nothing is measured there, and its ring around the pole does not fit this projection
        d = path(rings)
        if d:
            countries.append({"id": g.get("id"), "name": g.get("properties", {}).get("name"), "d": d})
    countries.sort(key=lambda c: c["name"] or "")
    out = {
        "source": "Natural Earth 1:110m Admin 0 countries (public domain), via world-atlas 2 countries-110m.json",
        "projection": "equirectangular: x = (longitude + 180) * scale, y = (90 - latitude) * scale",
        "scale": SCALE, "width": 360 * SCALE, "height": 180 * SCALE,
        "countries": countries,
    }
    with open(target, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print(f"{len(countries)} countries -> {target}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: world-map.py countries-110m.json output.json")
    main(sys.argv[1], sys.argv[2])

"""The extension's system GDAL/GEOS/PROJ and the wheels' own copies (pyogrio, shapely) share a process."""

from __future__ import annotations

import pyogrio
import shapely

import furthest


def test_both_gdals_in_one_process(tmp_path):
    # The wheel's GDAL first, then ours, then the wheel's again on our output.
    zones = pyogrio.read_dataframe(furthest.demo_config().replace("demo.toml", "zones.gpkg"))
    pyogrio.write_dataframe(zones.to_crs(4326), tmp_path / "zones_4326.gpkg")
    result = furthest.run(furthest.demo_config(), tmp_path / "out.gpkg")
    back = pyogrio.read_dataframe(tmp_path / "out.gpkg", layer="zones")
    assert len(back) == len(result.zones) == len(zones)
    # Same CRS understanding on both sides (EPSG:27700) and the same areas to the millimetre.
    assert back.crs.to_epsg() == result.zones.crs.to_epsg() == 27700
    # Written as MultiPolygon, returned as read: the same shapes, topologically.
    assert shapely.equals(back.geometry.values, result.zones.geometry.values).all()
    assert abs(result.zones.area.sum() - zones.area.sum()) < 1e-3

"""Security: what GDAL opens on a run's behalf, not just the names a config gives.

A local file can make GDAL open something else: an OGR or raster VRT whose source is a URL or a
file elsewhere, a WFS or WMS service description, a GeoJSON with an old-style linked CRS, an XML
schema or include. With network access off (the default) no request may leave the process, and
with [run] allowed_folders every file GDAL opens must lie inside them. A web server on
127.0.0.1 counts the requests that arrive: the count must stay 0.
"""

from __future__ import annotations

import contextlib
import http.server
import re
import shutil
import threading

import pytest

import furthest

ZONES_CSV = "zone_code,imd_score\n" + "".join(f"FZ{i:05d},{i % 37}.5\n" for i in range(1, 301))
GEOJSON = (
    '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"zone_code":"FZ00001"},'
    '"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}'
)


@pytest.fixture()
def web(monkeypatch):
    """A web server on 127.0.0.1 that answers every request with a plausible table and counts them."""
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def setup(self):  # every connection counts, HTTP or not (libpq, a WMS client ...)
            hits.append("connection")
            super().setup()

        def do_GET(self):  # noqa: N802 (http.server's naming)
            hits.append(self.path)
            body = (GEOJSON if "json" in self.path else ZONES_CSV).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_HEAD = do_GET
        do_POST = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def team(tmp_path, demo_dir):
    folder = tmp_path / "team"
    shutil.copytree(demo_dir, folder, ignore=shutil.ignore_patterns("out", "*.py"))
    return folder


def config_for(folder, indicators_path=None, zones_path=None, **run):
    return {
        "run": run,
        "zones": {"path": str(zones_path or folder / "zones.gpkg"), "id": "zone_code"},
        "areas": {"path": str(folder / "areas.geojson"), "id": "lcp_code", "name": "lcp_name"},
        "indicators": [
            {
                "path": str(indicators_path or folder / "indicators.csv"),
                "key": "zone_code",
                "column": "imd_score",
                "direction": "higher_is_more_need",
            }
        ],
        "output": {"path": str(folder / "out" / "run.gpkg")},
    }


def ogr_vrt(source: str, layer: str = "indicators") -> str:
    return (
        f'<OGRVRTDataSource><OGRVRTLayer name="{layer}"><SrcDataSource>{source}</SrcDataSource>'
        f"<SrcLayer>{layer}</SrcLayer></OGRVRTLayer></OGRVRTDataSource>"
    )


def hostile_tables(url: str) -> dict[str, str]:
    """Table files (read as an indicator table) that each ask GDAL for the network."""
    return {
        "vsicurl.vrt": ogr_vrt(f"/vsicurl/{url}/indicators.csv"),
        "plain_url.vrt": ogr_vrt(f"CSV:{url}/indicators.csv"),
        "nested.vrt": ogr_vrt(f"/vsigzip//vsicurl/{url}/indicators.csv.gz"),
        "pg.vrt": ogr_vrt(f"PG:host=127.0.0.1 port={url.rsplit(':', 1)[-1]} dbname=x connect_timeout=2"),
        "wfs.xml": f"<OGRWFSDataSource><URL>{url}/wfs?SERVICE=WFS</URL></OGRWFSDataSource>",
        "linked_crs.geojson": GEOJSON.replace(
            '"features"',
            f'"crs":{{"type":"link","properties":{{"href":"{url}/crs.json","type":"proj4"}}}},"features"',
        ),
        "schema.gml": (
            '<?xml version="1.0"?><ogr:FeatureCollection xmlns:ogr="http://ogr.maptools.org/" '
            'xmlns:gml="http://www.opengis.net/gml" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="http://ogr.maptools.org/ {url}/schema.xsd">'
            '<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="' + url + '/include.xml"/>'
            "<gml:featureMember><ogr:indicators><ogr:zone_code>FZ00001</ogr:zone_code>"
            "<ogr:imd_score>1</ogr:imd_score></ogr:indicators></gml:featureMember></ogr:FeatureCollection>"
        ),
    }


ASK_FOR_THE_NETWORK = {"vsicurl.vrt", "nested.vrt", "pg.vrt", "wfs.xml", "linked_crs.geojson"}


@pytest.mark.parametrize("name", sorted(hostile_tables("http://x")))
def test_a_table_that_asks_for_the_network_sends_no_request(team, web, name):
    url, hits = web
    path = team / name
    path.write_text(hostile_tables(url)[name])
    if name in ASK_FOR_THE_NETWORK:
        with pytest.raises(furthest.InputError, match=re.escape(name) + r"' makes GDAL reach the network"):
            furthest.run(config_for(team, indicators_path=path))
    else:  # GDAL asks nothing of these (a CSV: URL, an XML include or schema): no refusal needed
        with contextlib.suppress(furthest.Error):
            furthest.run(config_for(team, indicators_path=path))
    assert hits == [], f"{name}: requests left the process: {hits}"


def test_a_vrt_reaching_the_network_names_the_file_that_asked(team, web):
    url, hits = web
    path = team / "remote.vrt"
    path.write_text(ogr_vrt(f"/vsicurl/{url}/indicators.csv"))
    with pytest.raises(furthest.InputError, match=r"remote\.vrt' makes GDAL reach the network \('/vsicurl/http://127"):
        furthest.run(config_for(team, indicators_path=path))
    assert hits == []


def test_zones_with_a_linked_crs_send_no_request(team, web):
    url, hits = web
    path = team / "linked.geojson"
    path.write_text(hostile_tables(url)["linked_crs.geojson"])
    with pytest.raises(furthest.Error):
        furthest.run(config_for(team, zones_path=path))
    assert hits == []


def test_a_raster_vrt_and_a_wms_description_send_no_request(team, web, tmp_path):
    import geopandas as gpd

    url, hits = web
    zones = gpd.read_file(team / "zones.gpkg").set_index("zone_code").head(3)
    vrt = team / "remote_raster.vrt"
    vrt.write_text(
        '<VRTDataset rasterXSize="10" rasterYSize="10"><SRS>EPSG:4326</SRS>'
        "<GeoTransform>-2, 0.1, 0, 54, 0, -0.1</GeoTransform>"
        '<VRTRasterBand dataType="Float32" band="1"><SimpleSource>'
        f'<SourceFilename relativeToVRT="0">/vsicurl/{url}/cover.tif</SourceFilename><SourceBand>1</SourceBand>'
        "</SimpleSource></VRTRasterBand></VRTDataset>"
    )
    wms = team / "wms.xml"
    wms.write_text(
        f'<GDAL_WMS><Service name="WMS"><ServerUrl>{url}/wms?</ServerUrl><Layers>x</Layers></Service>'
        "<DataWindow><UpperLeftX>-2</UpperLeftX><UpperLeftY>54</UpperLeftY><LowerRightX>-1</LowerRightX>"
        "<LowerRightY>53</LowerRightY><SizeX>100</SizeX><SizeY>100</SizeY></DataWindow>"
        "<Projection>EPSG:4326</Projection></GDAL_WMS>"
    )
    for path in (vrt, wms):
        with pytest.raises(furthest.Error):
            furthest.zonal_stats(zones, path, ["mean"])
        assert hits == [], f"{path.name}: requests left the process: {hits}"


def test_with_network_allowed_the_same_vrt_reaches_the_server(team, web):
    """The control: the server is reachable and the hook lets an allowed request through."""
    url, hits = web
    (team / "indicators_remote.csv").write_text(ZONES_CSV)
    path = team / "remote.vrt"
    path.write_text(ogr_vrt(f"/vsicurl/{url}/indicators.csv"))
    # What the server answers need not make a valid run; that it was asked is the point.
    with contextlib.suppress(furthest.Error):
        furthest.run(config_for(team, indicators_path=path, allow_network=True))
    assert hits, "with allow_network = true the request should reach the server"


def test_a_vrt_inside_the_allowed_folders_cannot_read_a_file_outside(team, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(team / "indicators.csv", elsewhere / "indicators.csv")
    path = team / "indicators.vrt"
    path.write_text(ogr_vrt(str(elsewhere / "indicators.csv")))
    config = config_for(team, indicators_path=path, allowed_folders=[str(team)])
    with pytest.raises(
        furthest.InputError,
        match=r"indicators\.vrt' makes GDAL open '.*elsewhere/indicators\.csv', which lies outside the allowed folders",
    ):
        furthest.run(config)
    assert not (team / "out" / "run.gpkg").exists()


def test_a_symbolic_link_out_of_the_allowed_folders_is_refused_when_opened(team, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(team / "indicators.csv", elsewhere / "indicators.csv")
    (team / "linked").symlink_to(elsewhere)
    path = team / "indicators.vrt"
    path.write_text(ogr_vrt(str(team / "linked" / "indicators.csv")))
    with pytest.raises(furthest.InputError, match="outside the allowed folders"):
        furthest.run(config_for(team, indicators_path=path, allowed_folders=[str(team)]))


def test_a_vrt_referring_inside_the_allowed_folders_reads(team):
    path = team / "indicators.vrt"
    path.write_text(ogr_vrt("indicators.csv").replace("<SrcDataSource>", '<SrcDataSource relativeToVRT="1">'))
    plain = furthest.run(config_for(team, allowed_folders=[str(team)]))
    through_vrt = furthest.run(config_for(team, indicators_path=path, allowed_folders=[str(team)]))
    assert list(through_vrt.zones["score"]) == list(plain.zones["score"])


def test_a_vrt_outside_a_run_may_read_anywhere_but_not_the_network(tmp_path, demo_dir, web):
    """Without allowed_folders the folders are not confined; the network still is."""
    url, hits = web
    path = tmp_path / "indicators.vrt"
    path.write_text(ogr_vrt(str(demo_dir / "indicators.csv")))
    result = furthest.run(config_for(demo_dir, indicators_path=path) | {"output": {"path": str(tmp_path / "o.gpkg")}})
    assert len(result.zones) == 300
    assert hits == []

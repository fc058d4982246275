"""Crosswalks on the Leeds open data, checked against peers (tobler, GeoPandas) and by hand."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

import furthest
from furthest import Crosswalk

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def lsoa21(shared_data):
    return gpd.read_file(shared_data / "boundaries/leeds_lsoa2021_bsc.geojson").to_crs(27700)


@pytest.fixture(scope="module")
def lsoa11(shared_data):
    return gpd.read_file(shared_data / "boundaries/leeds_lsoa2011_bgc_martinjc.geojson").to_crs(27700)


@pytest.fixture(scope="module")
def wards(shared_data):
    return gpd.read_file(shared_data / "boundaries/leeds_wards2022_bsc.geojson").to_crs(27700)


@pytest.fixture(scope="module")
def census(shared_data):
    return pd.read_csv(shared_data / "population/census2021_lsoa21_age6_usual_residents_ew.csv").set_index("lsoa21_code")


def _tobler(tobler, source, target, **kwargs):
    """tobler.area_interpolate twice: as shipped, and with its area table in float64.

    tobler stores intersection areas as float32 (area_interpolate.py, _area_tables_binning), which
    limits it to ~1e-7 relative. Handing it the same table built in float64 (GeoPandas/shapely
    intersections, exactly its own method) lets its interpolation algebra be compared at 1e-9."""
    from scipy.sparse import coo_matrix

    shipped = tobler.area_weighted.area_interpolate(source, target, allocate_total=False, **kwargs)
    i_src, i_tgt = target.sindex.query(source.geometry, predicate="intersects")
    areas = source.geometry.values[i_src].intersection(target.geometry.values[i_tgt]).area
    table = coo_matrix((areas, (i_src, i_tgt)), shape=(len(source), len(target)), dtype=np.float64).tocsr()
    exact = tobler.area_weighted.area_interpolate(source, target, table=table, allocate_total=False, **kwargs)
    return shipped, exact


def test_area_weighted_interpolation_equals_tobler(lsoa21, wards, census, shared_data):
    tobler = pytest.importorskip("tobler")
    imd = pd.read_csv(shared_data / "deprivation/imd2025_england_lsoa21.csv").set_index("lsoa21_code")
    src = lsoa21.join(census[["total_usual_residents"]], on="lsoa21_code").join(imd[["IMD_score"]], on="lsoa21_code")
    src["area"] = src.area
    w = Crosswalk.overlay(src, wards, source_id="lsoa21_code", target_id="ward22_code")
    ours = w.apply(src, key="lsoa21_code", extensive=["total_usual_residents"], intensive=["IMD_score"], weight="area")
    shipped, peer = _tobler(tobler, src, wards, extensive_variables=["total_usual_residents"], intensive_variables=["IMD_score"])
    for column in ["total_usual_residents", "IMD_score"]:
        np.testing.assert_allclose(ours[column].to_numpy(), peer[column].to_numpy(), rtol=1e-9)
        np.testing.assert_allclose(ours[column].to_numpy(), shipped[column].to_numpy(), rtol=1e-6)
    # Totals: conserved apart from the reported uncovered share of each LSOA.
    total = src["total_usual_residents"].sum()
    lost = (w.uncovered.to_numpy() * src["total_usual_residents"].to_numpy()).sum()
    assert ours["total_usual_residents"].sum() == pytest.approx(total - lost, rel=1e-12)


def test_2011_to_2021_overlay_equals_tobler(lsoa11, lsoa21, shared_data):
    tobler = pytest.importorskip("tobler")
    pop = pd.read_csv(
        shared_data / "deprivation/File_6_-_IoD2019_Population_Denominators.csv", encoding="utf-8-sig", thousands=","
    )
    pop = pop.set_index("LSOA code (2011)")["Total population: mid 2015 (excluding prisoners)"]
    src = lsoa11.join(pop.rename("pop2015"), on="LSOA11CD")
    # Two published 2011 boundaries have self-touching rings: repaired (MakeValid) and reported,
    # and tobler is given the same repaired polygons, so like is compared with like.
    with pytest.warns(furthest.FurthestWarning, match=r"2 invalid polygon\(s\) repaired.*E01011334"):
        w = Crosswalk.overlay(src, lsoa21, source_id="LSOA11CD", target_id="lsoa21_code")
    assert sorted(w.repairs["id"]) == ["E01011334", "E01011595"]
    ours = w.apply(src, key="LSOA11CD", extensive=["pop2015"])
    src = src.set_geometry(src.geometry.make_valid())
    shipped, peer = _tobler(tobler, src, lsoa21, extensive_variables=["pop2015"])
    np.testing.assert_allclose(ours["pop2015"].to_numpy(), peer["pop2015"].to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(ours["pop2015"].to_numpy(), shipped["pop2015"].to_numpy(), rtol=1e-6)


def test_lookup_2011_to_2021_conserves_totals_and_records_derivation(shared_data, census):
    lookup = pd.read_csv(shared_data / "lookups/leeds_lsoa11_lsoa21_lad22.csv", dtype=str)
    pop = pd.read_csv(
        shared_data / "deprivation/File_6_-_IoD2019_Population_Denominators.csv", encoding="utf-8-sig", thousands=","
    ).set_index("LSOA code (2011)")
    leeds = pop.loc[lookup["lsoa11_code"].unique(), ["Total population: mid 2015 (excluding prisoners)"]]
    leeds.columns = ["pop2015"]
    w = Crosswalk.lookup(
        lookup, "lsoa11_code", "lsoa21_code", change="change_code", target_weight=census["total_usual_residents"]
    )
    assert w.shape == (482, 488)
    moved = w.apply(leeds, extensive=["pop2015"])
    assert moved["pop2015"].sum() == pytest.approx(leeds["pop2015"].sum(), rel=1e-15)
    assert (w.uncovered == 0).all()
    assert w.notes["derivation"].value_counts().to_dict() == {"U": 473, "S": 14, "M": 1}
    # A split 2011 LSOA is shared by the 2021 population of its parts.
    parts = lookup.loc[lookup["lsoa11_code"] == "E01032945", "lsoa21_code"]
    people = census.loc[parts, "total_usual_residents"]
    expected = leeds.loc["E01032945", "pop2015"] * people / people.sum()
    np.testing.assert_allclose(moved.loc[parts, "pop2015"], expected, rtol=1e-12)
    # The merge adds its two sources.
    merged = lookup.loc[lookup["change_code"] == "M"]
    assert moved.loc[merged["lsoa21_code"].iloc[0], "pop2015"] == leeds.loc[merged["lsoa11_code"], "pop2015"].sum()


def test_points_agree_with_geopandas_sjoin_off_boundaries(shared_data, lsoa21):
    postcodes = pd.read_csv(shared_data / "points/postcodes_LS_BD_WF_latlon_nspl2025.csv").dropna(subset=["lat", "long"])
    points = gpd.GeoDataFrame(postcodes, geometry=gpd.points_from_xy(postcodes["long"], postcodes["lat"]), crs=4326)
    w = Crosswalk.points(points, lsoa21, point_id="Postcode", polygon_id="lsoa21_code")
    ours = w.main_target()
    joined = gpd.sjoin(points.to_crs(27700), lsoa21[["lsoa21_code", "geometry"]], predicate="within")
    single = joined.groupby(level=0).filter(lambda g: len(g) == 1)
    peer = pd.Series(single["lsoa21_code"].to_numpy(), index=points.loc[single.index, "Postcode"].to_numpy())
    assert len(peer) > 20000
    assert (ours.reindex(peer.index) == peer).all()
    # Points outside Leeds are reported as unplaced, not dropped: exactly those sjoin finds in no
    # LSOA, apart from points lying on a boundary (covered for us, not "within" for sjoin).
    outside = set(points.loc[~points.index.isin(joined.index), "Postcode"])
    unplaced = set(w.unplaced)
    assert len(unplaced) > 10000
    assert unplaced <= outside
    assert len(outside - unplaced) <= 5


def test_member_sites_give_19_pcn_areas_matching_a_nearest_neighbour_search(shared_data, lsoa21):
    practices = pd.read_csv(shared_data / "points/leeds_gp_practices_pcn_2020-09.csv")
    sites = gpd.GeoDataFrame(practices, geometry=gpd.points_from_xy(practices["lon"], practices["lat"]), crs=4326)
    w = Crosswalk.member_sites(lsoa21, sites, "PCN_CODE", zone_id="lsoa21_code", area_name="PCN_NAME")
    assert w.shape == (488, 19)
    assert (w.uncovered == 0).all()
    # Peer: brute-force nearest practice from each LSOA centroid, in the same CRS.
    centroids = np.column_stack([lsoa21.centroid.x, lsoa21.centroid.y])
    site_xy = sites.to_crs(27700)
    site_xy = np.column_stack([site_xy.geometry.x, site_xy.geometry.y])
    nearest = ((centroids[:, None, :] - site_xy[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    expected = practices["PCN_CODE"].to_numpy()[nearest]
    assert (w.main_target().to_numpy() == expected).all()
    polygons = w.area_polygons
    assert len(polygons) == 19 and polygons.geometry.notna().all()
    assert polygons.area.sum() == pytest.approx(lsoa21.area.sum(), rel=1e-9)


def test_compose_equals_applying_twice_and_categorical_shares(shared_data, lsoa21, wards, census):
    lookup = pd.read_csv(shared_data / "lookups/leeds_lsoa11_lsoa21_lad22.csv", dtype=str)
    to_2021 = Crosswalk.lookup(
        lookup, "lsoa11_code", "lsoa21_code", change="change_code", target_weight=census["total_usual_residents"]
    )
    to_wards = Crosswalk.overlay(lsoa21, wards, source_id="lsoa21_code", target_id="ward22_code")
    both = to_2021 @ to_wards
    dpi = pd.read_csv(shared_data / "connectivity/ons_digital_propensity_index_2021_lsoa11_ew.csv").set_index("lsoa11_code")
    dpi = dpi.loc[to_2021.sources]
    direct = both.apply(dpi, extensive=["dpi_score"])
    twice = to_wards.apply(to_2021.apply(dpi, extensive=["dpi_score"]), extensive=["dpi_score"])
    np.testing.assert_allclose(direct["dpi_score"], twice["dpi_score"], rtol=1e-12)
    ruc = pd.read_csv(shared_data / "lookups/ruc21_lsoa21_ew.csv").set_index("lsoa21_code")
    classes = to_wards.apply(ruc.loc[to_wards.sources], categorical=["ruc"])
    share_columns = [c for c in classes.columns if c.startswith("ruc:")]
    np.testing.assert_allclose(classes[share_columns].sum(axis=1), 1.0, atol=1e-12)
    assert set(classes["ruc"]) <= {"Urban", "Rural"}
    assert (classes["ruc"] == classes[share_columns].idxmax(axis=1).str[4:]).all()


def test_geographic_inputs_are_reprojected_not_measured_in_degrees(lsoa21, wards):
    in_degrees = Crosswalk.overlay(lsoa21.to_crs(4326), wards.to_crs(4326), source_id="lsoa21_code", target_id="ward22_code")
    in_metres = Crosswalk.overlay(lsoa21, wards, source_id="lsoa21_code", target_id="ward22_code")
    a, b = in_degrees.to_frame(), in_metres.to_frame()
    merged = a.merge(b, on=["source", "target"], how="outer").fillna(0)
    # Shares computed after reprojection to EPSG:27700 agree to well under a millionth.
    assert (merged["weight_x"] - merged["weight_y"]).abs().max() < 1e-6


def test_pipeline_brings_dpi_from_2011_lsoas_and_groups_by_pcn(repo, tmp_path):
    result = furthest.validate(repo / "examples/leeds_pcn.toml")
    assert len(result.zones) == 488 and len(result.areas) == 19
    assert result.zones["digital_propensity"].notna().all()
    notes = " ".join(result.manifest["indicators"])
    assert "via lookup" in notes and "U: 473" in notes and "S: 14" in notes
    assert result.areas.geometry.notna().all()
    assert result.zones["area_share"].eq(1.0).all()


def test_population_raster_weighted_overlay_matches_a_cell_by_cell_sum(tmp_path, lsoa21, wards):
    rasterio = pytest.importorskip("rasterio")
    exactextract = pytest.importorskip("exactextract")
    from rasterio.transform import from_origin

    # A synthetic 100 m population grid over Leeds with empty (zero) and NoData cells.
    x0, y0, x1, y1 = lsoa21.total_bounds
    cols, rows = int((x1 - x0) // 100) + 3, int((y1 - y0) // 100) + 3
    rng = np.random.default_rng(7)
    people = rng.gamma(2.0, 10.0, size=(rows, cols)).astype("float64")
    people[rng.random((rows, cols)) < 0.2] = 0.0
    people[:5, :] = -1  # NoData strip
    path = tmp_path / "population.tif"
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=cols,
        height=rows,
        count=1,
        dtype="float64",
        crs="EPSG:27700",
        transform=from_origin(x0 - 100, y1 + 100, 100, 100),
        nodata=-1,
    ) as dst:
        dst.write(people, 1)
    sources = lsoa21.iloc[:60]
    w = Crosswalk.overlay(sources, wards, source_id="lsoa21_code", target_id="ward22_code", weight_raster=path)
    # Peer: the people in each LSOA ∩ ward piece, by exactextract's cell coverage (float32 shares).
    pieces = gpd.overlay(sources[["lsoa21_code", "geometry"]], wards[["ward22_code", "geometry"]], how="intersection")
    pieces["people"] = exactextract.exact_extract(str(path), pieces, "sum", output="pandas")["sum"].to_numpy()
    totals = exactextract.exact_extract(str(path), sources, "sum", output="pandas")["sum"].to_numpy()
    pieces["share"] = pieces["people"] / pieces["lsoa21_code"].map(dict(zip(sources["lsoa21_code"], totals)))
    ours = w.to_frame().set_index(["source", "target"])["weight"]
    peer = pieces.set_index(["lsoa21_code", "ward22_code"])["share"]
    peer = peer[peer > 1e-9]
    np.testing.assert_allclose(ours.reindex(peer.index).to_numpy(), peer.to_numpy(), rtol=1e-5, atol=1e-7)
    assert w.method.startswith("population-weighted overlay (weight raster")

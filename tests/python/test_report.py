"""The planner's report (furthest.report): one self-contained HTML file, the answer first, sections a
run lacks replaced by the config section that adds them, escaped, written atomically, and rendered
by a real browser (headless Chromium) with every image loaded and no console error."""

from __future__ import annotations

import base64
import html
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import furthest
from furthest import report
from furthest.cli import main

matplotlib.use("Agg")


class Page(HTMLParser):
    """What a page refers to and says: every tag's attributes, the text, the h2 headings in order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.headings: list[str] = []
        self.text: list[str] = []
        self._in_h2 = False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_h2 = tag == "h2"

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        self.text.append(data)
        if self._in_h2:
            self.headings.append(data)


@pytest.fixture(scope="module")
def full_report(full: furthest.RunResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "furthton.report.html"
    assert full.report(path) == str(path)
    return path


def test_the_report_is_one_self_contained_file(full_report: Path) -> None:
    text = full_report.read_text(encoding="utf-8")
    page = Page(text)
    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "link" not in tags and "iframe" not in tags
    for _, attrs in page.tags:
        for name in ("src", "href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("data:image/png;base64,", "#")), value
    assert not re.search(r"url\(|@import|https?://", text)  # nothing fetched from CSS either
    images = [attrs["src"] for tag, attrs in page.tags if tag == "img"]
    # reach over time, concentration curve, reach map; need, gap, waves, hubs, rank intervals, who the waves reach
    assert len(images) == 9
    for src in images:
        assert base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "@media print" in text and "break-before: page" in text
    assert not list(full_report.parent.glob("*.tmp"))


def test_the_answer_comes_first_then_the_method_and_inputs(full: furthest.RunResult, full_report: Path) -> None:
    page = Page(full_report.read_text(encoding="utf-8"))
    assert page.headings == [
        "The answer",
        "Is it reaching the furthest first?",
        "Maps",
        "How sure is the ranking?",
        "Top neighbourhoods in each area",
        "Method in plain words",
        "Data quality",
        "Inputs",
    ]
    text = " ".join(page.text)
    assert "Furthton: where digital support goes next" in text
    # Which areas next: wave 1's areas named in the summary.
    wave_1 = full["area_waves"].query("area_wave == 1")["area_name"]
    assert f"Next (wave 1): {', '.join(wave_1)}." in text
    # Which neighbourhoods first: the first zone to serve, with its rank interval and reason.
    first = full["rollout"].iloc[0]
    zone = full.zones.set_index("zone_code").loc[first["zone_id"]]
    assert f"{round(zone['rank_p05'])}–{round(zone['rank_p95'])}" in text
    assert first["reason"] in text
    # Where hubs go, and how tablets are shared (the most to the first area, at the cap of 80).
    for site in full["sites"].query("status == 'new hub'")["site_id"]:
        name = full.partners.set_index("partner_id").loc[site, "name"]
        assert name in text
    top = full["allocation"].sort_values("units").iloc[-1]
    assert (
        f"200 tablets shared; the most go to {full.areas.set_index('area_id').loc[top['recipient_id'], 'area_name']} (80)."
        in text
    )
    # The method in plain words: the weights as used, the draws, the catchment.
    assert "50.0%" in text and "200 draws varying weight of 'imd_score'" in text and "within 2,000 m" in text
    # Rank intervals explained in one paragraph; data quality; inputs with checksums, at the end.
    assert "The probability of being in the top decile is the share of draws" in text
    assert "Rows read" in text and "hubs" in text and "others" in text
    for item in full.manifest["inputs"]:
        assert item["sha256"] in text
    assert text.index("Inputs") > text.index("Data quality") > text.index("Method in plain words")
    assert full.manifest["report"]["attribution"][0] in text


def test_sections_a_run_lacks_name_the_config_section(demo_copy, tmp_path: Path) -> None:
    folder, config = demo_copy
    shipped = furthest.run(config)
    text = Path(shipped.report(tmp_path / "demo.html")).read_text(encoding="utf-8")
    assert "This run has no uncertainty analysis: add [scoring.uncertainty]" in text
    assert "This run has no hub siting: add [rollout.hubs] to the config" in text
    assert "Which partnership areas next" in text and "Hollin Vale LCP" in text
    assert "Is it reaching the furthest first?" in text  # the demo as shipped has [monitoring]
    del config["rollout"], config["monitoring"]
    config["output"]["path"] = str(tmp_path / "bare" / "bare.gpkg")
    bare = furthest.run(config)
    text = Path(bare.report(tmp_path / "bare.html")).read_text(encoding="utf-8")
    assert "This run has no rollout plan: add [rollout] to the config" in text
    assert "This run has no allocation: add [rollout.allocation] to the config" in text
    assert len(re.findall(r"<img ", text)) == 2  # need and gap maps; no waves, hubs, rank intervals or reach
    assert "Is it reaching the furthest first?" not in text


def _reaching(full_report: Path) -> str:
    """The HTML of the section "Is it reaching the furthest first?"."""
    text = full_report.read_text(encoding="utf-8")
    start = text.index("<section id='reaching'")
    return text[start : text.index("</section>", start)]


def _table_after(section: str, heading: str) -> list[list[str]]:
    """The body rows (cell texts) of the first table after ``<h3>heading</h3>``."""
    start = section.index(f"<h3>{heading}</h3>")
    body = section[section.index("<tbody>", start) : section.index("</tbody>", start)]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_reaching_answers_with_the_index_in_words_and_the_top_decile(full: furthest.RunResult, full_report: Path) -> None:
    section = html.unescape(re.sub(r"<[^>]+>", " ", _reaching(full_report)))
    equity = full["equity"].query("scope == 'all zones'").set_index("measure")
    for measure, label in (("people_helped", "People helped"), ("devices_lent", "Devices lent")):
        row = equity.loc[measure]
        lower, upper = row["concentration_lower"], row["concentration_upper"]
        words = "reach goes to higher need" if upper < 0 else "reach goes to lower need" if lower > 0 else "no clear lean"
        assert (
            f"{label}: concentration index {row['concentration_index']:+.2f} (90% interval {lower:+.2f} to {upper:+.2f}), "
            f"so {words}." in section
        )
        residents = f"home to {100 * row['top_decile_residents_share']:.0f}% of residents"
        if pd.isna(row["top_decile_reach_share"]):  # suppressed: said so, never a number
            assert f"{residents}; their share of the {label.lower()} is not published" in section
        else:
            assert f"{residents} and received {100 * row['top_decile_reach_share']:.0f}% of the {label.lower()}" in section
    threshold = full.manifest["monitoring"]["disclosure"]["threshold"]
    assert f"fewer than {threshold:g}" in section and "never filled in or shown as 0" in section
    assert "activity.csv" in section and "kind not recognised" in section  # the log's quality table


def test_reaching_lists_the_areas_behind_plan_first_with_their_reason(full: furthest.RunResult, full_report: Path) -> None:
    behind = {item["area"] for item in full.manifest["monitoring"]["plan_progress"]["behind_plan"]}
    assert behind  # the demo's log is made so that two wave-1 areas fall behind
    rows = _table_after(_reaching(full_report), "Progress against the plan")
    status = [row[-1].split(":")[0] for row in rows]  # the last column: "status: reason"
    assert status[: len(behind)] == ["behind plan"] * len(behind) and "behind plan" not in status[len(behind) :]
    reasons = full["plan_progress"].set_index("area_name")["reason"]
    assert {row[0] for row in rows[: len(behind)]} == behind
    for row in rows[: len(behind)]:
        assert row[-1] == f"behind plan: {reasons[row[0]]}"


def test_reaching_prints_suppressed_counts_as_suppressed_never_as_numbers(full: furthest.RunResult, full_report: Path) -> None:
    section = _reaching(full_report)
    assert "nan" not in re.sub(r"<[^>]+>", " ", section).lower().split()
    totals = full["area_reach"].query("period == 'total' and scope == 'area'").set_index("area_name")
    rows = {row[0]: row for row in _table_after(section, "Reach by area over the whole period")}
    suppressed = 0
    for name, area in totals.iterrows():
        for measure, cell in (("people_helped", 1), ("devices_lent", 3)):
            if pd.isna(area[measure]):
                suppressed += 1
                assert rows[name][cell] == "suppressed", (name, measure)
            else:
                assert rows[name][cell] == f"{round(area[measure]):,}", (name, measure)
    assert suppressed  # the demo has areas whose total of devices lent is suppressed
    assert sum(cell == "suppressed" for row in rows.values() for cell in row) == suppressed + sum(
        pd.isna(a["people_helped"]) for _, a in totals.iterrows()
    )  # the rate beside a suppressed count of people is suppressed too
    progress = full["plan_progress"].set_index("area_name")
    for row in _table_after(section, "Progress against the plan"):
        done = progress.loc[row[0], "devices_lent"]
        assert (row[4] == "suppressed") == pd.isna(done), row


def test_text_from_inputs_is_escaped(demo_copy, tmp_path: Path, monkeypatch) -> None:
    _, config = demo_copy
    result = furthest.run(config)
    evil = "<script>alert('x')</script> & Co"
    for table in ("areas", "area_waves"):
        frame = result[table].copy()
        frame.loc[frame["area_id"] == "LCP06", "area_name"] = evil
        monkeypatch.setitem(result._tables, table, frame)
    monkeypatch.setitem(result.manifest, "report", {"title": "<i>Board</i>", "attribution": ["a < b"]})
    text = Path(result.report(tmp_path / "escaped.html")).read_text(encoding="utf-8")
    assert "<script>" not in text and "<i>Board</i>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; Co" in text
    assert "<title>&lt;i&gt;Board&lt;/i&gt;</title>" in text and "a &lt; b" in text


def test_the_report_is_written_atomically(full: furthest.RunResult, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "board" / "report.html"
    path.parent.mkdir()
    path.write_text("the earlier report")

    def fails(*args, **kwargs):
        raise OSError("disk full")

    # The page itself is checked above; here only how it reaches the disk.
    monkeypatch.setattr(report, "render_report", lambda result: "<!DOCTYPE html>\n<p>the new report</p>\n")
    real_replace = report.os.replace
    monkeypatch.setattr(report.os, "replace", fails)
    with pytest.raises(OSError, match="disk full"):
        full.report(path)
    assert path.read_text() == "the earlier report"
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.html"]  # no temporary file left
    monkeypatch.setattr(report.os, "replace", real_replace)
    full.report(path)
    assert path.read_text(encoding="utf-8") == "<!DOCTYPE html>\n<p>the new report</p>\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["report.html"]


def test_cli_report_runs_the_config_then_writes_the_report(demo_dir: Path, tmp_path: Path, capsys) -> None:
    layers = tmp_path / "out" / "furthton.gpkg"
    assert main(["report", str(demo_dir / "demo.toml"), "--layers", str(layers), "--quiet"]) == 0
    written = tmp_path / "out" / "furthton.report.html"  # beside the layers by default
    assert f"report:     {written}" in capsys.readouterr().out
    assert layers.exists() and "Which neighbourhoods first" in written.read_text(encoding="utf-8")
    chosen = tmp_path / "board.html"
    assert main(["report", str(demo_dir / "demo.toml"), "--layers", str(layers), "--output", str(chosen), "--quiet"]) == 0
    assert chosen.exists()
    assert main(["report", str(tmp_path / "missing.toml"), "--quiet"]) == 2
    assert "furthest: error:" in capsys.readouterr().err


def test_the_report_renders_in_headless_chromium(full_report: Path, tmp_path: Path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium binary (Debian package chromium; `make test` installs it)")
    driver_path = shutil.which("chromedriver")
    assert driver_path, "chromium is installed but chromedriver is not: install the Debian package chromium-driver"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    # The driver is Debian's: selenium must not look for (or download) one.
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    try:
        driver.get(full_report.as_uri())
        assert driver.execute_script("return document.readyState") == "complete"
        assert driver.title == "Furthton: where digital support goes next"
        assert driver.find_element("css selector", "h2").text == "The answer"
        images = driver.execute_script(
            "return Array.from(document.images).map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight])"
        )
        assert len(images) == 9  # six as before, and reach over time, the concentration curve, the reach map
        for alt, complete, width, height in images:
            assert complete and width > 0 and height > 0, f"image {alt!r} did not load"
        severe = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
        assert severe == []
        height = driver.execute_script("return document.documentElement.scrollHeight")
        assert height > 3000  # tables, maps and charts, not an empty page
        driver.set_window_size(1200, min(height, 16000))
        screenshot = tmp_path / "report.png"
        assert driver.save_screenshot(str(screenshot))
    finally:
        driver.quit()
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 100_000
    print(f"report screenshot: {screenshot}")

"""Reports: a Markdown briefing, a self-contained HTML page with a timeline, the chart alone."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest

from procurement import Tracker, reports
from procurement.reports.timeline import MissingPlotting

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _lanes(svg: str) -> set[str]:
    return set(re.findall(r'id="lane-([a-z0-9-]+?)--\d+"', svg))


def test_the_briefing_has_snapshot_changes_conflicts_and_sources(seeded: Tracker) -> None:
    """Every section, with the quotes behind the changes."""
    text = reports.markdown(seeded, as_of="2025-12-31", since="2025-06-01")
    for heading in (
        "# Procurement briefing: status as of 2025-12-31",
        "## Status as of 2025-12-31",
        "## Changes from 2025-06-01 to 2025-12-31",
        "## Open conflicts",
        "## Sources",
    ):
        assert heading in text
    assert "| Framework for the US-India Major Defence Partnership (2025) | agreement |" in text
    assert "agreed → **signed**" in text
    assert "Following the discussions, both sides signed the Framework" in text
    assert "**article-002**: Ink 10-year framework" in text


def test_a_briefing_as_known_in_july_does_not_know_of_the_signing(seeded: Tracker) -> None:
    """Knowledge time flows through to reports."""
    text = reports.markdown(seeded, as_of="2025-12-31", known_at="2025-07-15")
    assert "as known on 2025-07-15" in text
    assert "→ **signed**" not in text
    assert "| signed |" not in text
    assert "| agreed |" in text


def test_the_chart_has_one_lane_per_programme(seeded: Tracker) -> None:
    """Each programme with a history gets its own lane, named after it."""
    svg = reports.svg(seeded, as_of="2025-12-31")
    assert _lanes(svg) == {p.id for p in seeded.programmes()}


def test_the_png_chart_is_an_image(seeded: Tracker) -> None:
    """PNG bytes, for slides."""
    assert reports.png(seeded, as_of="2025-12-31").startswith(b"\x89PNG\r\n\x1a\n")


def test_the_html_page_is_self_contained(seeded: Tracker) -> None:
    """No external stylesheet, script, image or font."""
    page = reports.html(seeded, as_of="2025-12-31")
    assert "<svg" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script" not in page and "<link" not in page
    assert "@import" not in page
    # url() only for the chart's own clip paths and hatches, by fragment.
    assert set(re.findall(r"url\(([^)]*)\)", page)) == set(re.findall(r"url\((#[\w-]+)\)", page))


def test_without_matplotlib_the_chart_explains_what_to_install(
    seeded: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Charts are an optional extra; the message names it."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingPlotting, match=r"pip install 'procurement\[plots\]'"):
        reports.svg(seeded, as_of="2025-12-31")
    text = reports.markdown(seeded, as_of="2025-12-31")
    assert text.startswith("# Procurement briefing")


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    """Headless Chromium (Debian's package), driven through Playwright's protocol client."""
    in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
    if CHROMIUM is None:
        if in_ci:
            pytest.fail("CI=true and chromium is not installed")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield launched
        launched.close()


def test_the_html_report_renders_in_chromium_without_errors_or_requests(
    seeded: Tracker,
    backend: str,
    tmp_path: Path,
    browser,  # type: ignore[no-untyped-def]
) -> None:
    """Open the page in a real browser: the chart is there with one lane per programme, the
    console is clean, and nothing is fetched but the file itself."""
    out = reports.write(seeded, tmp_path / "report.html", as_of="2025-12-31")
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    messages: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(out.as_uri())
    page.wait_for_load_state("load")
    lanes = page.eval_on_selector_all(
        "#timeline svg [id^='lane-']", "els => els.map(e => e.id.split('--')[0])"
    )
    assert set(lanes) == {f"lane-{p.id}" for p in seeded.programmes()}
    assert page.locator("h1").inner_text().startswith("Procurement briefing")
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("PROCUREMENT_UPDATE_SCREENSHOT") and backend == "sqlite":
        page.screenshot(path=str(ROOT / "docs" / "report.png"))
    page.close()
    assert shot.stat().st_size > 10_000
    assert [m for m in messages if m.startswith(("error", "pageerror", "warning"))] == []
    assert requests == [out.as_uri()]

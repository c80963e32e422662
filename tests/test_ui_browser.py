"""The web UI end to end: ``summarizer ui`` driven by a real headless Chromium.

Needs Debian's ``chromium`` at /usr/bin/chromium (``apt-get install -y chromium
chromium-driver``; a CJK font such as ``fonts-wqy-microhei`` makes the screenshots
readable).  Playwright's own browser download is not used.  Without Chromium these tests
fail with that instruction rather than skip.  Screenshots of every step go to
``test-artifacts/ui/``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "ui"
CHROMIUM = Path(os.environ.get("SUMMARIZER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1100}
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
APP_RUNNING = "[data-testid='stApp'][data-test-script-state='running']"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The app served by ``summarizer ui`` on a free port."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    log = (ARTIFACTS / "streamlit.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [sys.executable, "-m", "summarizer", "ui", "--headless", "--port", str(port), "--host", "127.0.0.1"],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"streamlit exited with code {server.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
                    if reply.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer /_stcore/health within 60 s; see {log.name}")
            time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it with "
            "`apt-get update && apt-get install -y chromium chromium-driver` "
            "(or point SUMMARIZER_CHROMIUM at a Chromium binary)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    settle(page)
    yield page
    context.close()


def settle(page) -> None:
    """Wait until the script run an interaction triggered has finished."""
    # The run may already be over when we look (or none was needed).
    with contextlib.suppress(Exception):
        page.wait_for_selector(APP_RUNNING, timeout=1_000)
    page.wait_for_selector(APP_READY)
    page.wait_for_timeout(300)  # let the last deltas paint


def shot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def choose_seed(page, key: str) -> None:
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=key).click()


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    settle(page)


def grid_rows(page, index: int = 0) -> list[list[str]]:
    """The cells of a st.dataframe, read from the grid's accessible table."""
    grid = page.get_by_test_id("stDataFrame").nth(index)
    grid.locator("tr[role='row']").first.wait_for(state="attached")
    return grid.evaluate(
        "g => [...g.querySelectorAll(\"tr[role='row']\")].map("
        "r => [...r.querySelectorAll('th, td')].map(c => c.textContent.trim()))"
    )


def test_seed_summary_targets_sources_and_compare(page):
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_have_text("政府工作报告摘要")
    shot(page, "01-welcome")

    # Choose seed 003 with the rules engine (the default) and time the first summary.
    started = time.monotonic()
    choose_seed(page, "003")
    expect(page.locator("h1")).to_have_text("2025年杭州市政府工作报告")
    expect(page.get_by_test_id("stMetric").nth(6)).to_be_visible()
    elapsed = time.monotonic() - started
    settle(page)
    print(f"\ntime from choosing seed 003 to the summary on screen: {elapsed:.2f} s")
    (ARTIFACTS / "time-to-first-summary.txt").write_text(f"{elapsed:.3f}\n", encoding="utf-8")
    expect(page.get_by_test_id("stMetric").filter(has_text="21860亿元")).to_contain_text("已核实")
    shot(page, "02-summary-003")

    # The targets table: GDP, its target phrase and a verified status on one row.
    open_tab(page, "主要目标")
    rows = grid_rows(page)
    assert rows[0] == ["指标", "目标", "数值", "单位", "限定词", "核实"]
    gdp = next(row for row in rows if row[0] == "地区生产总值")
    assert gdp[1] == "增长5.5%左右" and gdp[5] == "✓ 已核实"
    shot(page, "03-targets")

    # Ticking a row shows that target's source sentence, highlighted in context.
    grid = page.get_by_test_id("stDataFrame").first.bounding_box()
    header, row_height = 35, 35
    page.mouse.click(grid["x"] + 16, grid["y"] + header + row_height * 1 + row_height / 2)
    settle(page)
    mark = page.locator(".stMarkdownColoredBackground", has_text="全社会研发经费投入强度4%以上")
    expect(mark).to_be_visible()
    expect(mark.locator("xpath=..")).to_contain_text("主要预期目标")
    mark.scroll_into_view_if_needed()
    shot(page, "04-target-source")

    # ...and 在原文中定位 opens the report text with that sentence highlighted.
    page.get_by_role("button", name="在原文中定位").click()
    settle(page)
    expect(page.get_by_role("tab", name="原文")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".stMarkdownColoredBackground")).to_have_text(
        "全社会研发经费投入强度4%以上"
    )
    shot(page, "05-source-text")

    # A second report, then both side by side.
    choose_seed(page, "004")
    expect(page.locator("h1")).to_have_text("上城区2025年政府工作报告")
    settle(page)
    open_tab(page, "主要目标")
    assert {"地区生产总值", "规上工业增加值"} <= {row[0] for row in grid_rows(page)}
    shot(page, "06-targets-004")
    open_tab(page, "对比")
    rows = grid_rows(page)
    assert rows[0][:3] == ["指标", "杭州市 2025", "上城区 2025"]
    gdp = next(row for row in rows if row[0] == "地区生产总值")
    assert gdp[1:3] == ["增长5.5%左右", "增长5.5%左右"]
    shot(page, "07-compare")


def upload(page, name: str, data: bytes, mime: str) -> None:
    page.get_by_test_id("stSidebar").get_by_role("radio", name="上传文件").click()
    settle(page)
    page.locator("input[type='file']").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    settle(page)


def test_bad_and_oversized_uploads_get_a_clear_message(page):
    from playwright.sync_api import expect

    from summarizer.report.load import MAX_FILE_BYTES

    upload(page, "report.pdf", b"this is not a PDF at all", "application/pdf")
    alert = page.get_by_test_id("stMain").get_by_test_id("stAlert")
    expect(alert).to_contain_text("无法读取这个文件：report.pdf: the PDF is corrupt")
    expect(page.locator("h1")).to_have_text("政府工作报告摘要")
    shot(page, "08-bad-upload")

    page.locator("input[type='file']").set_input_files(
        {"name": "big.txt", "mimeType": "text/plain", "buffer": b"a" * (MAX_FILE_BYTES["txt"] + 1)}
    )
    settle(page)
    expect(alert).to_contain_text("big.txt: the file is 10.0 MiB, over the 10 MiB limit")
    shot(page, "09-oversized-upload")

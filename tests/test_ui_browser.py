"""The web UI end to end: ``summarizer ui`` driven by a real headless Chromium.

Needs Debian's ``chromium`` at /usr/bin/chromium (``apt-get install -y chromium
chromium-driver``; a CJK font such as ``fonts-wqy-microhei`` makes the screenshots
readable).  Playwright's own browser download is not used.  Without Chromium these tests
fail with that instruction rather than skip.  Screenshots of every step go to
``test-artifacts/ui/``; the journeys a person repeats (1400×1000, 1024 and 390 px wide)
are photographed at each width.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from summarizer.pipeline import summarize_text
from tests.ui_reports import missed_target_report

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
DESKTOP = {"width": 1400, "height": 1000}
LAPTOP = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
APP_READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
APP_RUNNING = "[data-testid='stApp'][data-test-script-state='running']"
# Keys a developer's shell may hold: the server must not see them (the no-key journey).
KEY_VARIABLES = (
    "DEEPSEEK_API_KEY",
    "OPENAI_API_KEY",
    "DASHSCOPE_API_KEY",
    "SUMMARIZER_API_KEY_ENV",
)
ENGLISH = re.compile(r"[A-Za-z]{3,} [a-z]{3,}")  # a run of English words


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def app_url() -> Iterator[str]:
    """The app served by ``summarizer ui`` on a free port, with no model keys around."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARIABLES}
    env.pop("SUMMARIZER_MODEL", None)
    env.pop("SUMMARIZER_API_BASE", None)
    log = (ARTIFACTS / "streamlit.log").open("w", encoding="utf-8")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "summarizer",
            "ui",
            "--headless",
            "--port",
            str(port),
            "--host",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
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


@contextlib.contextmanager
def opened(browser, app_url: str, viewport: dict[str, int]):
    context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(app_url)
    settle(page)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def page(browser, app_url):
    with opened(browser, app_url, DESKTOP) as page:
        yield page


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


def sidebar(page):
    """The sidebar, opened first on a narrow screen where it starts collapsed."""
    opener = page.get_by_test_id("stExpandSidebarButton")
    if opener.count() and opener.is_visible():
        opener.click()
        page.wait_for_timeout(500)
    return page.get_by_test_id("stSidebar")


def close_sidebar(page) -> None:
    """On a narrow screen the sidebar covers the page: fold it away."""
    if page.viewport_size["width"] < 700:
        page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        page.wait_for_timeout(500)


def choose_seed(page, key: str) -> None:
    sidebar(page).get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=key).click()
    settle(page)


def open_tab(page, label: str) -> None:
    page.get_by_role("tab", name=label).click()
    settle(page)


def upload(page, name: str, data: bytes, mime: str = "text/plain") -> None:
    sidebar(page).get_by_role("radio", name="上传文件").click()
    settle(page)
    page.locator("input[type='file']").set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    settle(page)


def in_first_screen(page, locator) -> bool:
    """Whether the element is wholly inside the viewport, without scrolling the page."""
    box = locator.bounding_box()
    size = page.viewport_size
    if box is None:
        return False
    inside_y = box["y"] >= 0 and box["y"] + box["height"] <= size["height"]
    return inside_y and box["x"] >= 0 and box["x"] + box["width"] <= size["width"]


def seed_meta(key: str):
    (path,) = (ROOT / "seeds").glob(f"{key}_*.txt")
    return summarize_text(path.read_text(encoding="utf-8"), name=path.name).meta


# =========================================================================== journeys


def test_seed_summary_targets_sources_and_compare(page):
    from playwright.sync_api import expect

    expect(page.locator("h1")).to_have_text("政府工作报告摘要")
    shot(page, "01-welcome")

    # Choose seed 003 with the rules engine (the default) and time the first summary.
    started = time.monotonic()
    choose_seed(page, "003")
    expect(page.locator("h1")).to_have_text("2025年杭州市政府工作报告")
    elapsed = time.monotonic() - started
    print(f"\ntime from choosing seed 003 to the summary on screen: {elapsed:.2f} s")
    (ARTIFACTS / "time-to-first-summary.txt").write_text(f"{elapsed:.3f}\n", encoding="utf-8")
    # The first cards are headline figures, each with its verdict and its sentence at hand.
    first = page.get_by_test_id("stMetric").first
    expect(first).to_contain_text("地区生产总值")
    expect(first).to_contain_text("21860亿元")
    expect(first).to_contain_text("增长4.7%")
    expect(page.get_by_text("数字核实", exact=False).first).to_be_visible()
    expect(page.get_by_text("完整性", exact=False).first).to_be_visible()
    shot(page, "02-summary-003")
    page.get_by_test_id("stPopover").filter(has_text="原句").first.locator("button").click()
    mark = page.locator(".stMarkdownColoredBackground", has_text="21860亿元").first
    expect(mark).to_be_visible()
    shot(page, "03-figure-sentence")
    page.keyboard.press("Escape")

    # Downloads are named after the report.
    meta = seed_meta("003")
    page.get_by_test_id("stPopover").filter(has_text="下载").locator("button").first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name="摘要 JSON").click()
    assert download.value.suggested_filename == f"{meta.year}_{meta.region}_summary.json"
    page.keyboard.press("Escape")

    # Selecting a target shows its sentence right there, in the first screen.
    open_tab(page, "主要目标")
    page.locator("summary", has_text="全社会研发经费投入强度").click()
    settle(page)
    mark = page.locator(".stMarkdownColoredBackground", has_text="全社会研发经费投入强度").first
    expect(mark).to_be_visible()
    number = page.locator(".stMarkdownColoredBackground", has_text=re.compile(r"^4%$")).first
    expect(number).to_be_visible()
    assert in_first_screen(page, mark) and in_first_screen(page, number)
    expect(mark.locator("xpath=..")).to_contain_text("主要预期目标")
    shot(page, "04-target-sentence")

    # ...and 在原文中定位 opens the report text with that sentence highlighted.
    page.get_by_role("button", name="在原文中定位").locator("visible=true").first.click()
    settle(page)
    expect(page.get_by_role("tab", name="原文")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".stMarkdownColoredBackground").first).to_contain_text(
        "全社会研发经费投入强度"
    )
    shot(page, "05-source-text")

    # A second report, then both side by side: every row shown, none scrolled away.
    choose_seed(page, "004")
    open_tab(page, "对比")
    table = page.get_by_test_id("stTable").first
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    assert rows.count() >= 5
    assert table.evaluate("t => t.scrollHeight <= t.clientHeight + 1")
    expect(rows.filter(has_text="地区生产总值")).to_contain_text("增长5.5%左右")
    shot(page, "06-compare")


def test_a_missed_target_shows_the_completeness_warning(page, seed_text):
    from playwright.sync_api import expect

    text, missed = missed_target_report(seed_text("003"))
    upload(page, "杭州_2025_漏列目标.txt", text.encode("utf-8"))
    expect(page.locator("h1")).to_have_text("2025年杭州市政府工作报告")
    badge = page.get_by_text("可能不全：主要预期目标").first
    expect(badge).to_be_visible()
    verification = page.get_by_text("数字核实", exact=False).first
    # side by side: the two checks on one line, neither hiding the other
    assert abs(badge.bounding_box()["y"] - verification.bounding_box()["y"]) < 10
    notice = page.get_by_text("主要预期目标可能不全", exact=False)
    expect(notice).to_be_visible()
    expect(notice).to_contain_text(missed[0])
    shot(page, "10-missed-target-warning")
    page.get_by_role("button", name="在原文中查看").click()
    settle(page)
    expect(page.get_by_role("tab", name="原文")).to_have_attribute("aria-selected", "true")
    marked = page.locator(".stMarkdownColoredBackground", has_text=missed[0]).first
    expect(marked).to_be_visible()
    shot(page, "11-missed-target-passage")


def test_empty_and_binary_uploads_get_chinese_messages(page):
    from playwright.sync_api import expect

    sidebar(page).get_by_role("radio", name="上传文件").click()
    settle(page)
    uploader = page.get_by_test_id("stFileUploader")
    # Streamlit's English is hidden and Chinese drawn in its place (CSS content)
    assert not re.search(r"Upload|per file|Drag|Browse", uploader.inner_text())
    drawn = uploader.evaluate(
        "u => [...u.querySelectorAll('button p, [data-testid=stFileUploaderDropzoneInstructions]"
        " span')].map(e => getComputedStyle(e, '::after').content).join(' ')"
    )
    assert "选择文件" in drawn and "Word（.docx）和 PDF 不超过 50 MB" in drawn

    upload(page, "空文件.txt", b"")
    alert = page.get_by_test_id("stMain").get_by_test_id("stAlert")
    expect(alert).to_contain_text("无法读取这个文件：「空文件.txt」是空文件")
    assert not ENGLISH.search(alert.inner_text())
    expect(page.locator("h1")).to_have_text("政府工作报告摘要")
    shot(page, "12-empty-upload")

    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16
    page.locator("input[type='file']").set_input_files(
        {"name": "扫描件.txt", "mimeType": "text/plain", "buffer": png}
    )
    settle(page)
    expect(alert).to_contain_text("「扫描件.txt」是PNG 图片，不是文本文档")
    assert not ENGLISH.search(alert.inner_text())
    shot(page, "13-binary-upload")


def test_the_llm_engine_without_a_key_says_so_before_running(page):
    from playwright.sync_api import expect

    bar = sidebar(page)
    bar.get_by_text("大模型（需要模型服务）").click()
    settle(page)
    model = page.locator("input[aria-label='模型']")
    model.fill("deepseek/deepseek-chat")
    model.press("Tab")
    settle(page)
    choose_seed(page, "003")
    alert = page.get_by_test_id("stMain").get_by_test_id("stAlert").first
    expect(alert).to_contain_text("大模型现在无法运行")
    expect(alert).to_contain_text("没有找到模型 deepseek/deepseek-chat 的 API 密钥")
    expect(alert).to_contain_text("DEEPSEEK_API_KEY")
    expect(bar.get_by_role("button", name="用大模型生成摘要")).to_be_disabled()
    # the rules summary is on the page meanwhile, and nothing says "click to start"
    expect(page.locator("h1")).to_have_text("2025年杭州市政府工作报告")
    expect(page.get_by_text("点击左侧")).to_have_count(0)
    shot(page, "14-llm-without-key")


def test_the_compare_view_of_the_two_yuhang_reports_charts_target_against_result(page):
    from playwright.sync_api import expect

    prev, curr = seed_meta("002"), seed_meta("000")
    assert (prev.region, prev.year + 1) == (curr.region, curr.year)  # seeds 002 and 000
    choose_seed(page, "002")
    choose_seed(page, "000")
    open_tab(page, "对比")
    heading = page.get_by_role("heading", name=f"{prev.region} {prev.year} 年目标的完成情况")
    expect(heading).to_be_visible()
    chart = page.get_by_test_id("stVegaLiteChart").first
    chart.scroll_into_view_if_needed()
    expect(chart).to_be_visible()
    expect(chart.locator("canvas, svg").first).to_be_visible()
    assert chart.bounding_box()["height"] > 120
    shot(page, "15-compare-yuhang-chart")
    item = page.locator("summary", has_text="地区生产总值").first
    item.click()
    settle(page)
    details = item.locator("xpath=ancestor::details[1]")
    expect(details).to_contain_text(f"{prev.year} 年报告的目标")
    expect(details).to_contain_text(f"{curr.year} 年报告的回顾")
    expect(details).to_contain_text("判断规则")
    expect(details.locator(".stMarkdownColoredBackground").nth(1)).to_be_visible()
    shot(page, "16-compare-yuhang-quotes")


# =========================================================================== three widths


@pytest.mark.parametrize(
    ("name", "viewport"), [("1400", DESKTOP), ("1024", LAPTOP), ("390", PHONE)]
)
def test_the_page_works_at_desktop_laptop_and_phone_widths(browser, app_url, name, viewport):
    from playwright.sync_api import expect

    with opened(browser, app_url, viewport) as page:
        choose_seed(page, "003")
        close_sidebar(page)
        expect(page.locator("h1")).to_have_text("2025年杭州市政府工作报告")
        width = viewport["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # no value cut short with an ellipsis
        cut = page.evaluate(
            "[...document.querySelectorAll('[data-testid=stMetricValue] p')]"
            ".filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent)"
        )
        assert cut == []
        shot(page, f"20-summary-{name}")

        open_tab(page, "主要目标")
        first = page.locator("summary").first
        status = first.get_by_text("已核实")
        expect(status).to_be_visible()
        assert in_first_screen(page, status)  # the verification column, without scrolling
        first.click()
        settle(page)
        assert in_first_screen(page, page.locator(".stMarkdownColoredBackground").first)
        shot(page, f"21-targets-{name}")

        open_tab(page, "重点任务")
        shot(page, f"22-tasks-{name}")
        choose_seed(page, "000")
        close_sidebar(page)
        open_tab(page, "对比")
        prev = seed_meta("002")
        page.get_by_test_id("stMultiSelect").locator("input").click()
        option = page.get_by_role(
            "option", name=re.compile(rf"(?=.*{prev.region})(?=.*{prev.year})")
        )
        expect(option).to_be_visible()
        expect(page.get_by_role("option", name="Select all")).to_have_count(0)
        option.click()
        page.keyboard.press("Escape")
        settle(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shot(page, f"23-compare-{name}")

"""The review page in a real browser (Debian's headless Chromium through playwright): open
it, click, type, and check the DOM. These tests fail, never skip, when Chromium is missing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from gipr_llm.pipeline.review import review_run, write_review
from tests.browser import chromium
from tests.review_inputs import review_inputs

SEED_003_CELL = 'td[data-key="table3.unavailable_not_held.total"]'


@pytest.fixture(scope="module")
def page_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("review-page")
    run = review_run(review_inputs(folder / "inputs"))
    write_review(run, folder / "review.html")
    return (folder / "review.html").as_uri()


@pytest.fixture(scope="module")
def browser():
    with chromium() as context:
        yield context


@pytest.fixture(scope="module")
def tab(browser):
    tab = browser.new_page()
    tab.requests = []  # every request the page makes, checked by test_no_network_request
    tab.errors = []
    tab.on("request", lambda request: tab.requests.append(request.url))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    tab.close()


@pytest.fixture
def page(tab, page_url):
    """The page freshly loaded (one tab for the module: a new tab costs a second)."""
    tab.goto(page_url)
    tab.wait_for_selector("html[data-ready='1']")
    tab.requests.clear()
    yield tab
    assert tab.errors == []


def open_report(page, file_name: str) -> None:
    page.click(f"#report-list button:has-text('{file_name}')")
    page.wait_for_selector(f"#detail .report-view >> text={file_name}")


def test_list_counts_statuses_and_puts_send_backs_first(page):
    items = page.locator("#report-list button.item")
    assert items.count() == 7
    assert "003_31517a60f0cc5bb3.txt" in items.first.inner_text()
    assert "有填报错误" in items.first.inner_text()
    counts = page.locator("#status-counts").inner_text()
    assert "全部 7" in counts and "仅有读取问题 2" in counts and "未能读取 1" in counts
    # the page opens on the first report to send back
    assert page.locator("#detail h2").inner_text() == "北京市朝阳区政务服务管理局"


def test_seed_003_wrong_cell_shows_stated_and_likely_value(page):
    cell = page.locator(SEED_003_CELL)
    assert "st-error" in cell.get_attribute("class")
    text = cell.inner_text()
    assert "183" in text and "182" in text and "填报错误" in text
    assert cell.locator("del").inner_text() == "183"
    # the label of its row and column are the template's own
    row = page.locator('#detail tr[data-row="unavailable_not_held"]').inner_text()
    assert "1.本机关不掌握相关政府信息" in row
    assert page.locator("#detail table.t3 thead").inner_text().split()[-6:] == [
        "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
    ]  # fmt: skip


def test_clicking_the_finding_scrolls_to_and_highlights_the_cell(page):
    page.evaluate("document.getElementById('detail').scrollTop = 0")
    cell = page.locator(SEED_003_CELL)
    before = cell.bounding_box()
    page.click("#detail .finding:has-text('LOCALISED')")
    assert "hl" in cell.get_attribute("class")
    after = cell.bounding_box()
    viewport = page.viewport_size
    assert after["y"] != before["y"] and after["y"] >= 0 and after["y"] + after["height"] <= viewport["height"]
    assert page.locator("#detail .hl").count() == 1
    # the finding says the likely value too
    assert "很可能应为 182" in page.locator('#detail .finding[aria-pressed="true"]').inner_text()


def test_hovering_a_cell_shows_its_findings(page):
    page.hover(SEED_003_CELL)
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "很可能填错" in tip.inner_text()


def test_filter_reading_problems_shows_only_those(page):
    page.select_option("#filter-status", "reading")
    items = page.locator("#report-list button.item")
    expect(items).to_have_count(2)
    for text in items.all_inner_texts():
        assert "仅有读取问题" in text
    texts = " ".join(items.all_inner_texts())
    assert "002_messy.txt" in texts and "004_e68095c7a9b5b53d.txt" in texts
    # a reading problem is not presented as the report's fault
    assert "读取问题（工具未能读准，不是报告的错）" in page.locator("#detail .findings").inner_text()
    page.fill("#search", "外事")
    expect(items).to_have_count(1)


def test_filter_by_rule_and_search_by_body(page):
    items = page.locator("#report-list button.item")
    page.select_option("#filter-rule", "LOCALISED")
    expect(items).to_have_count(1)
    page.select_option("#filter-rule", "")
    page.fill("#search", "西城区")
    expect(items).to_have_count(3)
    assert all("西城区" in t for t in items.all_inner_texts())
    page.fill("#search", "")
    expect(items).to_have_count(7)
    page.select_option("#filter-body", "北京市东城区政务服务管理局")
    expect(items).to_have_count(2)
    assert all("北京市东城区政务服务管理局" in t for t in items.all_inner_texts())


def test_messy_copy_shows_every_reading_state(page):
    open_report(page, "002_messy.txt")
    states = {
        "table3.partially_granted.natural_person": ("st-na", "不适用", "/"),
        "table3.denied_state_secret.natural_person": ("st-unreadable", "无法识别", "3O"),
        "table3.unprocessed_publication.natural_person": ("st-blank", "空白", "—"),
    }
    for key, (cls, label, raw) in states.items():
        cell = page.locator(f'td[data-key="{key}"]')
        assert cls in cell.get_attribute("class"), key
        assert label in cell.inner_text() and f"原文「{raw}" in cell.inner_text(), key
    # the short row (six 0s, one cell lost): the table's sums place it, every placement gives
    # the same numbers, so each cell is 0 or blank, shown blank with the row's finding
    cell = page.locator('td[data-key="table3.unprocessed_duplicate.natural_person"]')
    assert "st-blank" in cell.get_attribute("class") and "has-findings" in cell.get_attribute("class")
    cell.hover()
    assert "0或空白" in page.locator("#tip").inner_text()


def test_failed_input_lists_its_reason(page):
    open_report(page, "notice.txt")
    assert "不是政府信息公开工作年度报告" in page.locator("#detail").inner_text()


def test_keyboard_moves_between_reports_and_findings(page):
    first = page.locator("#detail h2").inner_text()
    page.keyboard.press("j")
    assert page.locator("#detail .report-view").get_attribute("data-id") == "1"
    page.keyboard.press("k")
    assert page.locator("#detail h2").inner_text() == first
    page.keyboard.press("n")
    page.keyboard.press("n")
    pressed = page.locator('#detail .finding[aria-pressed="true"]')
    assert pressed.get_attribute("data-index") == "1"
    assert page.locator("#detail .hl").count() >= 1
    page.keyboard.press("Escape")
    assert page.locator("#detail .hl").count() == 0
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"


def test_narrative_quote_is_highlighted_and_linked_to_its_fact(page):
    open_report(page, "000_27062e3c77157471.txt")
    marks = page.locator("#detail .narr mark")
    assert marks.count() >= 1
    link = page.locator("#detail .facts a[data-mark]").first
    target = link.get_attribute("data-mark")
    link.click()
    assert "hl" in page.locator(f"#{target}").get_attribute("class")
    page.locator(f"#{target}").click()
    assert page.locator("#detail .facts li.hl").count() == 1


def test_print_shows_one_report_as_an_audit_opinion(page):
    page.emulate_media(media="print")
    try:
        assert not page.locator("#list-pane").is_visible()
        assert not page.locator("#detail .narrative").is_visible()
        assert page.locator("#detail .print-only").first.is_visible()
        assert "审核结论：发现 3 处填报问题" in page.locator("#detail").inner_text()
        view = "getComputedStyle(document.querySelector('#detail .report-view')).breakAfter"
        assert page.evaluate(view) == "page"
        # 打印筛选出的审核意见: every filtered report, each its own page (print dialog stubbed)
        page.emulate_media(media="screen")
        page.select_option("#filter-status", "reading")
        page.evaluate("window.print = () => {}")
        page.click("#print-filtered")
        page.emulate_media(media="print")
        views = page.locator("#print-area .report-view")
        assert views.count() == 2 and views.first.is_visible() and not page.locator(".app").is_visible()
    finally:
        page.emulate_media(media="screen")


def test_no_network_request(page):
    # everything above ran on pages like this one; this one clicks through every report
    for _ in range(7):
        page.keyboard.press("j")
    page.keyboard.press("n")
    page.reload()  # the address keeps the report shown (#r=6): a link to one report works
    page.wait_for_selector("html[data-ready='1']")
    assert page.locator("#detail .report-view").get_attribute("data-id") == "6"
    page.keyboard.press("n")
    assert page.requests == [page.url.split("#")[0]]  # the page itself, on reload; nothing else

"""The operator page in a real headless Chromium (Debian's /usr/bin/chromium driven by Playwright)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.test_api import base_url  # noqa: F401  (the running server fixture)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


def test_operator_drafts_and_opens_a_citation(base_url: str) -> None:  # noqa: F811
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
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
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(base_url + "/")
        page.wait_for_selector("#status.ready", timeout=30_000)
        page.fill(
            "#inquiry",
            "佐藤花子です。<script>alert(1)</script> 公金受取口座を変更したいのですが、どうすればいいですか？",
        )
        page.select_option("#channel", "web_form")
        page.keyboard.press("Control+Enter")
        page.wait_for_function("document.querySelector('#draft').value.length > 20", timeout=30_000)
        masked = page.inner_text("[data-testid=masked]")
        assert "<PERSON_1>" in masked and "佐藤花子" not in masked
        assert "<script>" in masked  # rendered as text, not executed
        assert page.locator(".ph").count() >= 1
        assert "回答可能" in page.inner_text(
            "[data-testid=recommendation]"
        ) or "エスカレーション" in page.inner_text("[data-testid=recommendation]")
        first = page.locator("[data-testid=citations] a").first
        first.click()
        page.wait_for_selector("#source:not([hidden])", timeout=10_000)
        assert len(page.inner_text("#source")) > 20
        page.fill("#draft", page.input_value("#draft") + "\nよろしくお願いいたします。")
        page.click("#edited")
        page.wait_for_function(
            "document.querySelector('#feedback-status').textContent.includes('記録しました')"
        )
        page.screenshot(path=str(ARTIFACTS / "operator-page-1280.png"), full_page=True)
        page.set_viewport_size({"width": 420, "height": 800})
        page.screenshot(path=str(ARTIFACTS / "operator-page-narrow.png"), full_page=True)
        browser.close()

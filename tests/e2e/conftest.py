"""Fixtures for the browser tests: one JupyterLab and one chromium per session, a fresh
page per test, a screenshot in test-artifacts/ when a test fails."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from .lab import ARTIFACTS, CHROMIUM, CHROMIUM_FLAGS, LabServer, Notebook

SCREENSHOT_ALWAYS = os.environ.get("TELENB_E2E_SCREENSHOTS") == "always"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{CHROMIUM} is absent (install Debian's chromium: "
                        "apt-get install chromium; scripts/test.sh does it as root)"
                    )
                )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    page = item.funcargs.get("page")
    if page is None or not (report.failed or SCREENSHOT_ALWAYS):
        return
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"e2e-{item.name}{'-FAILED' if report.failed else ''}.png"
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception as exc:  # the browser may be gone; say so rather than hide the failure
        report.sections.append(("screenshot", f"could not take a screenshot: {exc}"))
        return
    report.sections.append(("screenshot", str(path)))
    print(f"\nscreenshot: {path}", file=sys.stderr)


@pytest.fixture(scope="package")
def lab(tmp_path_factory):
    server = LabServer(tmp_path_factory.mktemp("lab")).start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def fake_mic_wav(tmp_path_factory) -> Path:
    """What chromium's fake microphone plays (looped): see mic_audio.py."""
    from .mic_audio import fake_mic_wav as make

    return make(tmp_path_factory.mktemp("mic"))


@pytest.fixture(scope="package")
def browser(tmp_path_factory, fake_mic_wav):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    context = pw.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=str(CHROMIUM),
        headless=True,
        args=[
            *CHROMIUM_FLAGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={fake_mic_wav}",
        ],
        ignore_default_args=["--mute-audio"],
        viewport={"width": 1280, "height": 1000},
    )
    yield context
    context.close()
    pw.stop()


@pytest.fixture
def page(browser, lab):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    yield page
    page.close()


@pytest.fixture
def open_notebook(page, lab, request):
    """Write a notebook of `cells` into the server's root and open it in the browser."""

    def open_(cells: list[str]) -> Notebook:
        name = lab.write_notebook(f"{request.node.name}.ipynb", cells)
        return Notebook(page, lab, name)

    yield open_
    lab.shutdown_kernels()

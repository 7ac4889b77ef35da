"""Headless Chromium from the distribution (Debian's ``chromium``), driven through playwright.

No browser is downloaded: playwright drives ``/usr/bin/chromium`` (or ``$GIPR_CHROMIUM``).
When it is missing the browser tests fail with this message; they are the test of the
review page, so they never skip.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("GIPR_CHROMIUM", "/usr/bin/chromium")
# Flags for this machine: no sandbox (root), nothing that talks to the network on its own.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium(viewport: tuple[int, int] = (1400, 900)) -> Iterator:
    """A fresh browser context (new user-data-dir), closed and removed afterwards."""
    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            f"{CHROMIUM} not found: install Debian's chromium (apt-get install -y chromium chromium-driver)"
        )
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="gipr-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile,
                executable_path=CHROMIUM,
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": viewport[0], "height": viewport[1]},
            )
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

"""The review UI in a real browser: Playwright driving Debian's Chromium (never a downloaded
build) against the app served by uvicorn on 127.0.0.1.

The editor loads the draft of the demo's day, drops an item, rewrites an item's text and
approves; the published post, the standalone HTML page and both feeds must then carry the
rewritten text and not the dropped item. A POST from the same browser session without the
CSRF token gets 403. A screenshot of the review page is saved under the test's tmp dir (and
under ``$DEEPDAILY_SCREENSHOT_DIR`` when set; ``docs/review.png`` is one).
"""

from __future__ import annotations

import asyncio
import html
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import feedparser
from playwright.sync_api import Browser, Page, sync_playwright

from deepdaily.config import Settings
from deepdaily.models import Digest
from deepdaily.pipeline import run_digest
from deepdaily.publish import targets_for
from deepdaily.store import Store
from deepdaily.web.app import create_app
from web_support import DAY, PROFILE, build_demo, copy_demo, running

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EDITED = "Rewritten by the editor in the browser review."


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium under Playwright (started after any asyncio.run of the test: the
    sync API keeps an event loop of its own running in this thread)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def draft_of(store: Store) -> Digest:
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    return Digest.model_validate_json(row["json"])


def screenshot(page: Page, folder: Path) -> list[Path]:
    """The review page as PNG in ``folder`` and in $DEEPDAILY_SCREENSHOT_DIR if set."""
    saved = folder / "review.png"
    page.screenshot(path=str(saved))
    copies = [saved]
    extra = os.environ.get("DEEPDAILY_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        copies.append(Path(shutil.copy(saved, Path(extra) / "review.png")))
    return copies


def submit(page: Page, selector: str) -> str:
    """Click a form's button, wait for the page the redirect leads to; return its note."""
    with page.expect_navigation():
        page.click(selector)
    return page.inner_text("#note")


def test_review_in_the_browser_drop_edit_approve_publish(tmp_path: Path) -> None:
    built = tmp_path / "built"
    build_demo(built)
    settings: Settings = copy_demo(built, tmp_path / "review")
    with Store(settings.store.resolved_url()) as store:
        # the day goes back to a draft, as `deepdaily run --review` leaves it
        asyncio.run(run_digest(settings, store, DAY, fetch=False, review=True))
        draft = draft_of(store)
        kept, dropped = draft.items[0], draft.items[1]
        with running(create_app(settings, store, DAY)) as base, chromium() as browser:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base + "/")
            assert page.text_content("#status") == "draft"
            assert dropped.title in page.inner_text("#draft")

            note = submit(page, f"#row-{dropped.event_id} button[data-action=drop]")
            assert note.startswith("dropped")
            assert dropped.title not in page.inner_text("#draft")

            page.click(f"#row-{kept.event_id} a.btn")
            page.fill("#value-what", EDITED)
            assert "edited" in submit(page, "#field-what button[data-action=edit]")
            assert page.input_value("#value-what") == EDITED

            page.goto(base + "/")
            assert EDITED in page.inner_text("#draft")
            shots = screenshot(page, tmp_path)
            assert all(shot.stat().st_size > 10_000 for shot in shots)

            # the same browser session, but a POST without the CSRF token
            refused = page.request.post(
                base + "/action/drop", form={"event_id": kept.event_id}, max_redirects=0
            )
            assert refused.status == 403

            note = submit(page, "button[data-action=approve]")
            assert note.startswith("approved and published"), note
            assert page.text_content("#status") == "published"
            page.close()

        published = draft_of(store)
        row = store.digest(PROFILE, DAY.isoformat())
        assert row is not None and row["status"] == "published"
    assert dropped.event_id not in [i.event_id for i in published.items]
    targets = targets_for(settings, published)

    post = targets.post.read_text(encoding="utf-8")
    assert EDITED in post and dropped.title not in post

    page_text = html.unescape(targets.html.read_text(encoding="utf-8"))
    assert EDITED in page_text and dropped.title not in page_text
    assert kept.title in page_text

    for feed_path in (targets.rss, targets.atom):
        feed = feedparser.parse(feed_path.read_bytes())
        assert not feed.bozo, (feed_path, feed.get("bozo_exception"))
        entry = next(e for e in feed.entries if DAY.isoformat() in e.id)
        body = html.unescape(" ".join(c.value for c in entry.get("content", [])))
        body = body or html.unescape(entry.get("summary", ""))
        assert EDITED in body, feed_path
        assert dropped.title not in body, feed_path

"""The review UI (``deepdaily serve``) through Starlette's TestClient, on the demo's day.

Every action is posted as the page's own forms post it, and checked in what the store then
holds: the edits log (what, when), the re-rendered draft, the run manifest. The security rules
(token, CSRF, host) and the persistence of edits across ``deepdaily run --no-fetch`` are
here too; the browser test is ``test_web_browser.py``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from deepdaily.cli.main import main
from deepdaily.config import Settings
from deepdaily.errors import UsageError
from deepdaily.models import Digest
from deepdaily.store import Store
from deepdaily.store.edits import EditLog
from deepdaily.web.app import create_app
from deepdaily.web.security import AUTH_COOKIE, Guard, check_binding
from web_support import DAY, PROFILE, build_demo, copy_demo, demo_sources

TOKEN = "s3cret-review-token-0123456789"


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-built") / "demo"
    build_demo(folder)
    return folder


@pytest.fixture
def settings(built_demo: Path, tmp_path: Path) -> Settings:
    return copy_demo(built_demo, tmp_path / "demo")


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    with Store(settings.store.resolved_url()) as opened:
        yield opened


@pytest.fixture
def client(settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(settings, store, DAY), base_url="http://127.0.0.1") as c:
        yield c


def stored_digest(store: Store) -> Digest:
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    data = json.loads(row["json"])
    data.pop("schema_version")
    return Digest.model_validate(data)


def csrf_of(client: TestClient, path: str = "/") -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "the page has no CSRF field"
    return found.group(1)


def post(client: TestClient, action: str, **fields: str) -> str:
    """Post an action with the page's CSRF token; return the note shown after the redirect."""
    data = {"csrf": csrf_of(client), "back": "/", **fields}
    answer = client.post(f"/action/{action}", data=data, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    page = client.get(answer.headers["location"])
    note = re.search(r'id="note">([^<]*)<', page.text)
    assert note, page.text[:500]
    return note.group(1)


def kinds(store: Store) -> list[str]:
    return [edit.kind for edit in EditLog(store).history(PROFILE, DAY.isoformat())]


# -- pages ---------------------------------------------------------------------------------


def test_pages_show_draft_candidates_item_and_manifest(client: TestClient, store: Store) -> None:
    digest = stored_digest(store)
    first = digest.items[0]
    page = client.get("/")
    assert page.status_code == 200
    assert all(item.title in page.text for item in digest.items)  # the items, in the draft
    assert '<article class="digest"' in page.text and "<h2>" in page.text  # rendered Markdown

    candidates = client.get("/candidates").text
    run = store.digest(PROFILE, DAY.isoformat())
    assert run is not None
    selections = store.selections(run["run_id"])
    assert len(selections) > len(digest.items)  # events left out are listed too
    for sel in selections:
        assert f'id="cand-{sel.event_id}"' in candidates
        assert f"{sel.score.total:.2f}" in candidates
    left = next(s for s in selections if not s.selected)
    assert left.reason.split(":")[0] in candidates  # why it was left

    detail = client.get(f"/item/{first.event_id}").text
    for url in first.sources:
        assert f'href="{url}"' in detail
    assert first.claims, "the demo's first item states claims"
    for claim in first.claims:
        assert f"status-{claim.status}" in detail
    assert 'name="field" value="what"' in detail

    manifest = client.get("/manifest").text
    assert run["run_id"] in manifest and "No edits yet." in manifest
    assert client.get("/item/not-an-event").status_code == 404


# -- actions -------------------------------------------------------------------------------


def test_drop_and_restore_an_item(client: TestClient, store: Store) -> None:
    before = stored_digest(store)
    gone = before.items[1]
    note = post(client, "drop", event_id=gone.event_id)
    assert note.startswith("dropped")
    after = stored_digest(store)
    assert gone.event_id not in [i.event_id for i in after.items]
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None and row["status"] == "draft"  # re-rendered and stored as a draft
    assert gone.title not in row["markdown"]
    assert "dropped by the editor" in client.get("/candidates").text

    post(client, "restore", event_id=gone.event_id)
    assert gone.event_id in [i.event_id for i in stored_digest(store).items]
    assert kinds(store) == ["drop", "restore"]
    history = client.get("/manifest").text
    assert f"dropped {gone.event_id}" in history and f"{gone.event_id} back to the score" in history
    assert history.count(gone.title) >= 2  # each line names the event's title


def test_pin_an_event_the_score_left_out(client: TestClient, store: Store) -> None:
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    left = next(
        s
        for s in store.selections(row["run_id"])
        if not s.selected and s.score.novelty > 0 and s.score.recency > 0
    )
    post(client, "pin", event_id=left.event_id)
    digest = stored_digest(store)
    pinned = next(i for i in digest.items if i.event_id == left.event_id)  # analysed now
    assert pinned.what and pinned.sources
    assert pinned.selection_reason.startswith("pinned by the editor")
    assert "pinned" in client.get("/").text


def test_pin_refuses_an_unknown_event(client: TestClient, store: Store) -> None:
    note = post(client, "pin", event_id="0000000000000000")
    assert "not a candidate" in note
    assert kinds(store) == []


def test_move_items_up_and_down(client: TestClient, store: Store) -> None:
    order = [i.event_id for i in stored_digest(store).items]
    post(client, "down", event_id=order[0])
    assert [i.event_id for i in stored_digest(store).items] == [order[1], order[0], *order[2:]]
    post(client, "up", event_id=order[-1])
    moved = [i.event_id for i in stored_digest(store).items]
    assert moved[-2] == order[-1] and moved[-1] == order[-2]
    history = EditLog(store).history(PROFILE, DAY.isoformat())
    assert [e.kind for e in history] == ["order", "order"] and history[-1].value == moved


def test_edit_text_then_revert(client: TestClient, store: Store) -> None:
    item = stored_digest(store).items[0]
    note = post(
        client,
        "edit",
        event_id=item.event_id,
        field="what",
        value="  The editor's own  summary\nof the item.  ",
    )
    assert "edited" in note
    edited = stored_digest(store).items[0]
    assert edited.what == "The editor's own summary of the item."
    assert edited.edited and edited.edited_fields == ["what"]
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None and "The editor's own summary of the item." in row["markdown"]
    assert "own summary of the item." in client.get("/").text

    post(client, "edit", event_id=item.event_id, field="technical", value="one\n\ntwo\n")
    assert stored_digest(store).items[0].technical == ["one", "two"]

    post(client, "revert", event_id=item.event_id, field="what")
    back = stored_digest(store).items[0]
    assert back.what == item.what and back.edited_fields == ["technical"]
    log = EditLog(store).history(PROFILE, DAY.isoformat())
    assert [(e.kind, e.field) for e in log] == [
        ("text", "what"),
        ("text", "technical"),
        ("revert", "what"),
    ]
    assert all(e.created_at.tzinfo is not None for e in log)  # when, in UTC


def test_edit_refuses_an_empty_title_and_unknown_field(client: TestClient, store: Store) -> None:
    item = stored_digest(store).items[0]
    assert "may not be empty" in post(
        client, "edit", event_id=item.event_id, field="title", value="   "
    )
    assert "cannot be edited" in post(
        client, "edit", event_id=item.event_id, field="sources", value="x"
    )
    assert kinds(store) == []
    assert stored_digest(store).items[0].title == item.title


def test_edited_text_is_escaped_in_every_page(client: TestClient, store: Store) -> None:
    """Guards against markup typed into a field reaching the page as markup (XSS)."""
    item = stored_digest(store).items[0]
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    post(client, "edit", event_id=item.event_id, field="title", value=hostile)
    for path in ("/", "/candidates", f"/item/{item.event_id}", "/manifest"):
        html = client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;" in client.get("/").text


def test_reanalyse_one_item(client: TestClient, store: Store) -> None:
    item = stored_digest(store).items[2]
    note = post(client, "reanalyse", event_id=item.event_id)
    assert "re-analysed by the offline engine" in note
    log = EditLog(store).history(PROFILE, DAY.isoformat())
    assert [e.kind for e in log] == ["analysis"]
    assert log[0].value["event_id"] == item.event_id
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    manifest = (store.run(row["run_id"]) or {})["manifest"]
    assert any("re-analysis of " + item.event_id in line for line in manifest["edits_applied"])
    assert "re-analysed" in client.get("/").text


def test_regenerate_the_synthesis_after_a_drop(client: TestClient, store: Store) -> None:
    digest = stored_digest(store)
    post(client, "drop", event_id=digest.items[0].event_id)
    note = post(client, "synthesis")
    assert note.startswith("trends and watch list regenerated")
    log = EditLog(store).history(PROFILE, DAY.isoformat())
    assert log[-1].kind == "synthesis"
    now = stored_digest(store)
    assert log[-1].value["items"] == [i.event_id for i in now.items]
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    manifest = (store.run(row["run_id"]) or {})["manifest"]
    assert "trends and watch list regenerated by the editor" in manifest["edits_applied"]
    # a later drop makes the regenerated synthesis stale: kept, named, not applied
    post(client, "drop", event_id=now.items[0].event_id)
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    manifest = (store.run(row["run_id"]) or {})["manifest"]
    assert any("regenerated trends" in line for line in manifest["edits_orphaned"])


def test_approve_and_publish(client: TestClient, store: Store, settings: Settings) -> None:
    item = stored_digest(store).items[0]
    post(client, "edit", event_id=item.event_id, field="title", value="Approved title")
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None and row["status"] == "draft"
    note = post(client, "approve")
    assert note.startswith("approved and published")
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None and row["status"] == "published"
    assert "Approved title" in (row["published_json"] or "")
    post_file = settings.site_dir / "content" / "posts" / f"{DAY.isoformat()}.md"
    assert "Approved title" in post_file.read_text(encoding="utf-8")
    assert kinds(store)[-2:] == ["approve", "publish"]
    assert 'id="status">published<' in client.get("/").text


# -- persistence ---------------------------------------------------------------------------


def test_edits_survive_a_rerun_of_the_day(
    client: TestClient, store: Store, settings: Settings
) -> None:
    digest = stored_digest(store)
    row = store.digest(PROFILE, DAY.isoformat())
    assert row is not None
    left = next(
        s
        for s in store.selections(row["run_id"])
        if not s.selected and s.score.novelty > 0 and s.score.recency > 0
    )
    dropped, first, second = digest.items[3], digest.items[0], digest.items[1]
    post(client, "drop", event_id=dropped.event_id)
    post(client, "pin", event_id=left.event_id)
    post(client, "down", event_id=first.event_id)
    post(client, "edit", event_id=second.event_id, field="what", value="Kept across re-runs.")
    reviewed = [i.event_id for i in stored_digest(store).items]

    code = main(
        [
            "--config",
            str(demo_sources()),
            "--db",
            settings.store.resolved_url(),
            "--out",
            str(settings.output_dir),
            "run",
            "--no-fetch",
            "--date",
            DAY.isoformat(),
        ]
    )
    assert code == 0
    again = stored_digest(store)
    assert [i.event_id for i in again.items] == reviewed
    assert dropped.event_id not in reviewed and left.event_id in reviewed
    assert reviewed.index(second.event_id) < reviewed.index(first.event_id)
    kept = next(i for i in again.items if i.event_id == second.event_id)
    assert kept.what == "Kept across re-runs." and kept.edited_fields == ["what"]
    post_file = settings.site_dir / "content" / "posts" / f"{DAY.isoformat()}.md"
    text = post_file.read_text(encoding="utf-8")
    assert "Kept across re-runs." in text and dropped.title not in text


# -- security ------------------------------------------------------------------------------


@pytest.mark.parametrize("offered", [None, "", "forged-token"])
def test_a_post_without_the_right_csrf_token_is_refused(
    client: TestClient, store: Store, offered: str | None
) -> None:
    item = stored_digest(store).items[0]
    csrf_of(client)  # the session exists
    data = {"event_id": item.event_id}
    if offered is not None:
        data["csrf"] = offered
    answer = client.post("/action/drop", data=data, follow_redirects=False)
    assert answer.status_code == 403
    assert kinds(store) == []
    assert item.event_id in [i.event_id for i in stored_digest(store).items]


def test_a_csrf_token_of_another_session_is_refused(
    settings: Settings, store: Store, client: TestClient
) -> None:
    token = csrf_of(client)
    app = client.app
    with TestClient(app, base_url="http://127.0.0.1") as other:
        other.get("/")  # a session of its own
        answer = other.post("/action/synthesis", data={"csrf": token}, follow_redirects=False)
        assert answer.status_code == 403
    assert kinds(store) == []


def test_unknown_host_header_is_refused_on_loopback(client: TestClient) -> None:
    """Guards against DNS rebinding: a page whose name resolves to 127.0.0.1 must not read
    the review."""
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/", headers={"host": "[::1]:8765"}).status_code == 200


def test_token_is_required_when_configured(settings: Settings, store: Store) -> None:
    app = create_app(settings, store, DAY, guard=Guard(token=TOKEN, loopback_only=False))
    with TestClient(app, base_url="http://review.lan") as c:
        assert c.get("/").status_code == 401
        assert c.get("/static/review.css").status_code == 401
        assert c.post("/action/drop", data={}).status_code == 401
        assert c.get("/?token=wrong").status_code == 401
        login = c.get(f"/candidates?token={TOKEN}", follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/candidates"
        cookie = login.cookies.get(AUTH_COOKIE)
        assert cookie and TOKEN not in cookie  # the cookie holds a hash, not the token
        assert "httponly" in login.headers["set-cookie"].lower()
        assert "samesite=strict" in login.headers["set-cookie"].lower()
        page = c.get("/")
        assert page.status_code == 200 and TOKEN not in page.text
        # with the token, a change still needs the CSRF token
        assert c.post("/action/synthesis", data={}).status_code == 403
    with TestClient(app, base_url="http://review.lan") as api:
        assert api.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert api.get("/", headers={"X-Deepdaily-Token": TOKEN}).status_code == 200
        assert api.get("/", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_binding_beyond_loopback_needs_a_token() -> None:
    check_binding("127.0.0.1", None)
    check_binding("localhost", None)
    check_binding("::1", None)
    with pytest.raises(UsageError, match="needs a token"):
        check_binding("0.0.0.0", None)
    with pytest.raises(UsageError, match="too short"):
        check_binding("192.168.1.5", "short")
    check_binding("0.0.0.0", TOKEN)


def test_serve_refuses_a_public_bind_without_token_in_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEEPDAILY_SERVE_TOKEN", raising=False)
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "needs a token" in err


def test_pages_carry_security_headers(client: TestClient) -> None:
    page = client.get("/")
    assert page.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert "script-src" not in page.headers["content-security-policy"]  # none at all
    assert "<script" not in page.text


def test_serve_token_and_screenshot_variables_are_not_settings(tmp_path: Path) -> None:
    """Guards against DEEPDAILY_SERVE_TOKEN (and the browser test's DEEPDAILY_SCREENSHOT_DIR)
    being read as settings keys: every command then failed with 'serve_token: unknown key'."""
    from deepdaily.config import load_settings

    environ = {
        "DEEPDAILY_SERVE_TOKEN": TOKEN,
        "DEEPDAILY_SCREENSHOT_DIR": str(tmp_path),
        "DEEPDAILY_PROFILE__ITEMS": "3",
    }
    settings = load_settings(None, environ=environ)
    assert settings.profile.items == 3
    assert TOKEN not in settings.model_dump_json()


def test_an_edit_while_a_run_holds_the_lock_is_kept_and_said(
    client: TestClient, store: Store, settings: Settings
) -> None:
    item = stored_digest(store).items[0]
    with Store(settings.store.resolved_url()) as other, other.run_lock(PROFILE):
        note = post(client, "drop", event_id=item.event_id)
    assert "the edit is kept, but the draft was not re-rendered" in note
    assert "another run" in note
    assert kinds(store) == ["drop"]
    assert item.event_id in [i.event_id for i in stored_digest(store).items]
    post(client, "synthesis")  # the next change re-renders with both
    assert item.event_id not in [i.event_id for i in stored_digest(store).items]


@pytest.mark.parametrize("missing", ["uvicorn", "starlette"])
def test_serve_without_the_web_extra_says_what_to_install(
    missing: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    for name in [m for m in sys.modules if m.startswith((f"{missing}.", "deepdaily.web."))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, missing, None)  # import fails as if not installed
    # (a bad date too: were the imports to succeed, the command stops at it, never serving)
    assert main(["serve", "--port", "0", "--date", "not-a-date"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "pip install 'deepdaily[web]'" in err and missing in err


def test_a_day_without_a_digest_says_how_to_make_one(settings: Settings, store: Store) -> None:
    from datetime import date

    empty = date(2026, 11, 20)
    with TestClient(create_app(settings, store, empty), base_url="http://127.0.0.1") as c:
        page = c.get("/")
        assert page.status_code == 200
        assert f"deepdaily run --review --date {empty}" in page.text
        assert "No run is stored" in c.get("/manifest").text
    import asyncio

    from deepdaily.web.review import DayReview

    with pytest.raises(UsageError, match="no digest stored"):
        asyncio.run(DayReview(settings, store, empty).regenerate_synthesis())


def test_deepdaily_serve_serves_the_latest_digest(settings: Settings, tmp_path: Path) -> None:
    """The command itself: lazy imports, uvicorn on 127.0.0.1, the latest stored day."""
    import os
    import subprocess
    import sys
    import time

    import httpx

    from web_support import free_port

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEEPDAILY_")}
    command = [
        sys.executable,
        "-m",
        "deepdaily",
        "--db",
        settings.store.resolved_url(),
        "-o",
        str(settings.output_dir),
        "serve",
        "-p",
        PROFILE,
        "--port",
        str(port),
    ]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                page = httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "deepdaily serve did not answer"
                time.sleep(0.2)
        assert page.status_code == 200
        assert f"{PROFILE} · {DAY.isoformat()}" in page.text
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=20)
    assert f"reviewing {PROFILE} {DAY.isoformat()} at http://127.0.0.1:{port}/" in out.decode()

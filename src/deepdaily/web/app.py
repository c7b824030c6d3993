"""The review UI: a Starlette app over one day's digest (``deepdaily serve``).

Server-rendered Jinja2 pages, one CSS file, no JavaScript:

- ``/``: the draft as the reader will see it, with each item's controls (up, down, drop,
  details) and the digest's (regenerate the synthesis, approve and publish);
- ``/candidates``: every candidate event with its score breakdown, why it was taken or left,
  and pin / drop / back-to-the-score buttons;
- ``/item/{event_id}``: one item's sources, its claims with their evidence and verification
  status, its text in forms to edit (or take back), and a re-analysis button;
- ``/manifest``: the run manifest and the history of edits (what, when).

Every change is a POST to ``/action/{name}``, the one place that checks the CSRF token, then
asks :class:`deepdaily.web.review.DayReview` to record it and re-render the day, and
redirects (303) back with a one-line note. Changes run one at a time. Who may connect and the
CSRF rule: :mod:`deepdaily.web.security`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from deepdaily.config import Settings
from deepdaily.errors import DeepdailyError
from deepdaily.pipeline.edits import FIELDS
from deepdaily.store import Store
from deepdaily.web.review import DayReview, Outcome
from deepdaily.web.security import (
    AUTH_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Guard,
)
from deepdaily.web.views import (
    SCORE_COLUMNS,
    digest_css,
    draft_html,
    manifest_summary,
    score_row,
)

__all__ = ["create_app"]

_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_STEPS = {"up": -1, "down": 1}


def _templates() -> Environment:
    env = Environment(
        loader=PackageLoader("deepdaily.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(FIELDS=FIELDS, SCORE_COLUMNS=SCORE_COLUMNS, score_row=score_row)
    return env


class _Gate(BaseHTTPMiddleware):
    """Host rule, token, session cookie and security headers on every request."""

    def __init__(self, app: Any, guard: Guard) -> None:
        super().__init__(app)
        self.guard = guard

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        guard = self.guard
        if not guard.host_allowed(request.headers.get("host", "")):
            return self._secured(PlainTextResponse("unknown host", status_code=400))
        login = request.query_params.get("token")
        if guard.token and login is not None:
            if not guard.token_matches(login):
                return self._secured(PlainTextResponse("wrong token", status_code=401))
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            target = request.url.path + (f"?{urlencode(rest)}" if rest else "")
            response: Response = RedirectResponse(target, status_code=303)
            response.set_cookie(
                AUTH_COOKIE, guard.auth_cookie_value(), httponly=True, samesite="strict"
            )
            return self._secured(response)
        if not guard.authorised(request.headers, request.cookies):
            return self._secured(
                PlainTextResponse(
                    "a token is required: open this page with ?token=… once, or send "
                    "'Authorization: Bearer …'",
                    status_code=401,
                )
            )
        session = request.cookies.get(SESSION_COOKIE)
        fresh = not session
        request.state.session = session or guard.new_session()
        response = await call_next(request)
        if fresh:
            response.set_cookie(
                SESSION_COOKIE, request.state.session, httponly=True, samesite="strict"
            )
        return self._secured(response)

    @staticmethod
    def _secured(response: Response) -> Response:
        for name, value in _HEADERS.items():
            response.headers.setdefault(name, value)
        return response


def create_app(
    settings: Settings, store: Store, day: date, *, guard: Guard | None = None
) -> Starlette:
    """The review app for the digest of (settings.profile, ``day``) in ``store``."""
    guard = guard or Guard()
    review = DayReview(settings, store, day)
    env = _templates()
    notes: dict[str, Outcome] = {}  # session -> the last change's one-line note
    busy = asyncio.Lock()

    def page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        session = request.state.session
        stored = review.stored()
        html = env.get_template(name).render(
            review=review,
            stored=stored,
            status=(stored or {}).get("status", "none"),
            csrf=guard.csrf_token(session),
            csrf_field=CSRF_FIELD,
            note=notes.pop(session, None),
            path=request.url.path,
            **context,
        )
        return HTMLResponse(html, status_code=status)

    async def draft(request: Request) -> Response:
        stored = review.stored()
        digest = review.digest()
        return page(
            request,
            "draft.html.j2",
            digest=digest,
            body=draft_html(stored["markdown"], settings.publish.base_url) if stored else "",
            edits=review.state(),
        )

    async def candidates(request: Request) -> Response:
        digest = review.digest()
        return page(
            request,
            "candidates.html.j2",
            selections=review.selections(),
            items={item.event_id for item in digest.items} if digest else set(),
            edits=review.state(),
        )

    async def item(request: Request) -> Response:
        event_id = request.path_params["event_id"]
        try:
            found = review.item(event_id)
        except DeepdailyError as exc:
            return page(request, "missing.html.j2", status=404, message=str(exc))
        digest = review.digest()
        number = [i.event_id for i in digest.items].index(event_id) + 1 if digest else 0
        return page(
            request,
            "item.html.j2",
            item=found,
            number=number,
            event=review.event(event_id),
            edited=review.state().texts.get(event_id, {}),
            reanalysed=event_id in review.state().analyses,
        )

    async def manifest(request: Request) -> Response:
        data = review.manifest()
        return page(
            request,
            "manifest.html.j2",
            manifest=data,
            summary=manifest_summary(data),
            manifest_json=json.dumps(data, ensure_ascii=False, indent=2),
            history=list(reversed(review.history())),
            titles={sel.event_id: sel.title for sel in review.selections()},
        )

    async def action(request: Request) -> Response:
        form = await request.form()
        offered = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        if not guard.csrf_valid(
            request.state.session, offered if isinstance(offered, str) else None
        ):
            return PlainTextResponse("missing or wrong CSRF token", status_code=403)
        name = request.path_params["name"]
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        handler = _actions(review).get(name)
        if handler is None:
            return PlainTextResponse(f"unknown action {name!r}", status_code=404)
        async with busy:
            try:
                outcome = await handler(fields)
            except DeepdailyError as exc:
                outcome = Outcome(str(exc), ok=False)
        notes[request.state.session] = outcome
        back = fields.get("back", "/")
        if not back.startswith("/") or back.startswith("//") or "\\" in back:
            back = "/"
        return RedirectResponse(back, status_code=303)

    async def stylesheet(request: Request) -> Response:
        return Response(digest_css(), media_type="text/css")

    routes = [
        Route("/", draft),
        Route("/digest.css", stylesheet),
        Route("/candidates", candidates),
        Route("/item/{event_id}", item),
        Route("/manifest", manifest),
        Route("/action/{name}", action, methods=["POST"]),
        Mount("/static", StaticFiles(packages=[("deepdaily.web", "static")]), name="static"),
    ]
    return Starlette(routes=routes, middleware=[Middleware(_Gate, guard=guard)])


def _actions(review: DayReview) -> dict[str, Callable[[dict[str, str]], Awaitable[Outcome]]]:
    """The changes a form may ask for, by name."""

    async def approve(_: dict[str, str]) -> Outcome:
        return await run_in_threadpool(review.approve_and_publish)

    async def synthesis(_: dict[str, str]) -> Outcome:
        return await review.regenerate_synthesis()

    def event(form: dict[str, str]) -> str:
        return form.get("event_id", "").strip()

    return {
        "pin": lambda f: review.decide(event(f), "pin"),
        "drop": lambda f: review.decide(event(f), "drop"),
        "restore": lambda f: review.decide(event(f), "restore"),
        "up": lambda f: review.move(event(f), _STEPS["up"]),
        "down": lambda f: review.move(event(f), _STEPS["down"]),
        "edit": lambda f: review.edit_text(event(f), f.get("field", ""), f.get("value", "")),
        "revert": lambda f: review.revert(event(f), f.get("field", "")),
        "reanalyse": lambda f: review.reanalyse(event(f)),
        "synthesis": synthesis,
        "approve": approve,
    }

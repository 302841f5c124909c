"""What every HTTP handler shares: JSON bodies checked by pydantic, domain errors as 4xx JSON, the
caller's identity and the request time."""
import functools
import html
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from chalice import CORSConfig, Response

from chalicelib.core import auth, settings
from chalicelib.core.errors import Invalid, TenantlineError

if TYPE_CHECKING:
    from pydantic import BaseModel

# The chat routes are called from property websites: the browser must be allowed to send the session token.
CHAT_CORS = CORSConfig(allow_origin="*", allow_headers=["X-Session-Token"], max_age=600)


def error_response(status: int, code: str, message: str) -> Response:
    return Response(body={"Code": code, "Message": message}, status_code=status,
                    headers={"Content-Type": "application/json"})


def link_page(title: str, body_html: str, status: int = 200, language: str = "en") -> Response:
    """The one page shape of the links residents open from a text or an email (surveys, visits)."""
    body = (f"<!doctype html><html lang={language}><head><meta charset=utf-8><meta name=viewport "
            f"content='width=device-width'><title>{html.escape(title)}</title></head>"
            f"<body style='font-family:sans-serif;margin:2em;max-width:40em'><h1>{html.escape(title)}</h1>"
            f"{body_html}</body></html>")
    return Response(body=body, status_code=status, headers={"Content-Type": "text/html; charset=utf-8"})


def link_failed(request, exc: TenantlineError, title: str) -> Response:
    """A link that cannot be used: the JSON error a client asked for, else a page saying why."""
    if wants_json(request):
        return error_response(exc.status, exc.code, str(exc))
    return link_page(title, f"<p>{html.escape(str(exc))}</p>", exc.status)


def api(view):
    """Domain errors become 4xx JSON answers (same shape as Chalice's own errors)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except TenantlineError as exc:
            return error_response(exc.status, exc.code, str(exc))
    return wrapper


def parse(request, model: "type[BaseModel]"):
    """The body as `model` (one of handlers/bodies/), or Invalid saying what is wrong with it."""
    from pydantic import ValidationError  # noqa: PLC0415 - routes with no body never need pydantic

    try:
        body = request.json_body if request.raw_body else None
    except (RecursionError, ValueError):  # nested too deep to read, or not JSON at all
        raise Invalid("the request body must be a JSON object of reasonable depth") from None
    if not isinstance(body, dict):
        raise Invalid("the request body must be a JSON object")
    _storable(body)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'body'}: {e['msg']}" for e in exc.errors())
        raise Invalid(problems) from None


def _storable(value, depth: int = 0) -> None:
    """Text that cannot be written as UTF-8 (a lone surrogate from a broken client) is refused here, before
    anything is stored: DynamoDB would refuse it later, half-way through."""
    if depth > 32:
        raise Invalid("the request body is nested too deeply")
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Invalid("text must be valid Unicode (it has a lone surrogate)") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key, depth + 1)
            _storable(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _storable(item, depth + 1)


def staff(request, role: str = "csr") -> auth.Staff:
    return auth.staff_from_request(request.headers or {}, request.context or {}).require(role)


def now(request) -> datetime:
    """The request time. On the local twin a demo may set it with X-Tenantline-Time (never in AWS)."""
    return demo_clock((request.headers or {}).get("x-tenantline-time"), "X-Tenantline-Time")


def demo_clock(override: str | None, name: str) -> datetime:
    """Now, unless the local twin (demo mode) was given a time to act at."""
    if override and settings.demo_mode():
        try:
            when = datetime.fromisoformat(override.replace("Z", "+00:00"))
        except ValueError:
            raise Invalid(f"{name} must be an ISO 8601 time") from None
        if when.tzinfo is None:
            raise Invalid(f"{name} needs a UTC offset")
        return when.astimezone(timezone.utc)
    return datetime.now(timezone.utc)


def wants_json(request) -> bool:
    """A link's page asked for by a client rather than a browser (Accept: application/json)."""
    return "application/json" in (request.headers or {}).get("accept", "")


def query_params(request) -> dict:
    return request.query_params or {}


def form_body(request) -> dict:
    """A page's form (urlencoded) or the same fields as JSON: what a plain HTML form and a script both send."""
    from urllib.parse import parse_qs  # noqa: PLC0415 - only the form routes need it

    if "application/json" in (request.headers or {}).get("content-type", ""):
        try:
            body = request.json_body if request.raw_body else {}
        except (ValueError, RecursionError):
            raise Invalid("the request body must be a JSON object") from None
        if not isinstance(body, dict):
            raise Invalid("the request body must be a JSON object")
        return body
    raw = (request.raw_body or b"")[:8192].decode("utf-8", errors="replace")
    return {k: v[0] for k, v in parse_qs(raw).items()}


def day_param(value: str | None, default: date | None = None) -> date | None:
    """A ?from=/?to=/?date= day; `default` when absent."""
    if not value:
        return default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)") from None


def report_period(request) -> tuple[date, date]:
    """A report's ?from=&to= days, by default this month so far."""
    params = query_params(request)
    today = now(request).date()
    start, end = day_param(params.get("from"), today.replace(day=1)), day_param(params.get("to"), today)
    if end < start or (end - start).days > 366:
        raise Invalid("the period must run forwards and span at most a year")
    return start, end

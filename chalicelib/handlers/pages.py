"""The people's pages under /app: the resident chat widget (and its full-page form) and the CSR console.

Served by the API itself, not by S3 + CloudFront: the pages then share the API's origin (no CORS for the
console, relative URLs that survive API Gateway's stage prefix, one thing to deploy), and they are a few
small static files read once per container. Every HTML page gets a strict Content-Security-Policy: scripts,
styles and requests only from this origin (plus the configured Cognito domain and Connect instance), no
inline script or style, no framing except by the configured Connect instance.

The built files come from `web/` (`node web/build.mjs`, run by `make run`/`make test`) into
`chalicelib/web/`, so `chalice package` ships them.
"""
import functools
import html
import os
from pathlib import Path
from urllib.parse import urlsplit

from chalice import Blueprint, Response

from chalicelib.core import auth, aws, settings
from chalicelib.core.errors import Invalid, NotFound, TenantlineError
from chalicelib.handlers.http import api, parse

bp = Blueprint(__name__)
BUILT = Path(__file__).resolve().parent.parent / "web"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}


def _built(name: str) -> str:
    """Read once per container in AWS; on the twin every time, so a rebuild shows without a restart."""
    return _read(name) if settings.demo_mode() else _cached(name)


@functools.lru_cache(maxsize=16)
def _cached(name: str) -> str:
    return _read(name)


def _read(name: str) -> str:
    path = BUILT / name
    if not path.is_file():
        raise NotFound(f"{name} is not built (run `node web/build.mjs`)")
    return path.read_text(encoding="utf-8")


def _origin(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("https", "http") and parts.netloc else None


@functools.lru_cache(maxsize=1)
def upload_origin() -> str | None:
    """Where the widget's presigned photo POSTs go (S3; moto on the twin): signing needs no network."""
    try:
        return _origin(aws.client("s3").generate_presigned_post(settings.mail_bucket(), "probe")["url"])
    except Exception:  # no region or credentials to sign with: the page works, photos will not
        return None


def console_config() -> dict:
    """What the console needs to sign in and to sit beside the Connect CCP (all optional)."""
    return {"cognito_domain": os.environ.get("CSR_COGNITO_DOMAIN", "").rstrip("/"),
            "cognito_client_id": os.environ.get("CSR_COGNITO_CLIENT_ID", ""),
            "connect_url": os.environ.get("CONNECT_INSTANCE_URL", "").rstrip("/"),
            "local_signin": bool(settings.demo_mode() and settings.dev_auth_secret())}


def csp(connect: str | None = None, cognito: str | None = None, ancestors: str | None = None,
        uploads: str | None = None) -> str:
    extra_connect = " ".join(filter(None, (cognito, connect, uploads)))
    return "; ".join([
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
        f"connect-src 'self' {extra_connect}".strip(), "font-src 'self'", "base-uri 'none'",
        "form-action 'self'" + (f" {cognito}" if cognito else ""),
        f"frame-src {connect}" if connect else "frame-src 'none'",
        "frame-ancestors " + (ancestors or connect or "'none'")])


def _asset(name: str) -> Response:
    return Response(body=_built(name), status_code=200,
                    headers=dict(COMMON, **{"Content-Type": TYPES[Path(name).suffix]}))


def _page(body: str, policy: str, status: int = 200) -> Response:
    return Response(body=body, status_code=status,
                    headers=dict(COMMON, **{"Content-Type": "text/html; charset=utf-8",
                                            "Content-Security-Policy": policy}))


@bp.route("/app/widget.js", methods=["GET"], cors=True)
@api
def widget_js():
    return _asset("widget.js")


@bp.route("/app/widget.css", methods=["GET"], cors=True)
@api
def widget_css():
    return _asset("widget.css")


@bp.route("/app/console.js", methods=["GET"])
@api
def console_js():
    return _asset("console.js")


@bp.route("/app/console.css", methods=["GET"])
@api
def console_css():
    return _asset("console.css")


@bp.route("/app/streams.js", methods=["GET"])
@api
def streams_js():
    return _asset("streams.js")


@bp.route("/app/workspace.js", methods=["GET"])
@api
def workspace_js():
    return _asset("workspace.js")


@bp.route("/app/dashboard.js", methods=["GET"])
@api
def dashboard_js():
    """The console's dashboard tab with its charting library (uPlot), loaded only when the tab is opened."""
    return _asset("dashboard.js")


@bp.route("/app/chat/{property_id}", methods=["GET"])
def chat_page(property_id):
    from chalicelib.tickets import portfolio as properties

    try:
        prop = properties.get_property(property_id)
    except TenantlineError:  # unknown (the portfolio answers Invalid) or not a property id at all
        return _page(_html("Not found", "<main><h1>No such property</h1></main>", "../widget.css"), csp(), 404)
    name, pid = html.escape(prop.name), html.escape(prop.property_id)
    body = (f'<main id="tenantline-chat" class="tlw-page-main"></main>'
            f'<script src="../widget.js?property={pid}" data-mode="page" data-container="tenantline-chat" '
            f'data-property-name="{name}"></script>')
    # The launcher on a property's website shows this page in a frame: only those sites may frame it
    # (WIDGET_FRAME_ANCESTORS, space-separated origins; any site by default, as a paste-in widget needs).
    return _page(_html(f"Chat with {prop.name}", body, "../widget.css"),
                 csp(ancestors=os.environ.get("WIDGET_FRAME_ANCESTORS", "*"), uploads=upload_origin()))


@bp.route("/app/console", methods=["GET"])
def console_page():
    cfg = console_config()
    data = " ".join(f'data-{key.replace("_", "-")}="{html.escape(str(value))}"' for key, value in cfg.items())
    body = f'<div id="console" class="app"></div><script type="module" src="console.js" {data}></script>'
    return _page(_html("Tenantline console", body, "console.css"),
                 csp(_origin(cfg["connect_url"]), _origin(cfg["cognito_domain"])))


def _html(title: str, body: str, stylesheet: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{html.escape(title)}</title><link rel="icon" href="data:,">'
            f'<link rel="stylesheet" href="{stylesheet}"></head>'
            f'<body>{body}</body></html>')


@bp.route("/app/local-signin", methods=["POST"])
@api
def local_signin():
    """The twin's stand-in for Cognito: a dev token for a name and role. Exists only where dev tokens do
    (demo mode with the dev secret); everywhere else it is a 404."""
    from chalicelib.handlers.bodies.tickets import LocalSignIn

    if not console_config()["local_signin"]:
        raise NotFound("local sign-in exists only on the local twin")
    body = parse(bp.current_request, LocalSignIn)
    username = body.username.strip()
    if not 0 < len(username) <= 40 or not username.replace("-", "").replace(".", "").isalnum():
        raise Invalid("username must be 1 to 40 letters, digits, dots or dashes")
    if body.role not in auth.ROLES:
        raise Invalid(f"role must be one of {', '.join(auth.ROLES)}")
    return {"token": auth.dev_token(body.role, username), "username": username, "role": body.role}

"""The public help center's pages: /app/help/{property} (search, topics, the language switch) and each
article, with "Did this answer your question?". Rendered here as plain HTML with no script at all, so reading
is fast on any phone and works without JavaScript; one small stylesheet (web/src/help.css, built like the
other pages'). Links are relative, so they survive API Gateway's stage prefix (see handlers/pages.py)."""
import html
from urllib.parse import urlencode

from chalice import Blueprint, Response

from chalicelib.core.errors import TenantlineError
from chalicelib.handlers.help import public_list
from chalicelib.handlers.http import form_body, now
from chalicelib.handlers.pages import _asset, _page, csp

bp = Blueprint(__name__)
e = html.escape


def _language(request) -> str:
    """?lang=, else the browser's first language we have, else English."""
    from chalicelib.rules.help_text import LANGUAGES

    asked = (request.query_params or {}).get("lang")
    if asked in LANGUAGES:
        return asked
    accept = (request.headers or {}).get("accept-language", "").lower()
    return "es" if accept.startswith("es") else "en"


def _shell(title: str, body: str, language: str, root: str, property_name: str, home: str,
           switch: dict[str, str], status: int = 200) -> Response:
    """`root`: the relative way up to /app/help/. `switch`: each other language's link for this page."""
    from chalicelib.rules.help_text import LANGUAGE_NAMES, page_text

    links = "".join(f'<a href="{e(url)}" lang="{code}" hreflang="{code}">{LANGUAGE_NAMES[code]}</a>'
                    for code, url in switch.items())
    page = (f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(title)}</title>'
            f'<link rel="icon" href="data:,"><link rel="stylesheet" href="{root}../help.css"></head><body>'
            f'<header class="top"><a class="home" href="{e(home)}">'
            f'{e(page_text("title", language, property=property_name))}</a>'
            f'<nav class="langs" aria-label="{e(page_text("language", language))}">{links}</nav></header>'
            f'<main id="main">{body}</main></body></html>')
    return _page(page, csp(), status)


def _home_url(root: str, property_id: str, language: str, **more) -> str:
    return f"{root}{property_id}?{urlencode({'lang': language, **more})}"


@bp.route("/app/help.css", methods=["GET"])
def help_css():
    return _asset("help.css")


@bp.route("/app/help/{property_id}", methods=["GET"])
def help_home(property_id):
    from chalicelib.rules.help_text import LANGUAGES, page_text
    from chalicelib.tickets import portfolio as properties

    request = bp.current_request
    language = _language(request)
    try:
        prop = properties.get_property(property_id)
    except TenantlineError:
        return _missing(language, "")
    params = dict(request.query_params or {}, lang=language)
    query = (params.get("q") or "").strip()[:200]
    articles = public_list(prop.property_id, params, now(request))
    form = (f'<h1>{e(page_text("heading", language))}</h1><form role="search" method="get" action="{e(property_id)}">'
            f'<label for="q">{e(page_text("search_label", language))}</label><div class="search">'
            f'<input id="q" name="q" type="search" value="{e(query)}" autocomplete="off">'
            f'<input type="hidden" name="lang" value="{language}">'
            f'<button type="submit">{e(page_text("search", language))}</button></div></form>')
    body = form + (_results(articles, query, language) if query else _topics(articles, language))
    body += f'<p class="ask"><a href="../chat/{e(property_id)}">{e(page_text("ask", language))}</a></p>'
    switch = {c: _home_url("", property_id, c, **({"q": query} if query else {})) for c in LANGUAGES if c != language}
    return _shell(page_text("title", language, property=prop.name), body, language, "", prop.name,
                  _home_url("", property_id, language), switch)


def _link(article: dict, language: str) -> str:
    return f'{e(article["url"].split("/app/help/", 1)[1].split("?")[0])}?lang={language}'


def _results(articles: list[dict], query: str, language: str) -> str:
    from chalicelib.rules.help_text import page_text

    if not articles:
        return f'<h2>{e(page_text("results", language, q=query))}</h2><p>{e(page_text("none", language, q=query))}</p>'
    items = "".join(f'<li><a href="{_link(a, language)}">{e(a["title"])}</a><p>{e(a["snippet"])}</p></li>'
                    for a in articles)
    return f'<h2>{e(page_text("results", language, q=query))}</h2><ol class="results">{items}</ol>'


def _topics(articles: list[dict], language: str) -> str:
    from chalicelib.rules.help_text import category_name, page_text

    if not articles:
        return f'<p>{e(page_text("empty", language))}</p>'
    groups: dict[str, list[dict]] = {}
    for a in articles:
        groups.setdefault(a["category"], []).append(a)
    sections = "".join(
        f'<section class="topic"><h3>{e(category_name(name, language))}</h3><ul>'
        + "".join(f'<li><a href="{_link(a, language)}">{e(a["title"])}</a></li>' for a in items) + "</ul></section>"
        for name, items in groups.items())
    return f'<h2>{e(page_text("categories", language))}</h2><div class="topics">{sections}</div>'


def _missing(language: str, root: str) -> Response:
    from chalicelib.rules.help_text import page_text

    title = page_text("not_found", language)
    return _page(f'<!doctype html><html lang="{language}"><head><meta charset="utf-8"><title>{e(title)}</title>'
                 f'<link rel="stylesheet" href="{root}../help.css"></head><body><main><h1>{e(title)}</h1></main>'
                 f'</body></html>', csp(), 404)


@bp.route("/app/help/{property_id}/articles/{article_id}", methods=["GET"])
def help_article(property_id, article_id):
    from chalicelib.rules.help_text import LANGUAGE_NAMES, category_name, page_text, to_html
    from chalicelib.tickets import help
    from chalicelib.tickets import portfolio as properties

    request = bp.current_request
    language = _language(request)
    root = "../../"
    try:
        prop = properties.get_property(property_id)
        article = help.readable(prop.property_id, article_id, language)
    except TenantlineError:
        return _missing(language, root)
    help.record_use([article.article_id], "opened", now(request))
    shown, language = article.published, article.language
    others = {t.language: f"{t.article_id}?lang={t.language}"
              for t in help.translations(article, prop.property_id) if t.article_id != article.article_id}
    home = _home_url(root, property_id, language)
    thanks = (request.query_params or {}).get("thanks") == "1"
    feedback = (f'<p class="thanks" role="status">{e(page_text("thanks", language))}</p>' if thanks else
                f'<form method="post" action="{e(article.article_id)}/feedback" class="feedback">'
                f'<fieldset><legend>{e(page_text("helpful", language))}</legend>'
                f'<input type="hidden" name="lang" value="{language}">'
                f'<button type="submit" name="helpful" value="yes">{e(page_text("yes", language))}</button>'
                f'<button type="submit" name="helpful" value="no">{e(page_text("no", language))}</button>'
                f'</fieldset></form>')
    also = "".join(f' <a href="{e(url)}" lang="{c}" hreflang="{c}">{LANGUAGE_NAMES[c]}</a>' for c, url in others.items())
    body = (f'<nav class="crumbs" aria-label="{e(page_text("breadcrumb", language))}"><a href="{e(home)}">'
            f'{e(page_text("title", language, property=prop.name))}</a> › '
            f'<a href="{e(_home_url(root, property_id, language, category=shown["category"]))}">'
            f'{e(category_name(shown["category"], language))}</a></nav>'
            f'<article><h1>{e(shown["title"])}</h1>{to_html(shown["body"])}'
            f'<p class="updated">{e(page_text("updated", language, day=article.updated_at[:10]))}</p></article>'
            + (f'<p class="also">{e(page_text("also_in", language))}:{also}</p>' if others else "") + feedback)
    return _shell(f'{shown["title"]} · {prop.name}', body, language, root, prop.name, home, others)


@bp.route("/app/help/{property_id}/articles/{article_id}/feedback", methods=["POST"],
          content_types=["application/x-www-form-urlencoded", "application/json"])
def help_feedback(property_id, article_id):
    """The page's Yes/No (a plain form): counted, then back to the article with a thank-you."""
    from chalicelib.handlers.bodies.help import FeedbackIn
    from chalicelib.rules.help_text import LANGUAGES
    from chalicelib.tickets import help
    from chalicelib.tickets import portfolio as properties

    request = bp.current_request
    form = form_body(request)
    language = form.get("lang") if form.get("lang") in LANGUAGES else "en"
    try:
        article = help.readable(properties.get_property(property_id).property_id, article_id, None)
    except TenantlineError:
        return _missing(language, "../../../")
    answer = FeedbackIn(helpful=form.get("helpful") in ("yes", True))
    help.record_use([article.article_id], "helpful" if answer.helpful else "unhelpful", now(request))
    return Response(body="", status_code=303,
                    headers={"Location": f"../{article.article_id}?lang={language}&thanks=1"})


@bp.route("/app/kb.js", methods=["GET"])
def kb_js():
    """The console's help-article editor (web/src/kb.js), loaded when its tab is first opened."""
    return _asset("kb.js")

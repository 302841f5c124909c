"""The help center's API: public search and reading per property, the staff editor's routes (drafts, versions,
compare, restore, publish now or later, archive), and the articles the console suggests for a ticket."""
from chalice import Blueprint

from chalicelib.core import auth, times
from chalicelib.core.errors import Forbidden, Invalid, NotFound
from chalicelib.handlers.http import api, now, parse, query_params, staff
from chalicelib.handlers.tickets import authorizer, ticket_for

bp = Blueprint(__name__)
SHOWN_COUNTED = 3  # a search counts as showing its first few results


# --- public ---

def _public_property(property_id: str) -> str:
    from chalicelib.tickets import portfolio as properties

    try:
        return properties.get_property(property_id).property_id
    except Invalid:
        raise NotFound(f"no property {property_id}") from None


def _language(value: str | None) -> str:
    from chalicelib.rules.help_text import LANGUAGES

    language = value or "en"
    if language not in LANGUAGES:
        raise Invalid(f"lang must be one of {', '.join(LANGUAGES)}")
    return language


def _audiences(value: str | None) -> tuple[str, ...]:
    from chalicelib.rules.help_text import PUBLIC_AUDIENCES

    if not value:
        return PUBLIC_AUDIENCES
    if value not in PUBLIC_AUDIENCES:
        raise Invalid(f"audience must be one of {', '.join(PUBLIC_AUDIENCES)}")
    return (value,)


def listed(property_id: str, doc: dict, language: str) -> dict:
    from chalicelib.tickets import help

    return {"id": doc["id"], "title": doc["title"], "snippet": doc["snippet"], "language": language,
            "category": doc["category"], "url": f"{help.public_base(property_id)}/articles/{doc['id']}?lang={language}"}


def public_list(property_id: str, params: dict, when) -> list[dict]:
    """Search results (q), or every published public article of the property, by category and title."""
    from chalicelib.tickets import help

    language, audiences = _language(params.get("lang")), _audiences(params.get("audience"))
    query = (params.get("q") or "").strip()[:500]
    if query:
        docs = [h.doc for h in help.search(property_id, query, language, audiences)]
        help.record_use([d["id"] for d in docs[:SHOWN_COUNTED]], "shown", when)
    else:
        docs = sorted((d for d in help.load_index(property_id, language)["docs"] if d["audience"] in audiences),
                      key=lambda d: (d["category"], d["title"].lower()))
        category = params.get("category")
        docs = [d for d in docs if not category or d["category"] == category]
    return [listed(property_id, d, language) for d in docs]


@bp.route("/help/{property_id}/articles", methods=["GET"], cors=True)
@api
def search_articles(property_id):
    request = bp.current_request
    pid = _public_property(property_id)
    return {"articles": public_list(pid, query_params(request), now(request))}


def article_view(property_id: str, article) -> dict:
    from chalicelib.rules import help_text
    from chalicelib.tickets import help

    shown = article.published
    return {"id": article.article_id, "title": shown["title"], "body": shown["body"],
            "html": help_text.to_html(shown["body"]), "language": article.language, "category": shown["category"],
            "audience": shown["audience"], "updated_at": article.updated_at,
            "url": f"{help.public_base(property_id)}/articles/{article.article_id}?lang={article.language}",
            "translations": [{"language": t.language, "id": t.article_id, "title": t.published["title"]}
                             for t in help.translations(article, property_id) if t.article_id != article.article_id]}


@bp.route("/help/{property_id}/articles/{article_id}", methods=["GET"], cors=True)
@api
def read_article(property_id, article_id):
    from chalicelib.tickets import help

    request = bp.current_request
    pid = _public_property(property_id)
    params = query_params(request)
    article = help.readable(pid, article_id, _language(params.get("lang")) if params.get("lang") else None)
    help.record_use([article.article_id], "opened", now(request))
    return article_view(pid, article)


@bp.route("/help/{property_id}/articles/{article_id}/feedback", methods=["POST"], cors=True)
@api
def article_feedback(property_id, article_id):
    """"Did this answer your question?" from the help center (the chat has its own, on the session)."""
    from chalicelib.handlers.bodies.help import FeedbackIn
    from chalicelib.tickets import help

    request = bp.current_request
    article = help.readable(_public_property(property_id), article_id, None)
    answer = parse(request, FeedbackIn)
    help.record_use([article.article_id], "helpful" if answer.helpful else "unhelpful", now(request))
    return {"thanks": True}


# --- staff ---

def _editable(who: auth.Staff, article_id: str):
    """An article of one of the caller's properties; a portfolio-wide article needs portfolio-wide staff."""
    from chalicelib.tickets import help

    article = help.get(article_id)
    who.check(article.property_id, f"article {article_id}")
    return article


def staff_view(article) -> dict:
    return {"id": article.article_id, "property_id": article.property_id, "language": article.language,
            "group": article.group, "title": article.title, "body": article.body, "keywords": list(article.keywords),
            "category": article.category, "audience": article.audience, "state": article.state,
            "version": article.version, "published_version": article.published_version,
            "published": article.published, "publish_at": article.publish_at, "updated_at": article.updated_at,
            "updated_by": article.updated_by}


@bp.route("/admin/kb/articles", methods=["GET"], authorizer=authorizer, cors=True)
@api
def list_articles():
    from chalicelib.tickets import help
    from chalicelib.tickets import portfolio as properties

    who = staff(bp.current_request)
    params = query_params(bp.current_request)
    wanted = params.get("property") or None
    if wanted:
        who.check(wanted, f"property {wanted}")
        found = help.for_property(wanted)
    else:
        scopes = ([None] if who.properties is None else []) + sorted(
            p.property_id for p in properties.list_properties() if who.sees(p.property_id))
        found = [a for scope in scopes for a in help.in_scope(scope)]
    rows = [staff_view(a) | {"body": None} for a in found]
    return {"articles": sorted(rows, key=lambda a: (a["category"], a["title"].lower(), a["language"]))}


@bp.route("/admin/kb/articles", methods=["POST"], authorizer=authorizer, cors=True)
@api
def create_article():
    from chalicelib.handlers.bodies.help import ArticleIn
    from chalicelib.tickets import help

    request = bp.current_request
    who = staff(request)
    body = parse(request, ArticleIn)
    if body.property_id and not who.sees(body.property_id):
        raise Forbidden(f"{body.property_id} is not one of your properties")
    if not body.property_id and who.properties is not None:
        raise Forbidden("an article for every property needs portfolio-wide staff: name a property_id")
    article = help.create(body.model_dump(), who.username, now(request))
    return {"id": article.article_id, "version": article.version, "state": article.state}


@bp.route("/admin/kb/articles/{article_id}", methods=["GET"], authorizer=authorizer, cors=True)
@api
def get_article(article_id):
    from chalicelib.rules import help_text
    from chalicelib.tickets import help

    article = _editable(staff(bp.current_request), article_id)
    return staff_view(article) | {"use": help.use_totals(article_id), "html": help_text.to_html(article.body)}


@bp.route("/admin/kb/articles/{article_id}", methods=["PUT"], authorizer=authorizer, cors=True)
@api
def edit_article(article_id):
    from chalicelib.handlers.bodies.help import ArticleIn
    from chalicelib.rules.help_text import AUDIENCES
    from chalicelib.tickets import help

    request = bp.current_request
    who = staff(request)
    _editable(who, article_id)
    body = parse(request, ArticleIn)
    if body.audience is not None and body.audience not in AUDIENCES:
        raise Invalid(f"audience must be one of {', '.join(AUDIENCES)}")
    article = help.edit(article_id, body.model_dump(), who.username, now(request), seen=body.version)
    return staff_view(article)


@bp.route("/admin/kb/articles/{article_id}/publish", methods=["POST"], authorizer=authorizer, cors=True)
@api
def publish_article(article_id):
    """Now, or at `at` (a timer waits until then; publishing again or archiving meanwhile cancels it)."""
    from chalicelib.handlers.bodies.help import PublishIn
    from chalicelib.lifecycle import help as publishing

    request = bp.current_request
    who = staff(request, "manager")
    _editable(who, article_id)
    body = parse(request, PublishIn) if request.raw_body else PublishIn()
    at = None
    if body.at:
        try:
            at = times.parse(body.at)
        except ValueError:
            raise Invalid("at must be an ISO 8601 time with a UTC offset") from None
    article = publishing.publish(article_id, who.username, now(request), at)
    return staff_view(article)


@bp.route("/admin/kb/articles/{article_id}/archive", methods=["POST"], authorizer=authorizer, cors=True)
@api
def archive_article(article_id):
    from chalicelib.tickets import help

    request = bp.current_request
    who = staff(request, "manager")
    _editable(who, article_id)
    return staff_view(help.archive(article_id, who.username, now(request)))


def version_row(v) -> dict:
    return {"version": v.version, "at": v.at, "by": v.by, "title": v.title, "changed": list(v.changed),
            "note": v.note}


@bp.route("/admin/kb/articles/{article_id}/versions", methods=["GET"], authorizer=authorizer, cors=True)
@api
def list_versions(article_id):
    from chalicelib.tickets import help

    _editable(staff(bp.current_request), article_id)
    return {"versions": [version_row(v) for v in help.versions(article_id)]}


def _number(value: str) -> int:
    if not str(value).isdigit():
        raise Invalid(f"{value!r} is not a version number")
    return int(value)


@bp.route("/admin/kb/articles/{article_id}/versions/{number}", methods=["GET"], authorizer=authorizer, cors=True)
@api
def get_version(article_id, number):
    from chalicelib.rules import help_text
    from chalicelib.tickets import help

    _editable(staff(bp.current_request), article_id)
    v = help.version(article_id, _number(number))
    return version_row(v) | help.content(v) | {"html": help_text.to_html(v.body)}


@bp.route("/admin/kb/articles/{article_id}/compare", methods=["GET"], authorizer=authorizer, cors=True)
@api
def compare_versions(article_id):
    """?from=&to= (two version numbers): per changed field, a unified diff."""
    from chalicelib.rules import help_text
    from chalicelib.tickets import help

    _editable(staff(bp.current_request), article_id)
    params = query_params(bp.current_request)
    older, newer = (help.version(article_id, _number(params.get(k, ""))) for k in ("from", "to"))
    return {"from": older.version, "to": newer.version,
            "changes": help_text.compare(version_row(older) | help.content(older),
                                         version_row(newer) | help.content(newer))}


@bp.route("/admin/kb/articles/{article_id}/versions/{number}/restore", methods=["POST"], authorizer=authorizer,
          cors=True)
@api
def restore_version(article_id, number):
    from chalicelib.tickets import help

    request = bp.current_request
    who = staff(request)
    _editable(who, article_id)
    return staff_view(help.restore(article_id, _number(number), who.username, now(request)))


@bp.route("/admin/kb/preview", methods=["POST"], authorizer=authorizer, cors=True)
@api
def preview():
    """The editor's preview: the body as the help center will show it."""
    from chalicelib.handlers.bodies.help import PreviewIn
    from chalicelib.rules import help_text

    staff(bp.current_request)
    return {"html": help_text.to_html(parse(bp.current_request, PreviewIn).body)}


@bp.route("/tickets/{ticket_id}/suggestions", methods=["GET"], authorizer=authorizer, cors=True)
@api
def suggestions(ticket_id):
    """Articles that may answer this ticket, for the CSR replying (staff articles included)."""
    from chalicelib.rules.help_text import AUDIENCES, LANGUAGES
    from chalicelib.tickets import help
    from chalicelib.tickets import store as tickets

    request = bp.current_request
    ticket = ticket_for(staff(request), ticket_id)
    text = " ".join(m.body for m in tickets.thread(ticket.ticket_id) if m.direction == "inbound")[-2000:]
    hits = help.search(ticket.property_id, text, ticket.language if ticket.language in LANGUAGES else "en",
                       AUDIENCES, limit=5)
    help.record_use([h.doc["id"] for h in hits[:SHOWN_COUNTED]], "shown", now(request))
    return {"articles": [_suggestion(ticket.property_id, h) for h in hits]}


def _suggestion(property_id: str, hit) -> dict:
    """What the console shows, and what "Use" puts in the reply: the article's words and its public link."""
    from chalicelib.rules import help_text
    from chalicelib.rules.help_text import PUBLIC_AUDIENCES
    from chalicelib.tickets import help

    shown = help.get(hit.doc["id"]).published
    public = hit.doc["audience"] in PUBLIC_AUDIENCES
    return {"id": hit.doc["id"], "title": hit.doc["title"], "snippet": hit.doc["snippet"], "audience": hit.doc["audience"],
            "score": hit.score, "text": help_text.to_text(shown["body"]),
            "url": f"{help.public_base(property_id)}/articles/{hit.doc['id']}" if public else None}

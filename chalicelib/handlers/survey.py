"""Survey links (public, signed): the page a resident opens from the survey email or text, and its Send.

GET shows the questions (the link's score already chosen) and records nothing: mail scanners and link
previews open links too. POST (a plain form, or JSON) records the ticket's one answer. `Accept:
application/json` gets JSON instead of the page. 401: forged or expired link; 409: already answered."""
import html

from chalice import Blueprint

from chalicelib.core.errors import Invalid, TenantlineError
from chalicelib.handlers.http import form_body, link_failed, link_page, now, wants_json

bp = Blueprint(__name__)


def _form(view: dict) -> str:
    from chalicelib.rules import replies

    chosen = view["csat"]
    csat = "".join(f"<label style='margin-right:1em'><input type=radio name=csat value={n}"
                   f"{' checked' if n == chosen else ''}> {n}</label>" for n in range(1, 6))
    nps = "".join(f"<label style='margin-right:.6em'><input type=radio name=nps value={n}> {n}</label>"
                  for n in range(0, 11))
    q = view["questions"]
    send = replies.say("survey_send", view["language"])
    return (f"<form method=post><p>{html.escape(q['csat'])}</p><p>{csat}</p><p>{html.escape(q['nps'])}</p>"
            f"<p>{nps}</p><p><label>{html.escape(q['comment'])}<br><textarea name=comment rows=4 cols=40 "
            f"maxlength=1000></textarea></label></p><button type=submit style='font-size:1.2em'>"
            f"{html.escape(send)}</button></form>")


@bp.route("/survey/{token}", methods=["GET"], cors=True)
def show_survey(token):
    from chalicelib.lifecycle import survey
    from chalicelib.rules import replies

    request = bp.current_request
    try:
        view = survey.link_view(token, now(request))
    except TenantlineError as exc:
        return link_failed(request, exc, "Survey")
    if wants_json(request):
        return view
    if view["answered"]:
        return link_page(view["property"], f"<p>{html.escape(replies.say('survey_thanks', view['language'], ref=view['ref']))}"
                     "</p>", language=view["language"])
    return link_page(f"{view['property']}: {view['ref']}", _form(view), language=view["language"])


def _score(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise Invalid(f"{name} must be a whole number")
    return int(value)


def _answer(request) -> tuple[int | None, int | None, str | None]:
    body = form_body(request)
    comment = body.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise Invalid("comment must be text")
    if comment and len(comment) > 1000:
        raise Invalid("comment may be at most 1000 characters")
    return _score(body.get("csat"), "csat"), _score(body.get("nps"), "nps"), comment


@bp.route("/survey/{token}", methods=["POST"], cors=True,
          content_types=["application/x-www-form-urlencoded", "application/json", "text/plain"])
def answer_survey(token):
    from chalicelib.lifecycle import survey

    request = bp.current_request
    try:
        csat, nps, comment = _answer(request)
        result = survey.answer_by_link(token, csat, nps, comment, now(request))
    except TenantlineError as exc:
        return link_failed(request, exc, "Survey")
    if wants_json(request):
        return result
    return link_page(result["ref"], f"<p>{html.escape(result['thanks'])}</p>")

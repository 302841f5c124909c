"""Help articles as text: what an article may hold, its Markdown as safe HTML and as plain text, what
changed between two versions, and the Markdown file with front matter `manage.py kb export` writes. Pure.

The Markdown is a small subset, rendered here so the Lambda needs no library and no raw HTML ever reaches
a page: headings (#, ##, ###), paragraphs, - and 1. lists, **bold**, *italic*, `code` and [links](url) to
http(s), mailto:, tel: or a path. Everything else is text, escaped."""
from __future__ import annotations

import difflib
import html
import re

LANGUAGES = ("en", "es")
AUDIENCES = ("residents", "owners", "staff")
PUBLIC_AUDIENCES = ("residents", "owners")
STATES = ("draft", "published", "archived")
CONTENT = ("title", "body", "keywords", "category", "audience")  # what a version holds
MAX_TITLE, MAX_BODY, MAX_KEYWORDS, MAX_CATEGORY = 200, 20_000, 20, 60

_INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|\*(?P<i>[^*]+?)\*|`(?P<c>[^`]+)`|\[(?P<t>[^\]]+)\]\((?P<u>[^)\s]+)\)")
_SAFE_URL = re.compile(r"^(https?://|mailto:|tel:|/|#)", re.IGNORECASE)


def _inline(text: str) -> str:
    out, last = [], 0
    for m in _INLINE.finditer(text):
        out.append(html.escape(text[last:m.start()]))
        if m.group("b"):
            out.append(f"<strong>{html.escape(m.group('b'))}</strong>")
        elif m.group("i"):
            out.append(f"<em>{html.escape(m.group('i'))}</em>")
        elif m.group("c"):
            out.append(f"<code>{html.escape(m.group('c'))}</code>")
        elif _SAFE_URL.match(m.group("u")):
            out.append(f'<a href="{html.escape(m.group("u"))}">{html.escape(m.group("t"))}</a>')
        else:  # a javascript: or data: link stays text
            out.append(html.escape(m.group(0)))
        last = m.end()
    return "".join(out) + html.escape(text[last:])


def to_html(markdown: str) -> str:
    """Safe HTML of an article body. The page's title is the h1: the body's highest heading becomes an h2."""
    blocks, para, items, kind = [], [], [], None
    levels = [len(m) for m in re.findall(r"^\s*(#{1,3})\s", markdown or "", re.MULTILINE)]
    top = min(levels, default=1)

    def flush():
        nonlocal para, items, kind
        if para:
            blocks.append(f"<p>{_inline(' '.join(para))}</p>")
        if items:
            blocks.append(f"<{kind}>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + f"</{kind}>")
        para, items, kind = [], [], None

    for line in (markdown or "").splitlines():
        stripped = line.strip()
        heading = re.match(r"^(#{1,3})\s+(.*)$", stripped)
        bullet = re.match(r"^[-*]\s+(.*)$", stripped)
        number = re.match(r"^\d+[.)]\s+(.*)$", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            level = len(heading.group(1)) - top + 2
            blocks.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif bullet or number:
            wanted = "ul" if bullet else "ol"
            if para or (kind and kind != wanted):
                flush()
            kind = wanted
            items.append((bullet or number).group(1))
        elif items:  # a continued list item
            items[-1] += " " + stripped
        else:
            para.append(stripped)
    flush()
    return "\n".join(blocks)


def to_text(markdown: str) -> str:
    """The body as plain words (snippets, email, chat)."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", markdown or "")
    text = re.sub(r"^\s*(#{1,3}|[-*]|\d+[.)])\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"\*\*|\*|`", "", text)
    return re.sub(r"\s+", " ", text).strip()


def snippet(markdown: str, length: int = 180) -> str:
    text = to_text(markdown)
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def slugify(title: str) -> str:
    from chalicelib.rules.wording import fold  # noqa: PLC0415 - only new articles need it

    return re.sub(r"[^a-z0-9]+", "-", fold(title)).strip("-")[:60] or "article"


def changed(before: dict | None, after: dict) -> list[str]:
    """The content fields that differ between two versions (all of them for the first)."""
    return [f for f in CONTENT if before is None or before.get(f) != after.get(f)]


def compare(older: dict, newer: dict) -> dict:
    """Per changed field, a unified diff of the two versions' text (keywords one per line)."""
    def lines(value) -> list[str]:
        return list(value) if isinstance(value, list) else str(value or "").splitlines()
    return {f: list(difflib.unified_diff(lines(older.get(f)), lines(newer.get(f)), f"v{older['version']}",
                                         f"v{newer['version']}", lineterm="", n=2))
            for f in changed(older, newer)}


# --- files: one Markdown file per article, its facts as front matter ---

FRONT = ("id", "translation_of", "property", "language", "audience", "category", "state", "keywords", "title")


def to_file(article: dict) -> str:
    """front matter (key: value lines, keywords comma-separated) between --- lines, then the body."""
    lines = ["---"]
    for key in FRONT:
        value = article.get(key)
        if isinstance(value, list):
            value = ", ".join(value)
        lines.append(f"{key}: {'' if value is None else value}")
    return "\n".join(lines + ["---", "", (article.get("body") or "").strip(), ""])


def from_file(text: str) -> dict:
    """The article a file describes; raises ValueError on a file without front matter."""
    match = re.match(r"^---\r?\n(.*?)\r?\n---\r?\n(.*)$", text, re.DOTALL)
    if not match:
        raise ValueError("the file does not start with front matter between --- lines")
    article: dict = {}
    for line in match.group(1).splitlines():
        if ":" in line:
            key, value = line.split(":", 1)
            article[key.strip()] = value.strip() or None
    article["keywords"] = [k.strip() for k in (article.get("keywords") or "").split(",") if k.strip()]
    article["body"] = match.group(2).strip()
    return article


# --- the public help center's own words ---

PAGE = {
    "title": {"en": "{property} help center", "es": "Centro de ayuda de {property}"},
    "heading": {"en": "How can we help?", "es": "¿En qué podemos ayudarle?"},
    "search_label": {"en": "Search the help center", "es": "Buscar en el centro de ayuda"},
    "search": {"en": "Search", "es": "Buscar"},
    "results": {"en": "Results for “{q}”", "es": "Resultados para “{q}”"},
    "none": {"en": "No article matches “{q}”. Try other words, or ask us.",
             "es": "Ningún artículo coincide con “{q}”. Pruebe otras palabras o pregúntenos."},
    "empty": {"en": "No articles yet.", "es": "Todavía no hay artículos."},
    "ask": {"en": "Can't find what you need? Chat with us", "es": "¿No encuentra lo que busca? Escríbanos por chat"},
    "language": {"en": "Language", "es": "Idioma"},
    "breadcrumb": {"en": "Where you are", "es": "Dónde está"},
    "helpful": {"en": "Did this answer your question?", "es": "¿Respondió esto a su pregunta?"},
    "yes": {"en": "Yes", "es": "Sí"},
    "no": {"en": "No", "es": "No"},
    "thanks": {"en": "Thank you for telling us.", "es": "Gracias por decírnoslo."},
    "also_in": {"en": "Read this in", "es": "Leer en"},
    "updated": {"en": "Updated {day}", "es": "Actualizado el {day}"},
    "not_found": {"en": "Not found", "es": "No encontrado"},
    "categories": {"en": "Topics", "es": "Temas"},
}
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
CATEGORY_NAMES = {  # the starter set's categories in Spanish; any other category shows as written
    "payments": "pagos", "the office": "la oficina", "around the building": "el edificio",
    "living here": "vivir aquí", "maintenance": "mantenimiento", "owners": "propietarios",
}


def page_text(key: str, language: str, **values) -> str:
    return PAGE[key]["es" if language == "es" else "en"].format(**values)


def category_name(category: str, language: str) -> str:
    return (CATEGORY_NAMES.get(category, category) if language == "es" else category).capitalize()

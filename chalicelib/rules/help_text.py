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


def to_html(markdown: str, heading_offset: int = 1) -> str:
    """Safe HTML of an article body. Headings move down `heading_offset` levels (the page's title is the h1)."""
    blocks, para, items, kind = [], [], [], None

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
            level = min(6, len(heading.group(1)) + heading_offset)
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

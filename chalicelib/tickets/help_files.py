"""The knowledge base as Markdown files with front matter (rules/help_text.to_file), one per article and
language, so managers can keep it in git: `manage.py kb export DIR` writes them, `kb import DIR` brings
them back. Importing is idempotent: an unchanged file changes nothing, a changed one is one new version,
and the files' `state` is applied (publishing the file's content). Indexes are rebuilt once at the end."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from chalicelib.core.errors import NotFound
from chalicelib.models import HelpArticle
from chalicelib.rules import help_text
from chalicelib.tickets import help, portfolio

PORTFOLIO_DIR = "portfolio"  # the folder of the articles every property shares


def export(directory: Path) -> list[Path]:
    written = []
    for scope in [None, *(p.property_id for p in portfolio.list_properties())]:
        for article in help.in_scope(scope):
            path = directory / (scope or PORTFOLIO_DIR) / f"{article.article_id}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(help_text.to_file(_as_file(article)), encoding="utf-8")
            written.append(path)
    return written


def _as_file(article: HelpArticle) -> dict:
    return dict(help.content(article), id=article.article_id, property=article.property_id,
                language=article.language, state=article.state,
                translation_of=None if article.group == article.article_id else article.group)


def read(directory: Path) -> list[dict]:
    """Every article file under `directory`, translated ones after those they translate."""
    files = []
    for path in sorted(directory.rglob("*.md")):
        try:
            files.append(dict(help_text.from_file(path.read_text(encoding="utf-8")), path=str(path)))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None
    return sorted(files, key=lambda f: bool(f.get("translation_of")))


def seed_empty(files: list[dict], who: str, now: datetime) -> None:
    """A new, empty knowledge base filled in a few batch writes (the twin's seed: every test starts one)."""
    articles = help.create_in_empty([dict(f, property_id=f.get("property") or None) for f in files], who, now)
    reach = {scope: help.reached(scope) for scope in {a.property_id for a in articles}}
    for property_id, language in sorted({(p, a.language) for a in articles for p in reach[a.property_id]}):
        help.index_articles(property_id, language, articles)  # all there is: no need to read them back


def import_articles(files: list[dict], who: str, now: datetime) -> dict:
    counts = {"created": 0, "edited": 0, "published": 0, "archived": 0, "unchanged": 0}
    touched: set[tuple[str, str]] = set()  # (property, language) whose index needs building
    for f in files:
        fields = dict(f, property_id=f.get("property") or None)
        try:
            article = help.get(f["id"]) if f.get("id") else None
        except NotFound:
            article = None
        state = f.get("state") or "draft"
        if article is None:
            article = help.create(fields, who, now, published=state == "published")
            counts["created"] += 1
            if state == "published":
                counts["published"] += 1
                touched |= {(p, article.language) for p in help.reached(article.property_id)}
        else:
            before = article.version
            article = help.edit(article.article_id, fields, who, now)
            counts["edited" if article.version != before else "unchanged"] += 1
        if state == "published" and (article.state != "published" or article.published_version != article.version):
            help.publish(article.article_id, who, now, reindex=False)
            counts["published"] += 1
            touched |= {(p, article.language) for p in help.reached(article.property_id)}
        elif state == "archived" and article.state != "archived":
            help.archive(article.article_id, who, now, reindex=False)
            counts["archived"] += 1
            touched |= {(p, article.language) for p in help.reached(article.property_id)}
    for property_id, language in sorted(touched):
        help.rebuild(property_id, language)
    return counts

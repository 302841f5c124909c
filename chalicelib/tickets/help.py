"""The help center's store: articles (one item per article and language, its current state), every version,
their use, and the search index of each property built when something is published or archived.

Every change is one transaction of the article's new state (conditional on the version it was read at, so two
editors never lose a write: the second gets 409) and its new version item (conditional on not existing)."""
from __future__ import annotations

import json
import re
import zlib
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, TransactWriteError, UpdateError

from chalicelib.core import ids, settings, times
from chalicelib.core.errors import Conflict, Invalid, NotFound
from chalicelib.models import ArticleScope, ArticleUse, ArticleVersion, HelpArticle, HelpIndex, Property, keys
from chalicelib.models.base import transaction
from chalicelib.rules import help_search, help_text
from chalicelib.rules.help_text import AUDIENCES, CONTENT, LANGUAGES, PUBLIC_AUDIENCES
from chalicelib.tickets import portfolio

ARTICLE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}|[0-9A-HJKMNP-TV-Z]{26}")  # a ULID, or a name an import gave
INDEX_PART_BYTES = 350_000  # under DynamoDB's 400 KB item
_indexes: dict[tuple[str, str], tuple[str, dict]] = {}  # (property, language) -> (built, index), per container


def content(item) -> dict:
    return {f: (list(getattr(item, f)) if f == "keywords" else getattr(item, f)) for f in CONTENT}


def check(fields: dict) -> dict:
    """An article's content as stored: every field present, each within bounds."""
    title, body = (fields.get("title") or "").strip(), (fields.get("body") or "").strip()
    keywords = [k.strip() for k in fields.get("keywords") or [] if k and k.strip()]
    category = (fields.get("category") or "").strip().lower()
    if not 0 < len(title) <= help_text.MAX_TITLE:
        raise Invalid(f"title must be 1 to {help_text.MAX_TITLE} characters")
    if not 0 < len(body) <= help_text.MAX_BODY:
        raise Invalid(f"body must be 1 to {help_text.MAX_BODY} characters")
    if len(keywords) > help_text.MAX_KEYWORDS or any(len(k) > 80 for k in keywords):
        raise Invalid(f"at most {help_text.MAX_KEYWORDS} keywords of up to 80 characters")
    if not 0 < len(category) <= help_text.MAX_CATEGORY:
        raise Invalid(f"category must be 1 to {help_text.MAX_CATEGORY} characters")
    if fields.get("audience") not in AUDIENCES:
        raise Invalid(f"audience must be one of {', '.join(AUDIENCES)}")
    return {"title": title, "body": body, "keywords": keywords, "category": category, "audience": fields["audience"]}


# --- reading ---

def get(article_id: str) -> HelpArticle:
    try:
        scope = ArticleScope.get(keys.help_article(article_id), keys.ARTICLE_SCOPE).scope
        return HelpArticle.get(scope, keys.help_article_sk(article_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"no article {article_id}") from None


def in_scope(property_id: str | None) -> list[HelpArticle]:
    """Every article of one property (not the portfolio's), or the portfolio's (None)."""
    return list(HelpArticle.query(keys.help_scope(property_id), HelpArticle.sk.startswith("ARTICLE#")))


def for_property(property_id: str) -> list[HelpArticle]:
    """A property's own articles and the portfolio's."""
    return in_scope(property_id) + in_scope(None)


def versions(article_id: str) -> list[ArticleVersion]:
    get(article_id)
    return list(ArticleVersion.query(keys.help_article(article_id), ArticleVersion.sk.startswith("V#")))


def version(article_id: str, number: int) -> ArticleVersion:
    try:
        return ArticleVersion.get(keys.help_article(article_id), keys.help_version_sk(number))
    except DoesNotExist:
        raise NotFound(f"article {article_id} has no version {number}") from None


# --- writing ---

def _new(fields: dict, who: str, now: datetime, published: bool, group: str | None) -> HelpArticle:
    """A new article's item, checked (not written)."""
    body = check(fields)
    language, property_id = fields.get("language"), fields.get("property_id") or None
    if language not in LANGUAGES:
        raise Invalid(f"language must be one of {', '.join(LANGUAGES)}")
    article_id = fields.get("id") or ids.new_id()
    if not ARTICLE_ID.fullmatch(article_id):
        raise Invalid("an article id is 1 to 64 lower-case letters, digits and dashes, or a ULID")
    article = HelpArticle(keys.help_scope(property_id), keys.help_article_sk(article_id), article_id=article_id,
                          property_id=property_id, language=language, group=group or article_id,
                          slug=help_text.slugify(body["title"]), version=1, state="draft",
                          created_at=times.iso(now), updated_at=times.iso(now), updated_by=who, **body)
    if published:
        article.state, article.published_version, article.published = "published", 1, dict(body)
    return article


def _items(article: HelpArticle, who: str, now: datetime) -> tuple[ArticleScope, HelpArticle, ArticleVersion]:
    return (ArticleScope(keys.help_article(article.article_id), keys.ARTICLE_SCOPE, scope=article.pk), article,
            _version_item(article, 1, who, now, help_text.changed(None, content(article))))


def create(fields: dict, who: str, now: datetime, published: bool = False) -> HelpArticle:
    """A draft, version 1 (`published`: published at once, in the same write, as an import does; the caller
    rebuilds the index). `translation_of`: the id of the same article in another language."""
    property_id, group = fields.get("property_id") or None, None
    if property_id:
        portfolio.get_property(property_id)
    if fields.get("translation_of"):
        other = get(fields["translation_of"])
        if other.property_id != property_id:
            raise Invalid("a translation belongs to the same property as the article it translates")
        if any(a.group == other.group and a.language == fields.get("language") for a in in_scope(property_id)):
            raise Conflict(f"that article already has a {fields.get('language')} translation")
        group = other.group
    article = _new(fields, who, now, published, group)
    scope, _, first = _items(article, who, now)
    with transaction() as write:
        write.save(scope, condition=ArticleScope.pk.does_not_exist())
        write.save(article, condition=HelpArticle.pk.does_not_exist())
        write.save(first)
    return article


def create_in_empty(files: list[dict], who: str, now: datetime) -> list[HelpArticle]:
    """Articles written in batches, for a knowledge base known to be empty (a new twin's seed): no transaction
    and no condition, so nothing guards against overwriting; a translation's group is its `translation_of`."""
    articles = [_new(f, who, now, f.get("state") == "published", f.get("translation_of")) for f in files]
    for model in (ArticleScope, HelpArticle, ArticleVersion):
        with model.batch_write() as batch:
            for article in articles:
                batch.save(next(i for i in _items(article, who, now) if isinstance(i, model)))
    return articles


def _version_item(article: HelpArticle, number: int, who: str, now: datetime, changed: list[str],
                  note: str | None = None) -> ArticleVersion:
    return ArticleVersion(keys.help_article(article.article_id), keys.help_version_sk(number), version=number,
                          at=times.iso(now), by=who, changed=changed, note=note, **content(article))


def _write(article: HelpArticle, seen: int, changes: dict, who: str, now: datetime,
           note: str | None = None) -> HelpArticle:
    """A new version with `changes` (content fields) applied; 409 when someone else wrote version `seen` + 1."""
    before = content(article)
    after = dict(before, **changes)
    number = seen + 1
    for field, value in after.items():
        setattr(article, field, value)
    article.version, article.updated_at, article.updated_by = number, times.iso(now), who
    try:
        with transaction() as write:
            write.save(article, condition=HelpArticle.version == seen)
            write.save(_version_item(article, number, who, now, help_text.changed(before, after), note),
                       condition=ArticleVersion.pk.does_not_exist())
    except TransactWriteError:
        raise Conflict("someone changed this article meanwhile: reload it and edit again") from None
    return article


def edit(article_id: str, fields: dict, who: str, now: datetime, seen: int | None = None) -> HelpArticle:
    """An edit: every content field given replaces the stored one; a new version even when nothing changed
    only if something did (an unchanged save is not history)."""
    article = get(article_id)
    merged = check(dict(content(article), **{k: v for k, v in fields.items() if k in CONTENT and v is not None}))
    if seen is not None and seen != article.version:
        raise Conflict(f"this article is at version {article.version}, not {seen}: reload it")
    if not help_text.changed(content(article), merged):
        return article
    return _write(article, article.version, merged, who, now)


def restore(article_id: str, number: int, who: str, now: datetime) -> HelpArticle:
    """Restoring is a new version with the old one's content."""
    article, old = get(article_id), version(article_id, number)
    return _write(article, article.version, content(old), who, now, note=f"restored version {number}")


def _set_state(article: HelpArticle, changes: dict, condition, reindex: bool = True) -> HelpArticle:
    actions = [getattr(HelpArticle, k).set(v) if v is not None else getattr(HelpArticle, k).remove()
               for k, v in changes.items()]
    try:
        article.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            raise Conflict("someone changed this article meanwhile: reload it") from None
        raise
    if reindex:
        rebuild(article.property_id, article.language)
    return article


def publish(article_id: str, who: str, now: datetime, due: str | None = None,
            reindex: bool = True) -> HelpArticle | None:
    """The latest version becomes what readers see. `due`: a scheduled publishing firing, which does
    nothing unless the article is still scheduled for that time (it was not cancelled or re-scheduled)."""
    article = get(article_id)
    if due is not None and article.publish_at != due:
        return None
    return _set_state(article, {"state": "published", "published_version": article.version,
                                "published": content(article), "publish_at": None,
                                "updated_at": times.iso(now), "updated_by": who},
                      HelpArticle.version == article.version, reindex)


def schedule(article_id: str, at: datetime, who: str, now: datetime) -> HelpArticle:
    article = get(article_id)
    if at <= now:
        raise Invalid("a scheduled publishing must be in the future (publish now without `at`)")
    article.update(actions=[HelpArticle.publish_at.set(times.iso(at)), HelpArticle.updated_by.set(who)])
    return article


def archive(article_id: str, who: str, now: datetime, reindex: bool = True) -> HelpArticle:
    article = get(article_id)
    return _set_state(article, {"state": "archived", "publish_at": None, "updated_at": times.iso(now),
                                "updated_by": who}, HelpArticle.version == article.version, reindex)


# --- the search index ---

def reached(property_id: str | None) -> list[str]:
    """The properties an article of this scope reaches (a portfolio article reaches them all)."""
    return [property_id] if property_id else [p.property_id for p in portfolio.list_properties()]


def rebuild(property_id: str | None, language: str) -> None:
    """The index of every property an article change reaches."""
    for pid in reached(property_id):
        index_articles(pid, language, for_property(pid))


def index_articles(property_id: str, language: str, articles: list[HelpArticle]) -> None:
    """Builds and stores one property's index in one language from `articles` (its own and the portfolio's)."""
    docs = [_doc(a, property_id) for a in articles if a.state == "published" and a.language == language
            and a.property_id in (None, property_id)]
    store_index(property_id, language, help_search.build(docs))


def _doc(article: HelpArticle, property_id: str) -> dict:
    shown = article.published
    return {"id": article.article_id, "title": shown["title"], "snippet": help_text.snippet(shown["body"]),
            "category": shown["category"], "audience": shown["audience"], "group": article.group,
            "topic": help_search.topic_terms(shown["title"], shown["keywords"], article.language),
            "terms": help_search.document_terms(shown["title"], shown["body"], shown["keywords"], article.language)}


def store_index(property_id: str, language: str, index: dict) -> None:
    blob = zlib.compress(json.dumps(index, separators=(",", ":")).encode(), 6)
    parts = [blob[i:i + INDEX_PART_BYTES] for i in range(0, len(blob), INDEX_PART_BYTES)] or [b""]
    built = ids.new_id()
    # The later parts first: a reader that sees the new part 0 finds its parts already there.
    for number in range(len(parts) - 1, -1, -1):
        HelpIndex(keys.help_scope(property_id), keys.help_index_sk(language, number), data=parts[number],
                  parts=len(parts), built=f"{built}#{number}").save()


def _head_key(property_id: str, language: str) -> tuple:
    return ("help-index", property_id, language)


def _head(property_id: str, language: str) -> HelpIndex | None:
    try:
        return HelpIndex.get(keys.help_scope(property_id), keys.help_index_sk(language, 0))
    except DoesNotExist:
        return None


def property_and_index(property_id: str, language: str) -> None:
    """Within an invocation that will need both, the property and its index's first part in one BatchGetItem (they
    share a table), kept for the invocation's later reads (portfolio.get_property, load_index)."""
    if not portfolio.within_invocation():
        return
    wanted = {(keys.PORTFOLIO, property_id): Property, (keys.help_scope(property_id),
                                                         keys.help_index_sk(language, 0)): HelpIndex}
    connection = Property._get_connection()
    answer = connection.batch_get_item([{"pk": pk, "sk": sk} for pk, sk in wanted])
    got = {}
    for raw in answer.get("Responses", {}).get(connection.table_name, []):
        pk, sk = raw["pk"]["S"], raw["sk"]["S"]
        got[(pk, sk)] = wanted[(pk, sk)].from_raw_data(raw)
    if answer.get("UnprocessedKeys"):  # throttled: the reads that need them read them as usual
        return
    prop = got.get((keys.PORTFOLIO, property_id))
    if prop is not None:  # an unknown property is left for get_property to refuse
        portfolio.remember(property_id, prop)
    portfolio.remember(_head_key(property_id, language), got.get((keys.help_scope(property_id),
                                                                  keys.help_index_sk(language, 0))))


def load_index(property_id: str, language: str) -> dict:
    """The property's index, kept in this container until it is rebuilt (one small read tells, once an invocation)."""
    head = portfolio.read_once(_head_key(property_id, language), lambda: _head(property_id, language))
    if head is None:
        return help_search.build([])
    cached = _indexes.get((property_id, language))
    if cached and cached[0] == head.built:
        return cached[1]
    built = head.built.split("#")[0]
    blob = head.data
    for number in range(1, int(head.parts)):
        part = HelpIndex.get(keys.help_scope(property_id), keys.help_index_sk(language, number))
        if not part.built.startswith(built):  # rebuilt while reading: read the new one
            portfolio.remember(_head_key(property_id, language), _head(property_id, language))
            return load_index(property_id, language)
        blob += part.data
    index = help_search.readable(json.loads(zlib.decompress(blob)))
    _indexes[(property_id, language)] = (head.built, index)
    return index


def search(property_id: str, query: str, language: str, audiences=PUBLIC_AUDIENCES,
           limit: int = 10) -> list[help_search.Hit]:
    return help_search.search(load_index(property_id, language), query, language,
                              lambda doc: doc["audience"] in audiences, limit)


def readable(property_id: str, article_id: str, language: str | None, audiences=PUBLIC_AUDIENCES) -> HelpArticle:
    """A published article a reader of this property may see, in `language` when it has that translation.
    Anything else (a draft, another property's, a staff article) is not found."""
    article = get(article_id)
    if article.property_id not in (None, property_id) or article.state != "published" \
            or article.published["audience"] not in audiences:
        raise NotFound(f"no article {article_id}")
    if language and language != article.language:
        other = next((a for a in translations(article, property_id) if a.language == language), None)
        return other or article
    return article


def translations(article: HelpArticle, property_id: str) -> list[HelpArticle]:
    """The published translations of an article (itself included)."""
    return [a for a in for_property(property_id) if a.group == article.group and a.state == "published"]


def public_base(property_id: str) -> str:
    """The property's public help center (handlers/help_pages.py)."""
    return f"{settings.public_api_url()}/app/help/{property_id}"


def answering(property_id: str, text: str, language: str, now: datetime, shown: bool = True):
    """The published article that clearly answers a resident's message, by the help center's own search (so no
    channel disagrees with it), recorded as shown (unless `shown` is False: the caller records it once it is):
    (article, hit, link), or None."""
    hit = help_search.confident(search(property_id, text, language))
    if hit is None:
        return None
    article = get(hit.doc["id"])
    if shown:
        record_use([article.article_id], "shown", now)
    return article, hit, f"{public_base(property_id)}/articles/{article.article_id}"


# --- use ---

USES = ("shown", "opened", "helpful", "unhelpful")


def record_use(article_ids: list[str], kind: str, now: datetime) -> None:
    """Counts by day (ADD: concurrent readers never lose a count)."""
    if kind not in USES:
        raise Invalid(f"use must be one of {', '.join(USES)}")
    for article_id in dict.fromkeys(article_ids):
        ArticleUse(keys.help_article(article_id), keys.help_use_sk(now.date().isoformat())).update(
            actions=[getattr(ArticleUse, kind).add(1)])


def use_totals(article_id: str) -> dict:
    totals = dict.fromkeys(USES, 0)
    for day in ArticleUse.query(keys.help_article(article_id), ArticleUse.sk.startswith("USE#")):
        for kind in USES:
            totals[kind] += int(getattr(day, kind) or 0)
    return totals

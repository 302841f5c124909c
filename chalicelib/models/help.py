"""The help center's items, in the properties table (keys.py: help_scope, help_article)."""
from pynamodb.attributes import BinaryAttribute, JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class HelpArticle(Model):
    """An article in one language as it stands: pk=HELP#<property or *>, sk=ARTICLE#<id>. Its content is the
    latest version's; `published` is the content readers and the chat see (None until published)."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    article_id = UnicodeAttribute()
    property_id = UnicodeAttribute(null=True)  # None: every property
    language = UnicodeAttribute()
    group = UnicodeAttribute()  # translations of one article share it (the first one's id)
    slug = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    keywords = ListAttribute(of=UnicodeAttribute, default=list)
    category = UnicodeAttribute()
    audience = UnicodeAttribute()  # residents | owners | staff
    state = UnicodeAttribute(default="draft")  # draft | published | archived
    version = NumberAttribute()  # the latest version's number
    published_version = NumberAttribute(null=True)
    published = JSONAttribute(null=True)  # {title, body, keywords, category, audience} of published_version
    publish_at = UnicodeAttribute(null=True)  # a scheduled publishing (the timer's due time)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()


class ArticleScope(Model):
    """pk=ARTICLE#<id>, sk=SCOPE: which partition an article id lives in (routes name only the id)."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    scope = UnicodeAttribute()


class ArticleVersion(Model):
    """pk=ARTICLE#<id>, sk=V#<n>: every edit, whole (a restore is one too)."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    version = NumberAttribute()
    at = UnicodeAttribute()
    by = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    keywords = ListAttribute(of=UnicodeAttribute, default=list)
    category = UnicodeAttribute()
    audience = UnicodeAttribute()
    changed = ListAttribute(of=UnicodeAttribute, default=list)  # the fields that differ from the previous one
    note = UnicodeAttribute(null=True)  # "restored version 1"


class ArticleUse(Model):
    """pk=ARTICLE#<id>, sk=USE#<day>: how often it was shown, opened and found helpful (or not) that day."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    shown = NumberAttribute(default=0)
    opened = NumberAttribute(default=0)
    helpful = NumberAttribute(default=0)
    unhelpful = NumberAttribute(default=0)


class HelpIndex(Model):
    """pk=HELP#<property>, sk=INDEX#<lang>#<part>: the search index (rules/help_search.build), JSON compressed
    with zlib, cut into parts under DynamoDB's item size. Part 0 says how many parts and when it was built."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    data = BinaryAttribute(legacy_encoding=False)
    parts = NumberAttribute(default=1)
    built = UnicodeAttribute(null=True)  # a ULID: changes with every build (caches compare it)

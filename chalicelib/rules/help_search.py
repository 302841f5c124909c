"""Searching help articles the way residents write: accents and case folded, shorthand and misspellings
spelled out, words reduced to their Snowball stems (rules/wording.py, what triage reads), a misspelt word
matched to a known one a single edit away, and the articles ranked by BM25 over title, keywords and body.

The index is built when an article is published (tickets/help.py stores it, compressed, in DynamoDB) and
read back whole: at a few thousand articles a dictionary of postings is small and needs no dependency
(SQLite FTS5 would, on a runtime whose SQLite is not known to have it). Pure."""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from chalicelib.rules.wording import normalize, stems

# BM25's usual constants, and how much a word counts in each field (BM25F, simplified: weighted term counts).
K1, B = 1.2, 0.75
FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "body": 1.0}
# Words that say nothing about the topic (EN and ES), stemmed on first use: stemming loads Snowball, which
# importing the app (and every function that never searches) should not pay for.
STOP_WORDS = {
    "en": "a an the and or of to in on at for is are was be do does did i my me you your it this that how what when "
          "where can could should with from by about there have has if not our we us as will would get "
          "el la los las un una unos unas y o de del en con por para que como cuando donde es son mi mis su sus "
          "yo me se le lo al hay puedo puede tengo tiene esta este esto estan ser si no nos",
    "es": "el la los las un una y o de del en con por para que como cuando donde es son mi mis su "
          "sus yo me se le lo al hay esta este esto si no nos"}


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return frozenset(stem for language, words in STOP_WORDS.items() for stem in stems(words, language).split())


ALPHABET = "abcdefghijklmnopqrstuvwxyz"
MAX_GUESSED = 14  # longer unknown words are not guessed at (each guess tries ~54 candidates per letter)
MAX_QUERY_TERMS = 60  # a long message is searched by its first distinct words (a chat message may be 4 KB)
FORMAT = 2  # the stored index's shape: 2 = flat postings (build); none = a list per pair (before 2026-11-30)
# The chat answers with the best article only when it has most of the message's words (by rarity) and a good
# part of them are what the article is about (its title and keywords): "my sink is leaking" shares words with
# the appliances article's body, but is a repair request, not its question.
CONFIDENT, CONFIDENT_TOPIC = 0.6, 0.5
GUESSED = 0.5  # a word matched by its one-edit neighbour counts half towards that
# A longer text (an email) says more than its question: an article sharing a few of its words is worth suggesting.
SUGGEST_MATCHED, SUGGEST_COVERAGE = 2, 0.2


@lru_cache(maxsize=65536)
def _stem(word: str, language: str) -> str:
    """A word's stem, remembered: an index of 1,000 articles stems 160,000 words but only a few thousand distinct
    ones, and Snowball in pure Python is the slow part of building it."""
    return stems(word, language)


def terms(text: str, language: str) -> list[str]:
    """The stems a text is searched by (normalised as triage reads it, then stemmed word by word), stop words
    left out."""
    found = (_stem(w, language) for w in re.findall(r"[a-z]+|\d+", normalize(text)))
    stop = _stop()
    return [t for t in found if t and t not in stop and len(t) > 1]


def topic_terms(title: str, keywords: list[str], language: str) -> list[str]:
    """What an article is about: the stems of its title and keywords."""
    return sorted(set(terms(" ".join([title, *keywords]), language)))


def document_terms(title: str, body: str, keywords: list[str], language: str) -> dict[str, float]:
    """An article's weighted term counts: what publishing stores for the index."""
    counts: Counter = Counter()
    for field, text in (("title", title), ("keywords", " ".join(keywords)), ("body", body)):
        for term in terms(text, language):
            counts[term] += FIELD_WEIGHTS[field]
    return dict(counts)


def build(docs: list[dict]) -> dict:
    """The index of published articles: each doc is {"id", "terms": {stem: weight}, ...shown fields}.
    Postings map a stem to [doc number, weight, doc number, weight, ...]: flat, because reading back a list
    per pair made a cold read of a thousand articles several times slower (JSON objects, and the garbage
    collector walking them). Lengths are the docs' weighted lengths."""
    postings: dict[str, list] = {}
    lengths = []
    shown = []
    for number, doc in enumerate(docs):
        weights = doc["terms"]
        lengths.append(round(sum(weights.values()), 1))
        shown.append({k: v for k, v in doc.items() if k != "terms"})
        for term, weight in weights.items():
            postings.setdefault(term, []).extend((number, weight))
    average = (sum(lengths) / len(lengths)) if lengths else 0.0
    return {"format": FORMAT, "docs": shown, "lengths": lengths, "average": average, "postings": postings}


def readable(index: dict) -> dict:
    """An index as this code searches it. One stored by an earlier release (no format: a list per posting pair)
    is flattened, so a deployed stage keeps answering until its next publish rebuilds the index."""
    if index.get("format") == FORMAT:
        return index
    flat = {term: [x for pair in pairs for x in pair] for term, pairs in index["postings"].items()}
    return {**index, "format": FORMAT, "postings": flat}


@dataclass(frozen=True)
class Hit:
    doc: dict
    score: float
    coverage: float  # the share of the query's words (by idf) this article has
    matched: int  # how many of the query's words it has
    topic: float = 0.0  # the share of the query's words (by idf) in its title or keywords


def _idf(index: dict, term: str) -> float:
    n, df = len(index["docs"]), len(index["postings"].get(term, ())) // 2
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _edits(word: str) -> set[str]:
    """Every word one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return ({a + b[1:] for a, b in splits if b} | {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
            | {a + c + b[1:] for a, b in splits if b for c in ALPHABET} | {a + c + b for a, b in splits for c in ALPHABET})


def known(index: dict, term: str) -> str | None:
    """The term itself when indexed, else the most common indexed term one edit away (words of 4+ letters:
    shorter ones have too many neighbours to guess)."""
    postings = index["postings"]
    if term in postings:
        return term
    if not 4 <= len(term) <= MAX_GUESSED or not term.isalpha():
        return None
    near = [t for t in _edits(term) if t in postings]
    return max(near, key=lambda t: (len(postings[t]), t)) if near else None


def search(index: dict, query: str, language: str, allowed=lambda doc: True, limit: int = 10) -> list[Hit]:
    """The articles best matching `query`, best first, among those `allowed` lets through."""
    asked = list(dict.fromkeys(terms(query, language)))[:MAX_QUERY_TERMS]
    if not asked or not index["docs"]:
        return []
    matched = {t: known(index, t) for t in asked}
    # A word we know nothing of weighs as much as the rarest word: a message about something else stays unmatched.
    ceiling = math.log(1 + (len(index["docs"]) + 0.5) / 0.5)
    total = sum(_idf(index, m) if m else ceiling for m in matched.values())
    trust = {m: 1.0 if m == t else GUESSED for t, m in matched.items() if m}
    scores: dict[int, float] = {}
    covered: dict[int, float] = {}
    on_topic: dict[int, float] = {}
    matched_terms: dict[int, int] = {}
    for term, weight_of_match in trust.items():
        idf = _idf(index, term)
        pairs = index["postings"][term]
        for number, weight in zip(pairs[::2], pairs[1::2], strict=True):
            norm = K1 * (1 - B + B * index["lengths"][number] / (index["average"] or 1))
            scores[number] = scores.get(number, 0.0) + idf * weight * (K1 + 1) / (weight + norm)
            covered[number] = covered.get(number, 0.0) + idf * weight_of_match
            if term in index["docs"][number].get("topic", ()):
                on_topic[number] = on_topic.get(number, 0.0) + idf * weight_of_match
            matched_terms[number] = matched_terms.get(number, 0) + 1
    ranked = sorted(scores, key=lambda n: (-scores[n], index["docs"][n]["id"]))
    share = (lambda part: round(part / total, 2)) if total else (lambda part: 0.0)
    hits = [Hit(index["docs"][n], round(scores[n], 3), share(covered[n]), matched_terms[n], share(on_topic.get(n, 0.0)))
            for n in ranked if allowed(index["docs"][n])]
    return hits[:limit]


def confident(hits: list[Hit]) -> Hit | None:
    """The article to answer a chat with, when the best one covers most of what was asked, on its topic."""
    return hits[0] if hits and hits[0].coverage >= CONFIDENT and hits[0].topic >= CONFIDENT_TOPIC else None


def suggested(hits: list[Hit], limit: int = 2) -> list[Hit]:
    """Articles worth suggesting beside a longer text (an email acknowledgement)."""
    return [h for h in hits if h.matched >= SUGGEST_MATCHED and h.coverage >= SUGGEST_COVERAGE][:limit]

"""Answering common questions from a property's knowledge base. Pure: articles come in as data."""
from dataclasses import dataclass

from chalicelib.rules.wording import fold as normalize

CONFIDENT = 0.66


@dataclass(frozen=True)
class Answer:
    article: str
    text: str
    score: float


def best_answer(message: str, language: str, articles: list) -> Answer | None:
    """The article whose keyword phrases the message covers best, when that is a confident match."""
    text = f" {normalize(message)} "
    best = None
    for article in articles:
        if article.language != language:
            continue
        phrases = [normalize(k) for k in article.keywords if k.strip()]
        if not phrases:
            continue
        hits = sum(f" {p} " in text or (len(p) > 4 and p in text) for p in phrases)
        score = hits / min(len(phrases), 3)
        if score >= CONFIDENT and (best is None or score > best.score):
            best = Answer(article.sk, article.answer, round(min(score, 1.0), 2))
    return best

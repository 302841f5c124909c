"""The help center's ranking and when the chat trusts it, on the demo's starter set (pure: no AWS)."""
from pathlib import Path

import pytest

from chalicelib.rules import help_search
from chalicelib.tickets.help_files import read

STARTER = [f for f in read(Path(__file__).resolve().parent.parent / "twin" / "help") if f["audience"] != "staff"]


def index(language: str) -> dict:
    return help_search.build([{"id": f["id"], "title": f["title"], "snippet": "", "category": f["category"],
                               "audience": f["audience"], "group": f["id"],
                               "topic": help_search.topic_terms(f["title"], f["keywords"], language),
                               "terms": help_search.document_terms(f["title"], f["body"], f["keywords"], language)}
                              for f in STARTER if f["language"] == language])


INDEX = {"en": index("en"), "es": index("es")}


@pytest.mark.parametrize("language, question, article", [
    ("en", "Where do I pick up packages?", "packages-en"),
    ("en", "how do i pay my rnet", "pay-rent-en"),  # a typo one edit away
    ("en", "Where can my guests park?", "parking-en"),
    ("en", "can I have a dog", "pets-en"),
    ("en", "what counts as an emergency", "emergencies-en"),
    ("es", "¿Cuál es el horario de la oficina?", "office-hours-es"),
    ("es", "COMO PAGO LA RENTA", "pay-rent-es"),
    ("es", "¿Dónde recojo mis paquetes?", "packages-es"),
])
def test_questions_the_articles_answer_are_answered(language, question, article):
    hit = help_search.confident(help_search.search(INDEX[language], question, language))
    assert hit is not None and hit.doc["id"] == article


@pytest.mark.parametrize("language, message", [
    ("en", "My sink is leaking"),  # a repair request sharing words with an article's body
    ("en", "I would like to schedule a tour"),  # "tour" is one edit from "pour": a guess alone answers nothing
    ("en", "Still broken."),
    ("en", "Can the office call me back"),
    ("en", "The closet door is off its track"),
    ("es", "Hay una fuga debajo del fregadero"),
])
def test_messages_that_are_not_their_question_are_left_to_staff(language, message):
    assert help_search.confident(help_search.search(INDEX[language], message, language)) is None


def test_a_long_message_of_unknown_words_is_cheap():
    import time
    words = " ".join(f"zq{'x' * (i % 30)}word{i}" for i in range(600))
    started = time.perf_counter()
    assert help_search.confident(help_search.search(INDEX["en"], words, "en")) is None
    assert time.perf_counter() - started < 1.0


def test_an_index_stored_by_the_earlier_release_still_answers():
    """A stage's stored index outlives a deploy until something is published: its older shape (a list per
    posting pair, no format) is read, and ranks as the index built today does."""
    today = INDEX["en"]
    stored = {k: v for k, v in today.items() if k != "format"}
    stored["postings"] = {term: [flat[i:i + 2] for i in range(0, len(flat), 2)]
                          for term, flat in today["postings"].items()}
    for question in ("how do i pay my rnet", "Where can my guests park?", "can I have a dog"):
        old = help_search.search(help_search.readable(stored), question, "en")
        new = help_search.search(today, question, "en")
        assert [(h.doc["id"], h.score) for h in old] == [(h.doc["id"], h.score) for h in new]
        assert old

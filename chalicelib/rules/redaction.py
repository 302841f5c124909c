"""Payment and identity data removed from what residents and staff write, before anything is stored or
sent on: card numbers (Luhn-valid, 13 to 19 digits, spaced or dashed), the security code and expiry date
written near them, US Social Security numbers, and bank account and routing numbers named as such.
Nothing downstream (tickets, threads, queue, pages, executions, logs) sees the original. Pure."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

CARD = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
CARD_DETAILS = re.compile(
    r"\b(?:cvv2?|cvc2?|csc|security code|sec code|c[oó]digo de seguridad|c[oó]digo)\s*[:#-]?\s*\d{3,4}\b"
    r"|\b(?:exp(?:iry|iration|ires)?\.?|valid thru|vence|vencimiento|fecha de vencimiento)\s*[:#-]?\s*"
    r"\d{1,2}\s*/\s*\d{2,4}\b", re.I)
SSN = re.compile(r"\b\d{3}-\d{2}-\d{4}\b"
                 r"|\b(?:ssn|social security(?: number| no\.?)?|seguro social|n[uú]mero de seguro social)"
                 r"\s*(?:is|es|#|:|-)?\s*\d{3}[ -]?\d{2}[ -]?\d{4}\b", re.I)
BANK = re.compile(r"\b(?:routing|aba|bank account|checking account|savings account|account and routing|"
                  r"cuenta bancaria|cuenta de cheques|cuenta de ahorros|n[uú]mero de ruta)"
                  r"(?:\s*(?:number|no\.?|#|n[uú]mero))?\s*(?:is|es|:|#|-)?\s*\d{6,17}\b", re.I)

ACCOUNT = re.compile(r"\b(?:account|acct|cuenta)(?:\s*(?:number|no\.?|#|n[uú]mero))?\s*[:#-]?\s*\d{6,17}\b", re.I)

LABELS = {"card": "[card number removed]", "card_details": "[card details removed]", "ssn": "[SSN removed]",
          "bank": "[bank details removed]"}


@dataclass(frozen=True)
class Redacted:
    text: str
    kinds: list[str] = field(default_factory=list)  # what was removed: card, card_details, ssn, bank


def luhn(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def redact(text: str | None) -> Redacted:
    if not text:
        return Redacted(text or "")
    kinds: list[str] = []

    def card(m: re.Match) -> str:
        digits = re.sub(r"\D", "", m.group(0))
        if 13 <= len(digits) <= 19 and luhn(digits):
            kinds.append("card")
            return LABELS["card"]
        return m.group(0)

    def label(kind: str):
        def replace(_m: re.Match) -> str:
            kinds.append(kind)
            return LABELS[kind]
        return replace

    cleaned = SSN.sub(label("ssn"), text)
    cleaned = BANK.sub(label("bank"), cleaned)
    if "bank" in kinds:  # "routing 021000021 account 123456789": the account number goes too
        cleaned = ACCOUNT.sub(label("bank"), cleaned)
    cleaned = CARD.sub(card, cleaned)
    if "card" in kinds:  # a security code or expiry only means something next to a card number
        cleaned = CARD_DETAILS.sub(label("card_details"), cleaned)
    return Redacted(cleaned, sorted(set(kinds)))


def clean(text: str | None) -> str:
    return redact(text).text

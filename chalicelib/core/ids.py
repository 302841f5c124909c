import re
import secrets

# Crockford base32 without I, L, O, U: easy to read aloud on the phone.
REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    from ulid import ULID  # noqa: PLC0415 - python-ulid reads its version from package metadata on import (~40 ms)

    return str(ULID())


def at(when) -> str:
    """An id that sorts by `when` (a datetime) rather than by now: texts are threaded by when they were sent."""
    from ulid import ULID  # noqa: PLC0415 - see new_id

    return str(ULID.from_datetime(when))


def is_id(value: str) -> bool:
    """Whether `value` has the shape of an id new_id makes (a ULID: 26 Crockford base-32 characters)."""
    return bool(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", value or ""))


def new_ref(length: int = 4) -> str:
    return "TL-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(length))


def new_token() -> str:
    return secrets.token_urlsafe(32)

import secrets

from ulid import ULID

# Crockford base32 without I, L, O, U: easy to read aloud on the phone.
REF_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_id() -> str:
    return str(ULID())


def new_ref(length: int = 4) -> str:
    return "TL-" + "".join(secrets.choice(REF_ALPHABET) for _ in range(length))


def new_token() -> str:
    return secrets.token_urlsafe(32)

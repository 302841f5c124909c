"""Contact details as stored: phone numbers in E.164, emails lower-cased."""
import re

from chalicelib.core.errors import Invalid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_phone(raw: str | None, region: str = "US") -> str | None:
    if not raw or not raw.strip():
        return None
    import phonenumbers  # noqa: PLC0415 - ~10 ms of import, which a chat or email with no number never needs

    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException as exc:
        raise Invalid(f"phone number {raw!r} is not valid: {exc}") from None
    if not phonenumbers.is_valid_number(number):
        raise Invalid(f"phone number {raw!r} is not valid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_email(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    email = raw.strip().lower()
    if not EMAIL.match(email):
        raise Invalid(f"email address {raw!r} is not valid")
    return email

"""Secrets, from SSM Parameter Store SecureStrings that the deploy generates (infra/link_secret.py; nothing
secret is in the code or in .chalice/config.json). Read through powertools' parameters utility, which caches
them for a while."""
from chalicelib.core import settings

CACHE_SECONDS = 600
MIN_LENGTH = 32
PLACEHOLDERS = ("replace", "changeme", "placeholder", "secret", "example", "xxx")


class MissingSecret(RuntimeError):
    """A deployed stage refuses to run without a real secret rather than sign links anyone could forge."""


def link_secret() -> str:
    """Signs the acknowledgement links sent to paged staff."""
    return _secret("link-secret")


def _secret(name: str) -> str:
    from aws_lambda_powertools.utilities import parameters  # noqa: PLC0415 - only where a secret is needed

    full_name = settings.resource_name(name)
    try:
        value = parameters.get_parameter(full_name, decrypt=True, max_age=CACHE_SECONDS)
    except parameters.exceptions.GetParameterError as exc:
        raise MissingSecret(f"secret {full_name} cannot be read: {exc}") from None
    if not isinstance(value, str) or len(value) < MIN_LENGTH or value.lower().startswith(PLACEHOLDERS):
        raise MissingSecret(f"secret {full_name} is missing or a placeholder; `make deploy` generates a real one")
    return value

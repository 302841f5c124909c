"""boto3 clients, created on first use (keeps cold starts short) and cached per process."""
from functools import lru_cache

from chalicelib import settings


@lru_cache(maxsize=None)
def client(service: str):
    import boto3  # noqa: PLC0415 - imported lazily on purpose

    return boto3.client(service, region_name=settings.REGION)


def reset() -> None:
    client.cache_clear()

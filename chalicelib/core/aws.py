"""boto3 clients, created on first use (keeps cold starts short) and cached per process."""
from functools import lru_cache

from chalicelib.core import settings


@lru_cache(maxsize=None)
def client(service: str, quick: bool = False):
    """`quick`: for calls made while someone waits on the line, fail fast rather than retry."""
    import boto3  # noqa: PLC0415 - imported lazily on purpose
    from botocore.config import Config

    config = Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}) if quick else None
    return boto3.client(service, region_name=settings.REGION, config=config)


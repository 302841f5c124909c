from chalicelib.core import settings


def meta(name: str) -> type:
    """A PynamoDB Meta for the stage's table `name`; the endpoint comes from AWS_ENDPOINT_URL."""

    class Meta:
        table_name = settings.table_name(name)
        region = settings.REGION

    return Meta


def transaction():
    """A TransactWrite on the stage's region (every table is in one account and region)."""
    from pynamodb.connection import Connection
    from pynamodb.transactions import TransactWrite

    return TransactWrite(connection=Connection(region=settings.REGION))

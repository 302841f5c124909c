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


def condition_failed(exc, item: int) -> bool:
    """Whether a cancelled transaction (TransactWriteError) failed the condition of its `item`-th item (in
    the order PynamoDB sends them: condition checks, deletes, puts, then updates)."""
    reasons = getattr(exc, "cancellation_reasons", None) or []
    return len(reasons) > item and reasons[item] is not None and reasons[item].code == "ConditionalCheckFailed"

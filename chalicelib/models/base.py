from chalicelib import settings


def meta(name: str) -> type:
    """A PynamoDB Meta for the stage's table `name`; the endpoint comes from AWS_ENDPOINT_URL."""

    class Meta:
        table_name = settings.table_name(name)
        region = settings.REGION

    return Meta

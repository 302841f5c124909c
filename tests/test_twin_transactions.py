"""The twin's DynamoDB transactions (twin/dynamo_tx.py) stay all-or-nothing while copying only the items they
name: a cancelled transaction leaves every item as it was, new ones absent, and the table is never copied."""
import pytest
from pynamodb.exceptions import TransactWriteError

from chalicelib.models import Guard
from chalicelib.models.base import transaction

pytestmark = pytest.mark.integration


def test_a_cancelled_transaction_puts_back_what_it_changed(aws):
    import moto.dynamodb.models as models

    Guard("TX#kept", target="before").save()
    Guard("TX#taken", target="someone").save()
    table = next(iter(t for t in models.dynamodb_backends["123456789012"]["us-east-1"].tables.values()
                      if t.name.endswith("ticket-events")))
    with pytest.raises(TransactWriteError):
        with transaction() as tx:
            tx.save(Guard("TX#kept", target="after"))  # written first, then undone
            tx.save(Guard("TX#new", target="new"))
            tx.save(Guard("TX#taken", target="me"), condition=Guard.pk.does_not_exist())  # fails
    assert Guard.get("TX#kept", "GUARD", consistent_read=True).target == "before"
    assert Guard.count("TX#new") == 0
    assert Guard.get("TX#taken", "GUARD", consistent_read=True).target == "someone"
    same = next(iter(t for t in models.dynamodb_backends["123456789012"]["us-east-1"].tables.values()
                     if t.name.endswith("ticket-events")))
    assert same is table  # the table itself was never swapped for a copy
    with transaction() as tx:
        tx.save(Guard("TX#kept", target="after"))
        tx.save(Guard("TX#new", target="new"))
    assert Guard.get("TX#kept", "GUARD", consistent_read=True).target == "after"

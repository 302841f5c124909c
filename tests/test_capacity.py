"""The bench's DynamoDB capacity units (bench/capacity.py), from item sizes as on-demand bills them."""
from bench import capacity

TICKET = {"pk": {"S": "T#01ABC"}, "summary": {"S": "é" * 600}, "tier": {"N": "1"}, "open": {"BOOL": True},
          "reasons": {"L": [{"S": "leak"}, {"S": "water"}]}}


def test_item_sizes_follow_dynamodbs_rules():
    assert capacity.item_size({"a": {"S": "héllo"}}) == 1 + 6  # UTF-8 bytes of name and value
    assert capacity.item_size({"n": {"N": "12345"}}) == 1 + 4
    assert capacity.item_size({"l": {"L": [{"S": "ab"}, {"NULL": True}]}}) == 1 + 3 + (2 + 1) + (1 + 1)
    assert capacity.item_size(TICKET) > 1200  # 600 two-byte letters


def test_writes_count_per_kilobyte_and_twice_in_a_transaction():
    assert capacity.units("PutItem", {"Item": {"pk": {"S": "x"}}}, {}) == (0.0, 1)
    assert capacity.units("PutItem", {"Item": TICKET}, {}) == (0.0, 2)  # over 1 KB
    both = {"TransactItems": [{"Put": {"Item": TICKET}}, {"Update": {"Key": {"pk": {"S": "S#1"}}}}]}
    assert capacity.units("TransactWriteItems", both, {}) == (0.0, 2 * 2 + 2 * 1)
    assert capacity.units("UpdateItem", {"Key": {"pk": {"S": "x"}}}, {"Attributes": TICKET}) == (0.0, 2)


def test_reads_count_per_four_kilobytes_half_when_eventually_consistent():
    assert capacity.units("GetItem", {"ConsistentRead": True}, {"Item": TICKET}) == (1, 0.0)
    assert capacity.units("GetItem", {}, {}) == (0.5, 0.0)  # a miss still costs
    many = {"Items": [TICKET] * 10}  # ~13 KB, rounded as a whole
    assert capacity.units("Query", {"ConsistentRead": True}, many) == (4, 0.0)
    batch = {"Responses": {"t": [TICKET, TICKET]}}
    assert capacity.units("BatchGetItem", {"RequestItems": {"t": {"ConsistentRead": True}}}, batch) == (2, 0.0)

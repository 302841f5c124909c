"""On-call configuration, kept beside the property (pk=PROPERTY#<id>)."""
from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.models.base import meta


class Rotation(Model):
    """Who is on call: members hand off daily or weekly at a local time; overrides cover vacations and swaps."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)  # PROPERTY#<id>
    sk = UnicodeAttribute(range_key=True)  # ROTATION#<id>
    name = UnicodeAttribute()
    members = ListAttribute(of=UnicodeAttribute)  # person ids, in hand-off order
    every = UnicodeAttribute(default="weekly")  # daily | weekly
    handoff_at = UnicodeAttribute(default="08:00")  # local time
    anchor = UnicodeAttribute()  # ISO date when members[0] took the first shift
    overrides = JSONAttribute(default=list)  # [{"start": iso, "end": iso, "person": id, "reason": str}]


class EscalationPolicy(Model):
    """Ordered tiers to page until someone acknowledges; one policy per property and urgency."""
    Meta = meta("properties")

    pk = UnicodeAttribute(hash_key=True)  # PROPERTY#<id>
    sk = UnicodeAttribute(range_key=True)  # POLICY#<urgency>
    tiers = JSONAttribute()  # [{"name", "targets": [{"person": id} | {"rotation": id}], "channels", "window_minutes",
    #                            "guaranteed"}]
    repeat = NumberAttribute(default=2)  # rounds after the first, each also alerting the manager group
    managers = ListAttribute(of=UnicodeAttribute, default=list)  # person ids
    updated_by = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

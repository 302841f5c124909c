"""Amazon Connect for the twin: our flows from connect_flows/, walked by twin.flow_walker as Connect runs them.

moto has no Connect, so this plays its part for the deployment: it renders the flows with the twin's ARNs,
checks each property's hours of operation, invokes the real connect_contact Lambda through the twin's
Lambda service with the event Connect sends, answers for the describe bot, and then reports the contact
events Connect would publish to EventBridge."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone

import connect_flows
from chalicelib.core import settings
from chalicelib.rules.calendar import is_open
from chalicelib.tickets import portfolio as properties
from twin.flow_walker import FlowError, FlowWalker, Outcome, SimulatedCall, Unsupported  # noqa: F401 (re-exported)

ACCOUNT = "123456789012"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/00000000-0000-4000-8000-00000000714e"
QUEUES = ("Maintenance", "Leasing", "Billing", "General")
BOT_ALIAS = f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/TWINBOT000/TWINALIAS0"
AGENT = f"{INSTANCE}/agent/00000000-0000-4000-8000-0000000a9e47"


def hours_arn(property_id: str) -> str:
    return f"{INSTANCE}/operating-hours/{property_id}"


def queue_arn(name: str) -> str:
    return f"{INSTANCE}/queue/{name.lower()}"


def flow_arn(stem: str) -> str:
    return f"{INSTANCE}/contact-flow/{stem}"


def placeholder_values(stage: str) -> dict[str, str]:
    values = {"ConnectContactFunctionArn":
              f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{settings.resource_name('connect_contact', stage)}",
              "DescribeBotAliasArn": BOT_ALIAS}
    values.update({f"{q}QueueArn": queue_arn(q) for q in QUEUES})
    values.update({ph: flow_arn(stem) for stem, (_type, ph) in connect_flows.FLOWS.items() if ph})
    return values


class Connect(FlowWalker):
    def __init__(self, session, stage: str, presses: list[str] | None = None, words: str | None = None,
                 third_party: str = "answer", agents: int = 1):
        self.values = placeholder_values(stage)
        super().__init__({stem: connect_flows.render(stem, self.values) for stem in connect_flows.FLOWS},
                         presses, words, answers={"agents_available": str(agents)}, third_party=third_party)
        self.lam = session.client("lambda")
        self.events = session.client("events")
        self.lambda_ms: list[float] = []

    # --- running a call ---

    def call(self, caller: str, dialled: str, at: datetime) -> tuple[SimulatedCall, list[Outcome]]:
        contact = SimulatedCall(caller, dialled, at, contact_id=str(uuid.uuid4()))
        outcomes = [self.run("inbound", contact, self.heard)]
        if outcomes[-1].how == "queued" and contact.hooks.get("CustomerQueue"):
            outcomes.append(self.run(self._stem(contact.hooks["CustomerQueue"]), contact, self.heard))
        return contact, outcomes

    def agent_answers(self, contact: SimulatedCall) -> Outcome | None:
        hook = contact.hooks.get("AgentWhisper")
        return self.run(self._stem(hook), contact, self.agent_heard) if hook else None

    def _stem(self, arn: str) -> str:
        stem = self.find_flow(arn)
        if stem is None:
            raise FlowError(f"no flow has the ARN {arn}")
        return stem

    def find_flow(self, reference: str) -> str | None:
        return next((s for s, (_t, ph) in connect_flows.FLOWS.items() if ph and self.values[ph] == reference), None) \
            or super().find_flow(reference)

    # --- what the deployment answers ---

    def hours_open(self, arn: str, contact: SimulatedCall) -> bool | None:
        """By the hours' ARN; without one, the working queue's hours, which in our instance are those of the
        property whose number was dialled."""
        found = (p for p in properties.list_properties()
                 if (p.connect_hours_arn == arn if arn else contact.dialled in (p.phone_numbers or [])))
        prop = next(found, None)
        return None if prop is None else is_open(properties.calendar(prop), contact.now())

    def lex_intent(self, action: dict, words: str) -> tuple[str, dict]:
        # The describe bot's one intent keeps the whole utterance in its free-form slot.
        if (action["Parameters"].get("LexV2Bot") or {}).get("AliasArn") == BOT_ALIAS:
            return "DescribeProblem", {"problem": words}
        return super().lex_intent(action, words)

    def invoke(self, arn: str, event: dict, limit: float) -> tuple[object, bool]:
        started = time.perf_counter()
        response = self.lam.invoke(FunctionName=arn, Payload=json.dumps(event).encode())
        took = time.perf_counter() - started
        self.lambda_ms.append(round(took * 1000, 1))
        payload = json.loads(response["Payload"].read() or b"{}")
        return payload, bool(response.get("FunctionError")) or took > limit

    # --- what Connect sends ---

    def flow_event(self, contact: SimulatedCall, parameters: dict) -> dict:
        contact.attributes["tenantline_time"] = contact.now().isoformat()  # the twin's clock, for the Lambda
        queue = {"ARN": contact.queue, "Name": contact.queue.rsplit("/", 1)[-1].title(), "OutboundCallerId": None} \
            if contact.queue else None
        return {"Name": "ContactFlowEvent", "Details": {
            "ContactData": {
                "Attributes": dict(contact.attributes), "AwsRegion": "us-east-1", "Channel": "VOICE",
                "ContactId": contact.contact_id, "CustomerEndpoint": {"Address": contact.caller,
                                                                      "Type": "TELEPHONE_NUMBER"},
                "CustomerId": None, "Description": None, "InitialContactId": contact.contact_id,
                "InitiationMethod": "INBOUND", "InstanceARN": INSTANCE, "LanguageCode": contact.language_code,
                "MediaStreams": {"Customer": {"Audio": None}}, "Name": None,
                "PreviousContactId": contact.contact_id, "Queue": queue, "References": {}, "RelatedContactId": None,
                "SystemEndpoint": {"Address": contact.dialled, "Type": "TELEPHONE_NUMBER"}, "Tags": {}},
            "Parameters": parameters}}

    def publish(self, contact: SimulatedCall, event_type: str, when: datetime, **detail) -> None:
        """One contact event on the default bus, shaped as Connect publishes it."""
        body = {"eventType": event_type, "contactId": contact.contact_id, "initialContactId": contact.contact_id,
                "channel": "VOICE", "instanceArn": INSTANCE, "initiationMethod": "INBOUND",
                "initiationTimestamp": _z(contact.started), **detail}
        self.events.put_events(Entries=[{
            "Source": "aws.connect", "DetailType": "Amazon Connect Contact Event", "Time": when,
            "Resources": [f"{INSTANCE}/contact/{contact.contact_id}"], "Detail": json.dumps(body)}])

    def report(self, contact: SimulatedCall, outcomes: list[Outcome], wait: int, talk: int, abandon: bool) -> str:
        """Publish the call's contact events; returns how it ended for the caller."""
        self.publish(contact, "INITIATED", contact.started)
        if outcomes[0].how != "queued":
            self.publish(contact, "DISCONNECTED", contact.now(), disconnectTimestamp=_z(contact.now()),
                         disconnectReason="CONTACT_FLOW_DISCONNECT")
            return "ended in the flow"
        enqueued = contact.queued_at
        queue = {"queueArn": contact.queue, "enqueueTimestamp": _z(enqueued), "queueType": "STANDARD"}
        self.publish(contact, "QUEUED", enqueued, queueInfo=queue)
        if abandon or outcomes[-1].how != "holding":
            gone = enqueued + timedelta(seconds=wait) if abandon else contact.now()
            self.publish(contact, "DISCONNECTED", gone, queueInfo=queue, disconnectTimestamp=_z(gone),
                         disconnectReason="CUSTOMER_DISCONNECT" if abandon else "CONTACT_FLOW_DISCONNECT")
            return "callback requested" if contact.callback_created else "left the queue"
        answered = enqueued + timedelta(seconds=wait)
        agent = {"agentArn": AGENT, "connectedToAgentTimestamp": _z(answered)}
        self.publish(contact, "CONNECTED_TO_AGENT", answered, queueInfo=queue, agentInfo=agent)
        self.agent_answers(contact)
        ended = answered + timedelta(seconds=talk)
        self.publish(contact, "DISCONNECTED", ended, queueInfo=queue, agentInfo=agent, disconnectTimestamp=_z(ended),
                     disconnectReason="CUSTOMER_DISCONNECT")
        return "talked with an agent"


def _z(when: datetime) -> str:
    return when.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")

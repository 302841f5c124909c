"""Amazon Connect for the twin: walks the real flows from connect_flows/ the way Connect runs them.

moto has no Connect, so this plays its part: it renders the flows with the twin's ARNs, keeps the
contact's state (attributes, $.External, Lex results, queue, event hooks), plays prompts, takes the
caller's key presses and words, checks the property's hours of operation, invokes the real
connect_contact Lambda through the twin's Lambda service with the event Connect sends, and then
reports the contact events Connect would publish to EventBridge. An action type it does not know is
an error: a block is never skipped."""
from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

import connect_flows
from chalicelib.core import settings
from chalicelib.rules.calendar import is_open
from chalicelib.tickets import portfolio as properties

ACCOUNT = "123456789012"
INSTANCE = f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/00000000-0000-4000-8000-00000000714e"
QUEUES = ("Maintenance", "Leasing", "Billing", "General")
BOT_ALIAS = f"arn:aws:lex:us-east-1:{ACCOUNT}:bot-alias/TWINBOT000/TWINALIAS0"
AGENT = f"{INSTANCE}/agent/00000000-0000-4000-8000-0000000a9e47"
SECONDS_PER_PROMPT = 6  # how long the caller spends on each prompt, for the simulated clock
MAX_STEPS = 300


class FlowError(RuntimeError):
    """The flow cannot run as written (an unknown action, a missing branch, a bad Lambda answer)."""


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


DEFAULT_VOICE = "Joanna"  # Connect's voice until a flow sets one
VOICE_LANGUAGE = {"Joanna": "en-US", "Matthew": "en-US", "Ruth": "en-US", "Danielle": "en-US", "Kendra": "en-US",
                  "Lupe": "es-US", "Pedro": "es-US", "Penelope": "es-US", "Mia": "es-MX", "Andres": "es-MX",
                  "Lucia": "es-ES", "Sergio": "es-ES"}
SSML_PARTS = re.compile(r'<lang xml:lang="([A-Za-z-]+)">(.*?)</lang>|((?:(?!<lang ).)+)', re.S)
SSML_TAG = re.compile(r"<[^>]+>")


@dataclass
class SimulatedCall:
    caller: str
    dialled: str
    started: datetime
    contact_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    attributes: dict = field(default_factory=dict)
    external: dict = field(default_factory=dict)
    lex: dict = field(default_factory=dict)
    language_code: str = "en-US"
    voice: str | None = None
    queue: str | None = None
    hooks: dict = field(default_factory=dict)
    callback_number: str | None = None
    callback_created: bool = False
    queued_at: datetime | None = None
    elapsed: int = 0  # simulated seconds since the call started
    spoken: list = field(default_factory=list)  # {"to", "voice", "language", "text"} per prompt part played

    def now(self) -> datetime:
        return self.started + timedelta(seconds=self.elapsed)


@dataclass
class Outcome:
    """How one flow ended: disconnected, queued (transferred to a queue), holding (the queue loop), ended."""
    how: str
    path: list[str]


class Connect:
    def __init__(self, session, stage: str, presses: list[str] | None = None, words: str | None = None):
        self.lam = session.client("lambda")
        self.events = session.client("events")
        self.values = placeholder_values(stage)
        self.flows = {stem: connect_flows.render(stem, self.values) for stem in connect_flows.FLOWS}
        self.presses = [str(p) for p in presses or []]
        self.words = words
        self.heard: list[str] = []
        self.agent_heard: list[str] = []
        self.lambda_ms: list[float] = []

    # --- running a call ---

    def call(self, caller: str, dialled: str, at: datetime) -> tuple[SimulatedCall, list[Outcome]]:
        contact = SimulatedCall(caller, dialled, at)
        outcomes = [self.run("inbound", contact, self.heard)]
        if outcomes[-1].how == "queued" and contact.hooks.get("CustomerQueue"):
            outcomes.append(self.run(self._stem(contact.hooks["CustomerQueue"]), contact, self.heard))
        return contact, outcomes

    def agent_answers(self, contact: SimulatedCall) -> Outcome | None:
        hook = contact.hooks.get("AgentWhisper")
        return self.run(self._stem(hook), contact, self.agent_heard) if hook else None

    def _stem(self, arn: str) -> str:
        stem = next((s for s, (_t, ph) in connect_flows.FLOWS.items() if ph and self.values[ph] == arn), None)
        if stem is None:
            raise FlowError(f"no flow has the ARN {arn}")
        return stem

    def run(self, stem: str, contact: SimulatedCall, heard: list[str]) -> Outcome:
        flow = self.flows[stem]
        actions = {a["Identifier"]: a for a in flow["Actions"]}
        current, path = flow["StartAction"], []
        for _ in range(MAX_STEPS):
            if current not in actions:
                raise FlowError(f"{stem}: no action {current!r}")
            action = actions[current]
            path.append(current)
            step = getattr(self, f"_do_{action['Type']}", None)
            if step is None:
                raise FlowError(f"{stem}: the twin's Connect does not know action type {action['Type']!r} "
                                f"(action {current!r})")
            result = step(action, contact, heard)
            if isinstance(result, Outcome):
                result.path = path
                return result
            current = result
        raise FlowError(f"{stem}: more than {MAX_STEPS} steps (a loop with no way out?)")

    # --- values ---

    def resolve(self, value, contact: SimulatedCall):
        if isinstance(value, dict):
            return {k: self.resolve(v, contact) for k, v in value.items()}
        if not isinstance(value, str) or not value.startswith("$."):
            return value
        roots = {"Attributes": contact.attributes, "External": contact.external, "Lex": contact.lex,
                 "CustomerEndpoint": {"Address": contact.caller}, "SystemEndpoint": {"Address": contact.dialled},
                 "ContactId": contact.contact_id, "Channel": "VOICE", "LanguageCode": contact.language_code}
        parts = value[2:].split(".")
        if parts[0] not in roots:
            raise FlowError(f"the twin's Connect cannot resolve {value!r}")
        found = roots[parts[0]]
        for part in parts[1:]:
            found = found.get(part, "") if isinstance(found, dict) else ""
        return found if isinstance(found, str) else ("" if found is None else json.dumps(found))

    @staticmethod
    def _branch(action: dict, value: str) -> str | None:
        for condition in (action.get("Transitions") or {}).get("Conditions", []):
            rule = condition["Condition"]
            if rule["Operator"] != "Equals":
                raise FlowError(f"operator {rule['Operator']} is not supported by the twin")
            if value in rule["Operands"]:
                return condition["NextAction"]
        return None

    @staticmethod
    def _error(action: dict, error_type: str) -> str:
        errors = {e["ErrorType"]: e["NextAction"] for e in (action.get("Transitions") or {}).get("Errors", [])}
        target = errors.get(error_type) or errors.get("NoMatchingError")
        if target is None:
            raise FlowError(f"action {action['Identifier']!r} has no branch for {error_type}")
        return target

    @staticmethod
    def _next(action: dict) -> str:
        target = (action.get("Transitions") or {}).get("NextAction")
        if not target:
            raise FlowError(f"action {action['Identifier']!r} has nowhere to go next")
        return target

    def _play(self, segments: list[tuple[str | None, str]], contact: SimulatedCall, heard: list[str]) -> None:
        """Play a prompt: what the caller hears, and in which voice and language each part is spoken (a
        <lang> span in SSML, else the voice's own language)."""
        voice = contact.voice or DEFAULT_VOICE
        heard.append(" ".join(text for _language, text in segments if text))
        listener = "agent" if heard is self.agent_heard else "caller"
        for language, text in segments:
            contact.spoken.append({"to": listener, "voice": voice, "text": text,
                                   "language": language or VOICE_LANGUAGE.get(voice, "en-US")})
        contact.elapsed += SECONDS_PER_PROMPT

    def _prompt(self, params: dict, contact: SimulatedCall) -> list[tuple[str | None, str]]:
        """A prompt's parts as (language or None, words): Text, SSML (tags dropped, <lang> spans kept apart),
        a stored prompt or a media file (played as themselves); [] when there is nothing to play."""
        if params.get("Text"):
            return [(None, self.resolve(params["Text"], contact))]
        if params.get("SSML"):
            ssml = self.resolve(params["SSML"], contact)
            parts = []
            for m in SSML_PARTS.finditer(ssml):
                language, words = (m.group(1), m.group(2)) if m.group(2) is not None else (None, m.group(3))
                words = " ".join(SSML_TAG.sub(" ", words).split())
                if words:
                    parts.append((language, words))
            return parts
        if params.get("PromptId"):
            return [(None, f"[stored prompt {self.resolve(params['PromptId'], contact)}]")]
        if params.get("Media"):
            media = params["Media"]
            return [(None, f"[media {media.get('Uri') if isinstance(media, dict) else media}]")]
        return []

    # --- the action types the flows use ---

    def _do_UpdateFlowLoggingBehavior(self, action, contact, heard):
        return self._next(action)

    def _do_UpdateContactRecordingBehavior(self, action, contact, heard):
        return self._next(action)

    def _do_UpdateContactTextToSpeechVoice(self, action, contact, heard):
        contact.voice = action["Parameters"]["TextToSpeechVoice"]
        return self._next(action)

    def _do_UpdateContactData(self, action, contact, heard):
        contact.language_code = action["Parameters"].get("LanguageCode", contact.language_code)
        return self._next(action)

    def _do_UpdateContactAttributes(self, action, contact, heard):
        contact.attributes.update(self.resolve(action["Parameters"]["Attributes"], contact))
        return self._next(action)

    def _do_UpdateContactEventHooks(self, action, contact, heard):
        contact.hooks.update(self.resolve(action["Parameters"]["EventHooks"], contact))
        return self._next(action)

    def _do_UpdateContactTargetQueue(self, action, contact, heard):
        contact.queue = self.resolve(action["Parameters"]["QueueId"], contact)
        return self._next(action)

    def _do_UpdateContactCallbackNumber(self, action, contact, heard):
        number = self.resolve(action["Parameters"]["CallbackNumber"], contact)
        if not number.startswith("+"):
            return self._error(action, "InvalidCallbackNumber")
        contact.callback_number = number
        return self._next(action)

    def _do_CreateCallbackContact(self, action, contact, heard):
        if not contact.callback_number or not contact.queue:
            return self._error(action, "NoMatchingError")
        contact.callback_created = True
        return self._next(action)

    def _do_MessageParticipant(self, action, contact, heard):
        prompt = self._prompt(action["Parameters"], contact)
        if not any(text for _language, text in prompt):
            return self._error(action, "NoMatchingError")  # Connect cannot play an empty prompt
        self._play(prompt, contact, heard)
        return self._next(action)

    def _do_GetParticipantInput(self, action, contact, heard):
        self._play(self._prompt(action["Parameters"], contact), contact, heard)
        if not self.presses:
            return self._error(action, "InputTimeLimitExceeded")
        pressed = self.presses.pop(0)
        heard.append(f"[caller presses {pressed}]")
        return self._branch(action, pressed) or self._error(action, "NoMatchingCondition")

    def _do_ConnectParticipantWithLexBot(self, action, contact, heard):
        self._play(self._prompt(action["Parameters"], contact), contact, heard)
        words, self.words = self.words, None
        if not words:
            contact.lex = {}
            return self._error(action, "InputTimeLimitExceeded")
        heard.append(f"[caller says: {words}]")
        contact.elapsed += 10
        # The describe bot's one intent keeps the whole utterance in its free-form slot.
        contact.lex = {"IntentName": "DescribeProblem", "Slots": {"problem": words}}
        return self._branch(action, "DescribeProblem") or self._error(action, "NoMatchingCondition")

    def _do_Compare(self, action, contact, heard):
        value = self.resolve(action["Parameters"]["ComparisonValue"], contact)
        return self._branch(action, value) or self._error(action, "NoMatchingCondition")

    def _do_CheckHoursOfOperation(self, action, contact, heard):
        arn = self.resolve(action["Parameters"].get("HoursOfOperationId", ""), contact)
        prop = next((p for p in properties.list_properties() if arn and p.connect_hours_arn == arn), None)
        if prop is None:
            return self._error(action, "NoMatchingError")
        return self._branch(action, "True" if is_open(properties.calendar(prop), contact.now()) else "False") \
            or self._error(action, "NoMatchingError")

    def _do_InvokeLambdaFunction(self, action, contact, heard):
        params = action["Parameters"]
        contact.attributes["tenantline_time"] = contact.now().isoformat()
        event = self.flow_event(contact, self.resolve(params.get("LambdaInvocationAttributes", {}), contact))
        started = time.perf_counter()
        response = self.lam.invoke(FunctionName=params["LambdaFunctionARN"], Payload=json.dumps(event).encode())
        took = time.perf_counter() - started
        self.lambda_ms.append(round(took * 1000, 1))
        payload = json.loads(response["Payload"].read() or b"{}")
        limit = float(params.get("InvocationTimeLimitSeconds", "8"))
        if response.get("FunctionError") or took > limit:
            contact.external = {}
            return self._error(action, "NoMatchingError")
        if not isinstance(payload, dict) or not all(isinstance(v, str) for v in payload.values()):
            raise FlowError(f"the Lambda answered {payload!r}: Connect needs a flat map of strings")
        contact.external = payload
        return self._next(action)

    def _do_TransferContactToQueue(self, action, contact, heard):
        if not contact.queue:
            return self._error(action, "NoMatchingError")
        contact.queued_at = contact.now()
        return Outcome("queued", [])

    def _do_DisconnectParticipant(self, action, contact, heard):
        return Outcome("disconnected", [])

    def _do_EndFlowExecution(self, action, contact, heard):
        return Outcome("ended", [])

    def _do_MessageParticipantIteratively(self, action, contact, heard):
        first = action["Parameters"]["Messages"][0]
        self._play(self._prompt(first, contact), contact, heard)
        return Outcome("holding", [])

    # --- what Connect sends ---

    def flow_event(self, contact: SimulatedCall, parameters: dict) -> dict:
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

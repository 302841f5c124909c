"""Walking any flow written in Connect's flow language, the way Connect runs it, for the twin and for
`manage.py connect walk`.

The walker keeps a contact's state (attributes, flow attributes, $.External, stored input, Lex result,
queue, agent, tags, voice and language), plays prompts, takes the caller's key presses and words, and
follows transitions. Behaviour follows AWS's flow-language reference (connect_flows/flow_language.json has
a link per action). Where a real Connect depends on something the walker cannot know, it says what it
assumes: hours without an id are the working queue's (open unless told), a foreign Lambda answers with
the canned attributes given, metric checks see an empty queue, percentage splits take the first share,
a Lex bot matches an intent named in the caller's words. An action type, operator or reference it does
not know is never skipped: the walk stops there and names it.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

SECONDS_PER_PROMPT = 6  # how long the caller spends on each prompt, for the simulated clock
MAX_STEPS = 500
CALLER_GIVES_UP = 3  # unanswered prompts in a row before a walked caller hangs up, as real callers do
DEFAULT_VOICE = "Joanna"  # Connect's voice until a flow sets one
VOICE_LANGUAGE = {"Joanna": "en-US", "Matthew": "en-US", "Ruth": "en-US", "Danielle": "en-US", "Kendra": "en-US",
                  "Salli": "en-US", "Ivy": "en-US", "Kimberly": "en-US", "Justin": "en-US", "Joey": "en-US",
                  "Stephen": "en-US", "Gregory": "en-US", "Amy": "en-GB", "Brian": "en-GB", "Emma": "en-GB",
                  "Lupe": "es-US", "Pedro": "es-US", "Penelope": "es-US", "Miguel": "es-US", "Mia": "es-MX",
                  "Andres": "es-MX", "Lucia": "es-ES", "Sergio": "es-ES", "Conchita": "es-ES", "Enrique": "es-ES"}
SSML_PARTS = re.compile(r'<lang xml:lang="([A-Za-z-]+)">(.*?)</lang>|((?:(?!<lang ).)+)', re.S)
SSML_TAG = re.compile(r"<[^>]+>")
REFERENCE = re.compile(r"\$\.[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z0-9_-]+|\['[^']+'\]|\[\"[^\"]+\"\])*")
TRUE = ("true", "True", True)


class FlowError(RuntimeError):
    """The flow cannot run as written (a missing branch, a bad Lambda answer)."""


class Unsupported(FlowError):
    """Something Connect runs that the walker does not: an action type, an operator or a reference."""

    def __init__(self, what: str, where: str):
        super().__init__(f"{where}: the walker does not support {what}")
        self.what = what


@dataclass
class SimulatedCall:
    caller: str
    dialled: str
    started: datetime
    contact_id: str = ""
    attributes: dict = field(default_factory=dict)
    flow_attributes: dict = field(default_factory=dict)
    external: dict = field(default_factory=dict)
    lex: dict = field(default_factory=dict)
    stored_input: str = ""
    tags: dict = field(default_factory=dict)
    language_code: str = "en-US"
    voice: str | None = None
    queue: str | None = None
    agent: str | None = None
    priority: int | None = None
    hooks: dict = field(default_factory=dict)
    callback_number: str | None = None
    callback_created: bool = False
    queued_at: datetime | None = None
    loops: dict = field(default_factory=dict)  # Loop action id -> times looped
    metrics: dict = field(default_factory=dict)  # what GetMetricData read
    view_action: str | None = None  # the agent's last choice on a ShowView screen
    elapsed: int = 0  # simulated seconds since the call started
    spoken: list = field(default_factory=list)  # {"to", "voice", "language", "text"} per prompt part played

    def now(self) -> datetime:
        return self.started + timedelta(seconds=self.elapsed)


@dataclass
class Outcome:
    """How a walk ended. how: disconnected, queued, holding (the queue loop), ended, flow (to a flow
    outside the walk), agent, third_party; route says where to."""
    how: str
    path: list[str]
    route: dict = field(default_factory=dict)
    ended_by: str = ""


class FlowWalker:
    """The generic engine; subclasses give it flows, Lambdas, hours and Lex (twin.connect.Connect)."""

    def __init__(self, flows: dict[str, dict], presses: list[str] | None = None, words: str | None = None,
                 answers: dict | None = None, third_party: str = "answer", interrupts: int = 1):
        self.flows = flows
        self.presses = [str(p) for p in presses or []]
        self.silences = 0  # prompts in a row the caller did not answer: at CALLER_GIVES_UP, they hang up
        self.words = words
        self.answers = answers or {}  # a foreign Lambda's canned answer
        # Who picks up an outside call: "answer" (the first one called), "none", "voicemail" (every call
        # connects, to a machine), or a person's id or name (only they answer).
        self.third_party = third_party
        self.tried: list[dict] = []  # each outside call: {"person", "result"}
        self.interrupts = interrupts  # how often a queue loop's interrupt fires before the caller holds
        self.heard: list[str] = []
        self.agent_heard: list[str] = []

    # --- the parts a deployment decides (overridden by the twin's Connect) ---

    def find_flow(self, reference: str) -> str | None:
        """The walked flow a ContactFlowId / FlowModuleId refers to: by name, file stem or ARN id."""
        reference = str(reference or "")
        tail = reference.rsplit("/", 1)[-1]
        for stem, flow in self.flows.items():
            names = {stem, str((flow.get("Metadata") or {}).get("name") or "")}
            if reference in names or tail in names:
                return stem
        return None

    def invoke(self, arn: str, event: dict, limit: float) -> tuple[object, bool]:
        """(the Lambda's answer, whether it failed or took longer than `limit` seconds): a foreign Lambda
        answers with the canned attributes."""
        return dict(self.answers), False

    def hours_open(self, arn: str, contact: SimulatedCall) -> bool | None:
        """Whether the hours are open now; None: unknown hours (the error branch)."""
        return str(self.answers.get("hours_open", "true")).lower() != "false"

    def lex_intent(self, action: dict, words: str) -> tuple[str, dict]:
        """The intent a bot recognises and its slots: one whose name is in the caller's words, else Fallback."""
        said = re.sub(r"[^a-z0-9]", "", words.lower())
        for condition in (action.get("Transitions") or {}).get("Conditions", []):
            for intent in condition["Condition"]["Operands"]:
                if re.sub(r"[^a-z0-9]", "", intent.lower()) in said:
                    return intent, {}
        return "FallbackIntent", {}

    # --- walking ---

    def run(self, stem: str, contact: SimulatedCall, heard: list[str]) -> Outcome:
        stack: list[tuple[str, str | None]] = []  # modules being run: (caller flow, where to go after)
        flow = self.flows[stem]
        actions = {a["Identifier"]: a for a in flow["Actions"]}
        current, path, first = flow["StartAction"], [], stem
        for _ in range(MAX_STEPS):
            if current not in actions:
                raise FlowError(f"{stem}: no action {current!r}")
            action = actions[current]
            path.append(current if stem == first else f"{stem}:{current}")
            step = getattr(self, f"_do_{action['Type']}", None)
            if step is None:
                raise Unsupported(f"action type {action['Type']}", f"{stem}.{current}")
            result = step(action, contact, heard)
            if isinstance(result, tuple):  # ("flow", stem) continues in another flow; ("module", ...) and back
                kind, target = result[0], result[1]
                if kind == "module":
                    stack.append((stem, result[2]))
                elif kind == "return":
                    if not stack:
                        return Outcome("ended", path, {}, f"{stem}.{current} ({action['Type']})")
                    target, after = stack.pop()
                    stem, flow = target, self.flows[target]
                    actions, current = {a["Identifier"]: a for a in flow["Actions"]}, after
                    continue
                stem, flow = target, self.flows[target]
                actions, current = {a["Identifier"]: a for a in flow["Actions"]}, flow["StartAction"]
                continue
            if isinstance(result, Outcome):
                result.path, result.ended_by = path, f"{stem}.{current} ({action['Type']})"
                return result
            current = result
        raise FlowError(f"{stem}: more than {MAX_STEPS} steps (a loop with no way out?)")

    # --- values ---

    def roots(self, contact: SimulatedCall) -> dict:
        queue = {"ARN": contact.queue, "Name": (contact.queue or "").rsplit("/", 1)[-1].title() or None} \
            if contact.queue else {}
        return {"Attributes": contact.attributes, "FlowAttributes": contact.flow_attributes,
                "External": contact.external, "Lex": contact.lex, "StoredCustomerInput": contact.stored_input,
                "CustomerEndpoint": {"Address": contact.caller, "Type": "TELEPHONE_NUMBER"},
                "SystemEndpoint": {"Address": contact.dialled, "Type": "TELEPHONE_NUMBER"},
                "ContactId": contact.contact_id, "InitialContactId": contact.contact_id, "Channel": "VOICE",
                "LanguageCode": contact.language_code, "Queue": queue, "Tags": contact.tags,
                "CustomerCallbackNumber": contact.callback_number or contact.caller,
                "TextToSpeechVoice": contact.voice or DEFAULT_VOICE, "InstanceARN": "", "AwsRegion": "us-east-1",
                "Name": "", "Description": "", "InitiationMethod": "INBOUND", "MediaStreams": {},
                "Agent": {"ARN": contact.agent, "UserName": (contact.agent or "").rsplit("/", 1)[-1] or None},
                "Metrics": dict(contact.metrics), "Customer": {}, "Case": {}, "Task": {},
                "Views": {"Action": contact.view_action, "ViewResultData": {"actionName": contact.view_action}}}

    def lookup(self, reference: str, contact: SimulatedCall, where: str = "flow"):
        parts = re.findall(r"\.([A-Za-z0-9_-]+)|\['([^']+)'\]|\[\"([^\"]+)\"\]", reference[1:])
        keys = [a or b or c for a, b, c in parts]
        roots = self.roots(contact)
        if not keys or keys[0] not in roots:
            raise Unsupported(f"reference {reference}", where)
        found = roots[keys[0]]
        for key in keys[1:]:
            found = found.get(key) if isinstance(found, dict) else None
        return found

    def resolve(self, value, contact: SimulatedCall, where: str = "flow"):
        """A parameter's value: references replaced, whole or inside text (Connect interpolates both)."""
        if isinstance(value, dict):
            return {k: self.resolve(v, contact, where) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve(v, contact, where) for v in value]
        if not isinstance(value, str) or "$." not in value:
            return value

        def text(m: re.Match) -> str:
            found = self.lookup(m.group(0), contact, where)
            return "" if found is None else found if isinstance(found, str) else json.dumps(found)
        return REFERENCE.sub(text, value)

    @staticmethod
    def _holds(operator: str, value: str, operands: list[str]) -> bool:
        def number(x):
            try:
                return float(x)
            except (TypeError, ValueError):
                return None
        text = "" if value is None else str(value)
        tests = {
            "Equals": lambda o: text == o,
            "TextStartsWith": lambda o: text.startswith(o), "TextEndsWith": lambda o: text.endswith(o),
            "TextContains": lambda o: o in text,
            "NumberGreaterThan": lambda o: None not in (number(text), number(o)) and number(text) > number(o),
            "NumberGreaterOrEqualTo": lambda o: None not in (number(text), number(o)) and number(text) >= number(o),
            "NumberLessThan": lambda o: None not in (number(text), number(o)) and number(text) < number(o),
            "NumberLessOrEqualTo": lambda o: None not in (number(text), number(o)) and number(text) <= number(o),
        }
        if operator not in tests:
            raise Unsupported(f"operator {operator}", "condition")
        return any(tests[operator](str(o)) for o in operands)

    def _branch(self, action: dict, value) -> str | None:
        for condition in (action.get("Transitions") or {}).get("Conditions", []):
            rule = condition["Condition"]
            if self._holds(rule["Operator"], value, rule.get("Operands", [])):
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

    def _no_match(self, action: dict) -> str:
        """No condition held: the NoMatchingCondition branch, else NextAction (as Connect falls through)."""
        transitions = action.get("Transitions") or {}
        errors = {e["ErrorType"]: e["NextAction"] for e in transitions.get("Errors", [])}
        return errors.get("NoMatchingCondition") or self._next(action)

    # --- prompts ---

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

    def _prompt(self, params: dict, contact: SimulatedCall, where: str = "flow") -> list[tuple[str | None, str]]:
        """A prompt's parts as (language or None, words): Text, SSML (tags dropped, <lang> spans kept apart),
        a stored prompt or a media file (played as themselves); [] when there is nothing to play."""
        if params.get("Text"):
            return [(None, self.resolve(params["Text"], contact, where))]
        if params.get("SSML"):
            ssml = self.resolve(params["SSML"], contact, where)
            parts = []
            for m in SSML_PARTS.finditer(ssml):
                language, words = (m.group(1), m.group(2)) if m.group(2) is not None else (None, m.group(3))
                words = " ".join(SSML_TAG.sub(" ", words).split())
                if words:
                    parts.append((language, words))
            return parts
        if params.get("PromptId"):
            return [(None, f"[stored prompt {self.resolve(params['PromptId'], contact, where)}]")]
        if params.get("Media"):
            media = params["Media"]
            return [(None, f"[media {media.get('Uri') if isinstance(media, dict) else media}]")]
        return []

    # --- contact and flow data ---

    def _do_UpdateFlowLoggingBehavior(self, action, contact, heard):
        return self._next(action)

    def _do_UpdateContactRecordingBehavior(self, action, contact, heard):
        return self._next(action)

    def _do_UpdateContactRecordingAndAnalyticsBehavior(self, action, contact, heard):
        return self._next(action)

    def _do_UpdateContactTextToSpeechVoice(self, action, contact, heard):
        contact.voice = self.resolve(action["Parameters"].get("TextToSpeechVoice"), contact) or contact.voice
        return self._next(action)

    def _do_UpdateContactData(self, action, contact, heard):
        contact.language_code = self.resolve(action["Parameters"].get("LanguageCode"), contact) or contact.language_code
        return self._next(action)

    def _do_UpdateContactAttributes(self, action, contact, heard):
        contact.attributes.update(self.resolve(action["Parameters"].get("Attributes") or {}, contact))
        return self._next(action)

    def _do_UpdateFlowAttributes(self, action, contact, heard):
        for name, spec in (action["Parameters"].get("FlowAttributes") or {}).items():
            contact.flow_attributes[name] = self.resolve(spec.get("Value") if isinstance(spec, dict) else spec, contact)
        return self._next(action)

    def _do_TagContact(self, action, contact, heard):
        contact.tags.update(self.resolve(action["Parameters"].get("Tags") or {}, contact))
        return self._next(action)

    def _do_UnTagContact(self, action, contact, heard):
        for key in action["Parameters"].get("TagKeys") or []:
            contact.tags.pop(key, None)
        return self._next(action)

    def _do_UpdateContactEventHooks(self, action, contact, heard):
        contact.hooks.update(self.resolve(action["Parameters"].get("EventHooks") or {}, contact))
        return self._next(action)

    def _do_UpdateContactTargetQueue(self, action, contact, heard):
        params = action["Parameters"]
        if params.get("AgentId"):  # the agent's own queue
            contact.agent = self.resolve(params["AgentId"], contact)
            contact.queue = f"agent-queue/{contact.agent.rsplit('/', 1)[-1]}"
        else:
            contact.queue = self.resolve(params.get("QueueId"), contact) or contact.queue
        return self._next(action) if contact.queue else self._error(action, "NoMatchingError")

    def _do_UpdateContactRoutingBehavior(self, action, contact, heard):
        priority = action["Parameters"].get("QueuePriority")
        if priority is not None:
            contact.priority = int(self.resolve(priority, contact))
        return self._next(action)

    def _do_UpdateContactCallbackNumber(self, action, contact, heard):
        number = str(self.resolve(action["Parameters"].get("CallbackNumber", ""), contact))
        if not number.startswith("+"):
            return self._error(action, "InvalidCallbackNumber")
        contact.callback_number = number
        return self._next(action)

    def _do_CreateCallbackContact(self, action, contact, heard):
        if not contact.callback_number and not contact.caller:
            return self._error(action, "NoMatchingError")
        contact.callback_created = True
        return self._next(action)

    # --- talking with the caller ---

    def _do_MessageParticipant(self, action, contact, heard):
        where = action["Identifier"]
        prompt = self._prompt(action["Parameters"], contact, where)
        if not any(text for _language, text in prompt):  # nothing to play: the error branch when there is one
            errors = (action.get("Transitions") or {}).get("Errors") or []
            return self._error(action, "NoMatchingError") if errors else self._next(action)
        self._play(prompt, contact, heard)
        return self._next(action)

    def _do_GetParticipantInput(self, action, contact, heard):
        params = action["Parameters"]
        self._play(self._prompt(params, contact, action["Identifier"]), contact, heard)
        if not self.presses:
            self.silences += 1
            if self.silences >= CALLER_GIVES_UP:
                return Outcome("caller_hung_up", [], {"disconnect": "caller"})
            return self._error(action, "InputTimeLimitExceeded")
        self.silences = 0
        pressed = self.presses.pop(0)
        heard.append(f"[caller presses {pressed}]")
        if params.get("StoreInput") in TRUE:  # the digits go to $.StoredCustomerInput; no branching
            contact.stored_input = pressed
            return self._next(action)
        return self._branch(action, pressed) or self._error(action, "NoMatchingCondition")

    def _do_ConnectParticipantWithLexBot(self, action, contact, heard):
        self._play(self._prompt(action["Parameters"], contact, action["Identifier"]), contact, heard)
        words, self.words = self.words, None
        if not words:
            contact.lex = {}
            return self._error(action, "InputTimeLimitExceeded")
        heard.append(f"[caller says: {words}]")
        contact.elapsed += 10
        intent, slots = self.lex_intent(action, words)
        contact.lex = {"IntentName": intent, "Slots": slots}
        return self._branch(action, intent) or self._error(action, "NoMatchingCondition")

    def _do_MessageParticipantIteratively(self, action, contact, heard):
        params = action["Parameters"]
        for message in params.get("Messages") or []:
            self._play(self._prompt(message, contact, action["Identifier"]), contact, heard)
        interrupt = self._branch(action, "MessagesInterrupted") if params.get("InterruptFrequencySeconds") else None
        if interrupt and self.interrupts > 0:  # the interval passed while the caller waited
            self.interrupts -= 1
            contact.elapsed += int(params["InterruptFrequencySeconds"])
            return interrupt
        return Outcome("holding", [], {"queue": contact.queue})

    def _do_Wait(self, action, contact, heard):
        params = action["Parameters"]
        contact.elapsed += int(self.resolve(params.get("TimeLimitSeconds") or params.get("TimeoutSeconds"), contact) or 0)
        return self._branch(action, "WaitCompleted") or self._next(action)

    # --- decisions ---

    def _do_Compare(self, action, contact, heard):
        value = self.resolve(action["Parameters"].get("ComparisonValue"), contact, action["Identifier"])
        return self._branch(action, value) or self._no_match(action)

    def _do_CheckHoursOfOperation(self, action, contact, heard):
        arn = self.resolve(action["Parameters"].get("HoursOfOperationId", ""), contact)
        is_open = self.hours_open(arn, contact)  # no id: the working queue's hours
        if is_open is None:
            return self._error(action, "NoMatchingError")
        return self._branch(action, "True" if is_open else "False") or self._error(action, "NoMatchingError")

    def _do_CheckMetricData(self, action, contact, heard):
        # No live queue here: an empty queue, nobody waiting, agents as staffed by the canned answers.
        metrics = {"NumberOfContactsInQueue": "0", "OldestContactInQueueAgeSeconds": "0",
                   "NumberOfAgentsAvailable": str(self.answers.get("agents_available", "1")),
                   "NumberOfAgentsStaffed": str(self.answers.get("agents_staffed", "1")),
                   "NumberOfAgentsOnline": str(self.answers.get("agents_online", "1"))}
        metric = action["Parameters"].get("MetricType", "NumberOfContactsInQueue")
        return self._branch(action, metrics.get(metric, "0")) or self._no_match(action)

    def _do_DistributeByPercentage(self, action, contact, heard):
        # Connect draws 1-100 at random; the walker takes the first share, so a walk is repeatable.
        return self._branch(action, "1") or self._no_match(action)

    def _do_Loop(self, action, contact, heard):
        ident = action["Identifier"]
        count = int(self.resolve(action["Parameters"].get("LoopCount", "1"), contact) or 0)
        done = contact.loops.get(ident, 0)
        if done < count:
            contact.loops[ident] = done + 1
            return self._branch(action, "ContinueLooping") or self._next(action)
        contact.loops.pop(ident, None)
        return self._branch(action, "DoneLooping") or self._next(action)

    # --- Lambdas ---

    def _do_InvokeLambdaFunction(self, action, contact, heard):
        params = action["Parameters"]
        event = self.flow_event(contact, self.resolve(params.get("LambdaInvocationAttributes") or {}, contact))
        answer, failed = self.invoke(params.get("LambdaFunctionARN", ""), event,
                                     float(params.get("InvocationTimeLimitSeconds", "8")))
        if failed:
            contact.external = {}
            return self._error(action, "NoMatchingError")
        kind = (params.get("ResponseValidation") or {}).get("ResponseType", "STRING_MAP")
        if kind == "STRING_MAP" and (not isinstance(answer, dict) or
                                     not all(isinstance(v, str) for v in answer.values())):
            raise FlowError(f"the Lambda answered {answer!r}: a STRING_MAP response needs a flat map of strings")
        if kind == "JSON" and not isinstance(answer, dict):
            raise FlowError(f"the Lambda answered {answer!r}: a JSON response must be an object")
        contact.external = answer
        return self._next(action)

    def flow_event(self, contact: SimulatedCall, parameters: dict) -> dict:
        return {"Name": "ContactFlowEvent", "Details": {"ContactData": {
            "Attributes": dict(contact.attributes), "Channel": "VOICE", "ContactId": contact.contact_id,
            "CustomerEndpoint": {"Address": contact.caller, "Type": "TELEPHONE_NUMBER"},
            "SystemEndpoint": {"Address": contact.dialled, "Type": "TELEPHONE_NUMBER"},
            "LanguageCode": contact.language_code}, "Parameters": parameters}}

    # --- endings and transfers ---

    def _do_TransferContactToQueue(self, action, contact, heard):
        if not contact.queue:
            return self._error(action, "NoMatchingError")
        contact.queued_at = contact.now()
        if contact.priority is not None:
            heard.append(f"[queued at priority {contact.priority}, ahead of contacts with a higher number]")
        return Outcome("queued", [], {"queue": contact.queue, "priority": contact.priority})

    def _do_DequeueContactAndTransferToQueue(self, action, contact, heard):
        contact.queue = self.resolve(action["Parameters"].get("QueueId"), contact) or contact.queue
        return self._do_TransferContactToQueue(action, contact, heard)

    def _do_TransferContactToAgent(self, action, contact, heard):
        return Outcome("agent", [], {"agent": contact.agent})

    def _do_TransferToFlow(self, action, contact, heard):
        target = self.resolve(action["Parameters"].get("ContactFlowId", ""), contact)
        stem = self.find_flow(target)
        return ("flow", stem) if stem else Outcome("flow", [], {"flow": target})

    def _do_InvokeFlowModule(self, action, contact, heard):
        target = self.resolve(action["Parameters"].get("FlowModuleId", ""), contact)
        stem = self.find_flow(target)
        return ("module", stem, self._next(action)) if stem else self._error(action, "NoMatchingError")

    def _do_EndFlowModuleExecution(self, action, contact, heard):
        return ("return", None)  # a module walked on its own just ends (see run)

    # --- blocks about screens, profiles, cases and streaming: no such services on the twin ---

    def _carry_on(self, action, contact, heard):
        """Media streaming, Voice ID, routing criteria, tasks and cases change nothing the walk can hear."""
        return self._next(action)

    _do_UpdateContactMediaStreamingBehavior = _do_UpdateContactMediaProcessing = _carry_on
    _do_StartVoiceIdStream = _do_UpdateContactRoutingCriteria = _do_UpdatePreviousContactParticipantState = _carry_on
    _do_CreateTask = _do_CreateCase = _do_UpdateCase = _do_CreateCustomerProfile = _carry_on

    def _not_found(self, action, contact, heard):
        """No customer profile, case or Voice ID enrolment exists on the twin: the not-found branch."""
        transitions = action.get("Transitions") or {}
        errors = {e["ErrorType"]: e["NextAction"] for e in transitions.get("Errors", [])}
        for kind in ("NoneFoundError", "MultipleFoundError", "NoMatchingCondition", "NoMatchingError"):
            if kind in errors:
                return errors[kind]
        return self._next(action)

    _do_GetCustomerProfile = _do_GetCase = _do_CheckVoiceId = _not_found

    def _do_GetMetricData(self, action, contact, heard):
        contact.metrics.update({"ContactsInQueue": "0", "OldestContactAge": "0", "AgentsAvailable": "1",
                                "AgentsOnline": "1", "AgentsStaffed": "1"})
        return self._next(action)

    def _do_ShowView(self, action, contact, heard):
        """An agent workspace screen: the agent takes the first action it offers (or ViewAction given)."""
        conditions = (action.get("Transitions") or {}).get("Conditions", [])
        visits = contact.loops[action["Identifier"]] = contact.loops.get(action["Identifier"], 0) + 1
        offered = [o for c in conditions for o in c["Condition"]["Operands"]]
        # the agent goes through the screen's choices in turn, so a screen that loops back is left eventually
        choice = self.answers.get("view_action") or (offered[(visits - 1) % len(offered)] if offered else "")
        contact.view_action = choice
        return self._branch(action, choice) or self._no_match(action)

    def _picks_up(self, who: str) -> bool:
        mode = self.third_party
        if mode in ("none", "voicemail"):
            return mode == "voicemail"
        if mode == "answer":
            return not self.tried
        return mode.lower() in who.lower()

    def _do_TransferParticipantToThirdParty(self, action, contact, heard):
        params = action["Parameters"]
        number = self.resolve(params.get("ThirdPartyPhoneNumber", ""), contact)
        who = contact.attributes.get("calling") or number  # a flow may say whom the number reaches
        ring = params.get("ThirdPartyConnectionTimeLimitSeconds") or params.get("ThirdPartyConnectionTimeoutSeconds")
        picked_up = self._picks_up(who)
        self.tried.append({"person": who, "result": "voicemail" if picked_up and self.third_party == "voicemail"
                           else "connected" if picked_up else "no_answer"})
        if not picked_up:
            contact.elapsed += int(self.resolve(ring, contact) or 30)
            return self._error(action, "ConnectionTimeLimitExceeded")
        contact.elapsed += 8  # a few rings
        heard.append(f"[connected to {who}]")
        if params.get("ContinueFlowExecution") in TRUE:  # the flow goes on once the outside call ends
            return self._next(action)
        return Outcome("third_party", [], {"third_party": number})

    def _do_DisconnectParticipant(self, action, contact, heard):
        return Outcome("disconnected", [], {"disconnect": True})

    def _do_EndFlowExecution(self, action, contact, heard):
        return Outcome("ended", [], {})

"""Triage of resident text, English and Spanish: category, urgency, where to refer, language, and
the rules that fired. Pure: no AWS, no clock.

The rules follow what answering services use for apartment maintenance. Emergency recall matters
more than precision, so a problem is only discounted when its own clause clearly says it is
negated ("no leak", "ya no huele a gas") or over ("last month there was a flood").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from chalicelib.rules import asking, classifier
from chalicelib.rules.wording import fold, normalize

URGENCY_RANK = {"emergency": 0, "urgent": 1, "routine": 2}
CATEGORIES = ("maintenance", "leasing", "billing", "complaint", "message", "general")


@dataclass(frozen=True)
class Triage:
    category: str
    urgency: str
    refer: str
    language: str
    reasons: list[str] = field(default_factory=list)
    person: str | None = None
    confidence: float = 1.0  # how sure triage is of `urgency`, 0-1
    ask: str | None = None  # the safety question to ask before deciding, in the resident's language
    settled: bool = False  # the policy's own thresholds decided the urgency (a stated temperature)

    def as_dict(self) -> dict:
        return {"category": self.category, "urgency": self.urgency, "refer": self.refer,
                "language": self.language, "reasons": list(self.reasons), "confidence": round(self.confidence, 3),
                "ask": self.ask}


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern
    urgency: str
    refer: str = "none"
    category: str = "maintenance"
    # Negation/past markers do not cancel rules that are themselves a statement of absence.
    cancellable: bool = True
    # Words right before the match that make it about something else ("the oven door won't close").
    not_after: str | None = None


class _Lazy:
    """A regular expression compiled on first use. The lexicon is ~70 ms of compiling, which every cold start
    would pay, including the functions that never triage (acknowledgement links, Connect's lookups)."""

    __slots__ = ("_source", "_compiled")

    def __init__(self, source: str):
        self._source, self._compiled = source, None

    def __getattr__(self, name: str):
        if self._compiled is None:
            self._compiled = re.compile(self._source)
        return getattr(self._compiled, name)


def _rx(*alternatives: str) -> re.Pattern:
    return _Lazy("|".join(f"(?:{a})" for a in alternatives))  # type: ignore[return-value]


# Rules are matched against accent-free lower-case text (see normalize()).
EMERGENCY_RULES = [
    Rule("gas smell or leak", _rx(
        r"\bsmell(s|ed|ing)?( (of|like))? (natural )?gas\b", r"\bgas (smell|odou?r|leak)", r"\bleak(ing)? gas\b",
        r"\bgas (is )?leaking\b", r"\bgas smells\b", r"\bsmell\w*\b[^.;!?]{0,25}\bgas\b(?! (bill|station|company|prices?))", r"\bgas fumes\b",
        r"\bolor\b[^.;!?]{0,20}\bgas\b", r"\bhuele\b[^.;!?]{0,15}\bgas\b", r"\bsmells? gassy\b", r"\b(olor|oler) a gas\b", r"\bhuele a gas\b",
        r"\bgas (line|pipe|valve|connection|hose)s? (is )?leak\w*", r"\bleak\w* gas (line|pipe)\b",
        r"\b(fuga|escape) de gas\b", r"\bgas (se esta )?(saliendo|escapando)\b", r"\bpropane (smell|leak)"),
        "emergency", "emergency_services"),
    Rule("carbon monoxide", _rx(r"\bcarbon monoxide\b", r"\bco (alarm|detector|monitor)\b", r"\bmonoxido\b",
                                r"\b(detector|alarma|sensor) de (carbono|co)\b"),
         "emergency", "emergency_services"),
    Rule("fire", _rx(
        r"\b(is|was|caught|on|a|there'?s a|kitchen|grease|electrical) fire\b(?! (alarm|extinguisher|drill|escape|inspection|pit|place|department said))",
        r"\bfire (in|inside|on|at|coming)\b", r"\bflames?\b", r"\bsomething (is )?burning\b",
        r"\bincendio\b", r"\bfuego\b", r"\bllamas\b", r"\bse esta quemando\b", r"\bhay candela\b", r"\bse prendio (el aceite|la sarten|la grasa)\b",
        r"\b(fire|smoke) alarms? (is |are |keeps? )?(going off|sounding|ringing|blaring)\b",
        r"\balarma de (incendio|humo) (esta )?(sonando|suena)\b"),
        "emergency", "emergency_services"),
    Rule("smoke", _rx(
        r"\bsmoke (is )?(coming|pouring|filling|everywhere|in (the|my|our)|from|under)\b", r"\bsmell(s|ing)? (of )?smoke\b",
        r"\bfull of smoke\b", r"\bsmoky\b",
        r"\b(dryer|stove|oven|outlet|microwave|heater|furnace|panel|fridge|washer|fan|motor|toaster)\b[^.;!?]{0,15}\b(is )?(smoking|making smoke)\b", r"(?<!detector de )(?<!detectores de )(?<!alarma de )\bhumo\b(?! de cigarr)"),
        "emergency", "emergency_services"),
    Rule("sparking or burning electrics", _rx(
        r"\bspark(s|ing|ed)?\b", r"\barcing\b", r"\b(outlet|socket|panel|breaker|wires?|wiring|switch)( is| are)? (smoking|melt(ed|ing)|burning|scorched|hot to the touch)\b",
        r"\bburning (smell|plastic|wires?)\b", r"\b(switch|outlet) (plate|cover) (is |feels )?(hot|melt\w*|scorched)\b", r"\bsmells? (like )?(burning|burnt)\b", r"\bchispa(s|zos)?\b", r"\bchispea\b",
        r"\bolor a quemado\b", r"\bhuele a quemado\b", r"\bcables? quemados?\b", r"\bchisporrote\w*\b",
        r"\b(contacto|enchufe|tomacorriente|toma de corriente)\b[^.;!?]{0,45}\b(derriti\w*|quemad[oa]|negro|echando chispas)\b",
        r"\b(outlet|socket|plug)\b[^.;!?]{0,25}\b(melted|scorched|black(ened)?|charred)\b"),
        "emergency", "emergency_services"),
    Rule("active water leak or flood", _rx(
        r"\bwater (is |keeps )?(pouring|gushing|flooding|spraying|streaming|rushing|coming (in|through|down|out|from|into|up)|everywhere|all over|dripping (from|through) the ceiling|leaking (from|through) the ceiling)",
        r"\bflood(ed|ing|s)?\b", r"\bwater (is )?(shooting|spurting|squirting|bursting)",
        r"\bpipe\b[^.;!?]{0,30}\b(broke|burst|split|busted|exploded)\b",
        r"\b(leak\w*|water)\b[^.;!?]{0,20}\ball over (the|my|our) (floor|place|apartment|unit|kitchen|bathroom|carpet)",
        r"\bleak\w*\b[^.;!?]{0,40}\b(badly|heavily|a lot|won'?t stop|will not stop|can'?t stop|getting worse|everywhere|electrical|outlets?|light fixture)\b",
        r"\b(major|huge|big|bad|massive|serious) (water )?leak\b", r"\bgran fuga\b", r"\bmucha agua\b",
        r"\b(fuga|gotera|gotea\w*|chorrea\w*)\b[^.;!?]{0,40}\b(grande|fuerte|no para|por todos lados|del techo|mucho)\b", r"\b(burst|broken|busted|bursting) (water )?(pipe|line|main)\b", r"\bpipes? (burst|broke|exploded|split|busted)\b",
        r"\b(ceiling|light fixture|roof) (is )?(leaking|dripping|pouring)", r"\bleak(ing|s)? (through|from|into) (the|my|our)( \w+)? (ceiling|light|roof|unit above|upstairs|walls?)",
        r"\bwater (is )?(going|spreading|running|leaking) (into|under|down|through) the (hallway|hall|walls?|unit|apartment|ceiling|floor)",
        r"\binches of water\b", r"\bstanding water\b",
        r"\bwater (is )?running down (the|my) (\w+ )?(wall|walls|ceiling|stairs)\b",
        r"\b(overflow\w*|desbord\w*)\b[^.;!?]{0,40}\b(still going|still running|right now|no para|ahorita|sigue|won'?t stop|can'?t stop)\b", r"\braining (through|from|down|into)\b",
        r"\b(pipe|line|hose|valve|supply line)s? (is |just )?(spraying|gushing|shooting|spurting|pouring|burst|snapped)\b",
        r"\b(water|leak\w*)\b[^.;!?]{0,60}\bspreading\b",
        r"\b(water|agua|leak\w*|drip\w*|gotea\w*)\b[^.;!?,]{0,30}\b(light fixtures?|ceiling light|foco|lampara|exhaust fan|extractor)\b",
        r"\b(light fixture|lampara|foco)\b[^.;!?]{0,20}\b(dripping|leaking|gotea\w*|water|agua)\b",
        r"\bagua (esta )?(saliendo|cayendo|entrando|chorreando)\b", r"\b(sigue|esta) (saliendo|cayendo|entrando) agua\b",
        r"\b(water|agua)\b[^.;!?]{0,40}\b(reached|llego a|got to|soaking|soaked|mojando|mojo) (the |la |el |my |mi )?(carpet|alfombra|hallway|pasillo|rug|tapete)\b",
        r"\b(tubo|tuberia|caneria|pipa|manguera)\b[^.;!?]{0,30}\b(exploto|revento|estallo|se rompio)\b", r"\bwater heater (burst|exploded|is pouring|flooding)",
        r"\b(toilet|tub|sink|washer|washing machine) (is |keeps )?overflow\w*\b.{0,20}\b(won'?t|will not|can'?t|doesn'?t) stop",
        r"\bagua (por todas partes|por todos lados|cayendo|saliendo|entrando|chorreando|en todo el piso)\b",
        r"\b(cae|sale|entra|gotea|chorrea) (mucha )?agua\b(?! (tibia|fria|caliente|sucia|cafe|turbia))", r"\binunda(cion|do|da|ndo|ndose)\b", r"\bse (esta )?inund",
        r"\b(tubo|tuberia|caneria|pipa) (rota|roto|se rompio|revento|reventada|estallo)\b",
        r"\b(techo|plafon) (esta )?(goteando|chorreando|cayendo agua)\b", r"\bgotea (mucho )?(del|el) techo\b"),
        "emergency"),
    Rule("sewage backup", _rx(
        r"\bsewage\b", r"\bsewer (is )?back(ing|ed)? up\b", r"\b(sewer|drain)s? backing up\b", r"\bbacking up (into|in) (the|my)",
        r"\baguas negras\b", r"\b(drenaje|desague) (se )?(regreso|desborda|esta saliendo|esta regresando)\b"),
        "emergency", not_after=r"\b(smells?|smelling|smell of|smells like|smell like|odou?r of|olor a|huele a)( like)?"),
    Rule("no water at all", _rx(
        r"\bno (running )?water\b(?! (pressure|bill|heater|damage|stain|leak|spot|in the (pool|fountain)))(?!,? (nothing|no leak|no damage|just|anymore|any more|anywhere|on the floor))(?!.{0,15}\bhot\b)",
        r"\bwater (is |has been |got )?(shut|turned|cut) off\b", r"\b(don'?t|do not|doesn'?t) have (any )?(running )?water\b(?! (pressure|heater))",
        r"\bnot getting (any )?water\b", r"\b(shut|turned|cut) off (the |all )?water\b(?! (heater|bill))",
        r"\bse (fue|corto|quito) el agua\b(?! caliente)", r"\bno (hay|tengo|tenemos) ni (una gota de )?agua\b", r"\bno hay agua\b(?! caliente)", r"\bsin agua\b(?! caliente)",
        r"\bno (tenemos|tengo) agua\b(?! caliente)", r"(?<!ya )\bno sale agua\b(?! caliente)", r"\bcortaron el agua\b",
        r"\bno (hay|tengo|tenemos|tiene|tienen|sale) nada de agua\b",
        r"\bnot a drop of water\b", r"\bni una gota de agua\b", r"\b(lost|losing|have no|without) (all )?(running )?water\b(?! (heater|pressure))"),
        "emergency", cancellable=False),
    Rule("ceiling collapse", _rx(
        r"\bceiling (plaster |drywall |tiles? )?(has |is |just )?(collaps|caved|caving|fell|falling|came down|coming down)",
        r"\bse desplom\w*\b[^.;!?]{0,30}\b(techo|plafon)\b", r"\bceiling\b[^.;!?]{0,30}\b(came down|fell|collapsed|caved in)\b", r"\b(part of )?the ceiling (fell|came down)",
        r"\b(techo|plafon) (se )?(cayo|derrumbo|colapso|esta cayendo|se esta cayendo|se vino abajo)\b",
        r"\bse (cayo|derrumbo|vino abajo|esta cayendo) (parte del |el |un pedazo del |un pedazo de )?(techo|plafon)\b"),
        "emergency"),
    Rule("home cannot be secured", _rx(
        r"\b(door|lock|window|deadbolt)s? (won'?t|will not|doesn'?t|does not|can'?t|cannot) (lock|close|shut|latch)\b",
        r"\b(can'?t|cannot|can not|unable to) (lock|close|secure|shut) (the |my |our )?(front |back |patio |sliding |apartment |entry )?(door|window|unit|apartment)",
        r"\b(front|back|entry|apartment|patio|sliding) door (is |was )?(broken|kicked in|busted|off its hinges|smashed)",
        r"\b(window|glass door|sliding door|patio door|glass) (is |was |got |has been )?(shattered|smashed|broken (in|out))", r"\bbroken into\b", r"\bbreak-?in\b", r"\bsomeone broke (in|into)\b",
        r"\bkicked (in )?(the |my )?door\b",
        r"\b(can'?t|cannot|no way to|unable to) (lock|secure|close) (it|the house|my house|the home|the place|our place|the apartment)\b",
        r"\b(house|home|apartment|place|unit) is (wide )?open\b", r"\block (is )?(jammed|stuck) open\b",
        r"\b(forced|pried) (open|the door)\b", r"\bpuerta\b (?!(del|de la|de mi) (armario|closet|ropero|gabinete|alacena|horno|refri\w*|refrigerador|microondas|lavaplatos|buzon|bano|regadera|ducha|cuarto|recamara|carro|coche|garage|cochera)\b)[^.;!?]{0,35}\b(ya )?no (cierra|se cierra|asegura|tiene seguro)\b",
        r"\b(puerta|cerradura|ventana) (quedo|esta|quedaron) rot[oa]s?\b", r"\bdoor (was |is )?(forced|pried) open\b",
        r"\b(door|lock|window|deadbolt)\b[^.;!?]{0,40}\b(can'?t|cannot|won'?t|unable to) (lock|close|secure|shut)\b",
        r"\bpuerta (?!(del|de la|de mi) (armario|closet|ropero|gabinete|alacena|horno|refri\w*|refrigerador|microondas|lavaplatos|buzon|bano|regadera|ducha|cuarto|recamara|carro|coche|garage|cochera)\b)(de \w+ |principal )?no (cierra|se cierra|tiene seguro|asegura)", r"\bno (puedo|podemos) (cerrar|asegurar) la (puerta|ventana)",
        r"\b(cerradura|chapa) (rota|no sirve|no funciona)\b", r"\b(ventana|puerta) (rota|quebrada|destrozada)\b",
        r"\b(rompieron|forzaron|patearon) la (puerta|ventana|cerradura)\b", r"\b(se metieron|entraron) a robar\b(?! (a|en) (mi|el|su) (carro|coche|auto|vehiculo|camioneta))"),
        "emergency", not_after=r"\b(oven|stove|fridge|refrigerator|freezer|dishwasher|microwave|cabinet|closet|mailbox|car|dryer|"
                               r"washer|shower|garage|horno|refri|refrigerador|buzon|gabinete|armario|lavaplatos|microondas)( door)?"),
    Rule("person in danger", _rx(
        r"\b(fell|fallen|collapsed)\b[^.;!?]{0,30}\b(can'?t|cannot|couldn'?t|unable to|not able to) (get up|move|stand)",
        r"\b(unresponsive|unconscious|passed out|not breathing|isn'?t breathing|overdos\w*|od'?ing)\b",
        r"(?<!from a )(?<!had a )(?<!after a )(?<!after his )(?<!after her )\b(seizure|heart attack|stroke)\b",
        r"\b(screaming|yelling|crying|calling) (for )?help\b", r"\bintruder\b", r"\b(knife|gun|weapon|armed)\b",
        r"\bsomeone (is )?(breaking|trying to break|trying to get) in(to)?\b", r"\b(fighting|beating|hitting|attacking|stabbed|shot)\b",
        r"\bbleeding\b", r"\b(isn'?t|is not|not|wasn'?t) (moving|breathing|responding|waking up)\b",
        r"\bwon'?t (answer|respond|wake up)\b", r"\blying (on|in|at) the (floor|stairs|ground|hallway|stairwell|sidewalk)\b",
        r"\b(no se mueve|no contesta|tirad[oa] en (el piso|la escalera|el pasillo))\b", r"\b(hurt|injured) (bad|badly|real bad)\b", r"\b(need|call|send) (an )?(ambulance|the police|911)\b",
        r"\b(llamen|llame|llamar) (a )?(la policia|una ambulancia|al 911)\b", r"\b(alguien|alguno) (se metio|entro|esta entrando) (a|en) (mi|la|nuestra) (casa|apartamento|departamento)\b",
        r"\b(se|me) (cayo|cai)\b[^.;!?]{0,30}\bno (se )?(puede|puedo) (levantar|mover)",
        r"\b(inconsciente|no responde|no respira|sobredosis|convulsion\w*|desmay\w*|infarto)\b", r"\bgrit\w* (por )?ayuda\b",
        r"\b(intruso|cuchillo|pistola|arma|navaja)\b", r"\b(estan|esta) (entrando|robando|tratando de entrar)\b",
        r"\b(pelea|peleando|golpeando|apunalad\w*|sangrando)\b",
        r"\bthreaten\w* (me|us|her|him|them|my|to (kill|hurt|shoot|stab))\b[^.;!?]{0,60}\b(now|right now|in the lobby|outside my door|is here)\b", r"\bamenaz\w* (con|de muerte|a mi|a mis)\b",
        r"\bexpos\w* (himself|herself)\b", r"\b(drag\w*|grab\w*|pull\w*) (a|the|my) (girl|boy|kid|child|woman|man)\b",
        r"\bchest pains?\b", r"\bdolor (de|en el) pecho\b", r"\bauxilio\b", r"\b(drown\w*|ahogando\w*|se ahoga\w*)\b",
        r"\bse metieron a (mi|el|su|nuestro) (apartamento|departamento|casa|depa)\b", r"\b(still|todavia) (in there|inside|adentro)\b"),
        "emergency", "emergency_services", category="general"),
    Rule("stuck in an elevator", _rx(r"\b(stuck|trapped) in (the|an) elevator\b",
                                     r"\b(in|inside) (the|an) elevator\b[^.;!?]{0,60}\b(stopped|stuck|won'?t open|doesn'?t open|not moving)",
                                     r"\belevator\b[^.;!?]{0,30}\b(stuck|stopped) (between|with)",
                                     r"\b(atrapad[oa]s?|encerrad[oa]s?) en el (elevador|ascensor)\b", r"\batrapad[oa]s? en el elevador\b",
                                     r"\bascensor\b.*\batrapad", r"\b(stuck|trapped|atorad[oa]s?|trabad[oa]s?|atrapad[oa]s?) (in|en) (the|an|el) (\w+ )?(elevator|elevador|ascensor)\b",
                                     r"\b(elevador|ascensor|elevator)\b[^.;!?]{0,40}\b(trabado|atorado|atascado|stuck)\b[^.;!?]{0,40}\b(adentro|inside)\b"),
         "emergency", cancellable=False),
]

# Hazard words that are no hazard in context: cigarette smoke from a neighbour (a complaint), a detector
# chirping for its battery or set off by cooking, a scare that is already over.
ALL_CLEAR = r"(everything|all|it'?s|we'?re) (is |was )?(totally |completely )?(fine|ok|okay|good|alright|all right) now|(everything|all)('?s| is)? " \
            r"(fine|ok|okay|good)|false alarm|falsa alarma|todo (esta |estaba |quedo )?bien|it was (just|only)|era (solo|nomas)|" \
            r"put it out|(lo|la) apague con|era de la comida|ya no suena|sorry for the scare|perdon por el susto|not a security (thing|issue|problem)|by accident|por accidente|(fire (dept|department)|firefighters|bomberos) " \
            r"(came|said|checked|dijeron|vinieron|revisaron)|was faulty|there'?s no (fire|smoke)|no hay (fuego|incendio|humo)"
DETECTOR_NUISANCE = r"\b(chirp\w*|beep\w*|low battery|battery|bateria|pila|missing|install\w*|replace\w*|expired|when(ever)? i cook|cuando cocino|toast|fell off|se cayo|" \
                    r"remount|not going off|test(ing)?|prueba)\b"
# ...but an alarm sounding without stop, or people leaving because of it, is the real thing.
ALARM_REAL = r"\b(continuous\w*|non-?stop|won'?t stop|keeps? (beeping|going off|sounding)|is going off|(4|four) (beeps|times)|" \
             r"in a row|loud one|not the chirp|screen says|getting out|got out|evacuat\w*|headaches?|dizzy|nause\w*|" \
             r"sin parar|no para|nos salimos|salimos|mareo|mareado|dolor de cabeza|full alarm|(has been|is|been) (sounding|beeping)|" \
             r"(mucho|lots of|full of|hay|llena de|lleno de) (humo|smoke))\b|(still|todavia|sigue)( \w+){0,2} (smok\w*|humo|burning|quemando)"
NUISANCE_UNLESS_REAL = rf"^(?!.*(?:{ALARM_REAL})).*(?:{DETECTOR_NUISANCE}|{ALL_CLEAR})"
# A leak caught in a bucket is contained (urgent) unless the water is also spreading.
LEAK_CONTAINED = r"^(?!.*\b(everywhere|all over|pouring|gushing|flood\w*|(?<!not )(?<!isn't )spreading|overflow\w*|can'?t keep up|won'?t stop|" \
                 r"shooting|spray\w*|burst\w*|snapped|exploded|exploto|revento|no alcanza|not enough|valve|no para|" \
                 r"soak\w*|puddles?|carpet|por todos lados|inund\w*|chorrea\w*|alfombra|charco)\b)" \
                 r".*\b(buckets?|pan|pot|bowl|towels?|cups?|bins?|containers?|tray|cubetas?|baldes?|cubos?|toallas?|olla|trapos?|" \
                 r"recipientes?|tupper|bandeja|vaso)\b"
# Standing water in a sink or tub that won't drain is a clog, not a flood.
DRAIN_CLOG = r"^(?!.*\b(overflow\w*|spill\w*|floor|everywhere|pouring|ceiling|desbord\w*|piso)\b).*\b((won'?t|doesn'?t|does not|not|isn'?t|no) " \
             r"(drain|go down)|no baja)"
# Said in so many words: nothing here is an emergency. The classifier alone then needs to be all but certain.
NOT_AN_EMERGENCY = _Lazy(rf"{ALL_CLEAR}|{DRAIN_CLOG}|\b(cigarettes?|cigarrillos?|cigarros?|marijuana|marihuana|weed|vap(e|ing)|fuma|fuman|fumando)\b")
APPLIANCE_SMOKING = r"\b(dryer|stove|oven|outlet|microwave|heater|furnace|panel|fridge|washer|fan|motor|toaster)\b[^.;!?]{0,15}\b(is )?(smoking|making smoke)"
HARMLESS_WHEN = {
    "smoke": _rx(rf"^(?!.*{APPLIANCE_SMOKING}).*\b(cigarettes?|cigs?|marijuana|weed|vap(e|ing)|smoking|cigarros?|marihuana|fumando|"
                 r"fuman|fuma|fumar|fumo|bbq|grill)\b", NUISANCE_UNLESS_REAL),
    "home cannot be secured": _rx(r"not a security (thing|issue|problem)|still (closes|locks)|no es (un )?(problema de )?seguridad",
                                  r"^(?!.*\b(front|entry|apartment|unit) door\b).*\b(mailbox|buzon|locker)\b",
                                  r"^(?!.*\b(apartment|apartamento|departamento|unit|home|casa|house|front door|puerta)\b)"
                                  r".*\b(car|carro|coche|auto|vehicle|camioneta)\b"),
    "stuck in an elevator": _rx(r"\b(got out|we'?re out|i'?m out|they got (him|her|them|me) out|ya (sali\w*|salio|salimos|lo sacaron|la sacaron))\b"),
    "fire": _rx(NUISANCE_UNLESS_REAL, r"\b(yellow|blue|orange|small|low|high) flames?\b|\bpilot (light|flame)\b"),
    "carbon monoxide": _rx(NUISANCE_UNLESS_REAL),
    "gas smell or leak": _rx(ALL_CLEAR),
    "active water leak or flood": _rx(LEAK_CONTAINED, DRAIN_CLOG, r"\b(nothing|not) on the floor\b|\bjust (the )?inside\b"),
}

AREA_OUTAGE = Rule("area-wide power outage", _rx(
    r"\b(power|electricity|lights)( is| are| has| went)? (out|off|down)\b.{0,60}\b(whole|entire|all of the|everyone|all the|every)\b.{0,25}\b(building|block|street|neighborhood|area|complex|city|town|apartments|units|houses)",
    r"\b(whole|entire) (building|block|street|neighborhood|area|complex)\b.{0,40}\b(no|without|lost) (power|electricity|lights)\b",
    r"\b(neighborhood|area|citywide|city-wide|street|block|rolling)[- ]?(wide )?(power )?(outage|blackout)\b", r"\bpower outage in the (area|neighborhood|city)\b",
    r"\b(outage|blackout|no power|no electricity)\b.{0,40}\b(whole|entire) (neighborhood|area|block|street|building|complex|city)", r"\bapagon\b", r"\bse fue la luz en (todo|toda) (el|la) (edificio|barrio|cuadra|calle|vecindario|colonia|complejo|ciudad)",
    r"\b(todo|toda) (el|la) (edificio|barrio|cuadra|calle|vecindario|colonia|complejo) (esta )?sin (luz|electricidad)"),
    "urgent", "utility")

HEAT_RULE = _rx(r"\bno heat\b", r"\b(heat|heater|heating|furnace|boiler|radiators?)('s|'s been| is| are| has| has been| isn'?t| aren'?t| stopped| not)? (not |isn'?t |stopped )?(working|broken|out|off|dead|blowing cold)",
                r"\b(heat|heater|heating|furnace|boiler) (won'?t|will not|doesn'?t|does not) (turn on|work|come on|start)",
                r"\b(without|don'?t have|no) (any )?heat(ing)?\b", r"\bheat went out\b",
                r"\b(no|sin) (hay )?calefaccion\b", r"\bno (tenemos|tengo|hay) calefaccion\b",
                r"\b(calefaccion|calentador|calefactor|heater)( no)? (funciona|sirve|prende|enciende|calienta)\b.{0,0}",
                r"\b(la|el) (calefaccion|calefactor) (no|se descompuso|esta descompuesta)",
                r"\bno (prende|funciona|sirve|enciende|calienta) (la|el) (calefaccion|calefactor|calentador|heater)\b",
                r"\b(heat|heating|furnace|boiler)\b[^.;!?]{0,25}\b(failed|quit|died|gave out)\b", r"\bradiators? (are |is |has been |have been |'s been )?(ice )?cold\b",
                r"\b(calefaccion|calefactor|radiador)\b[^.;!?]{0,10}\b(se apago|esta frio|estan frios|se murio|fallando|falla)\b",
                r"\b(calefaccion|calefactor|heat|heater|heating)( esta| lleva)? (apagad[oa]|off)\b",
                r"\b(heat|heater|heating|furnace|boiler)\b[^.;!?]{0,15}\b(has not|hasn'?t|did not|didn'?t|won'?t|will not) (come on|turned on|turn on|kicked on|kick on|started)\b", r"\b(calefaccion|calefactor)\b[^.;!?]{0,10}\bdejo de (servir|funcionar|calentar)\b")
HEAT_NEGATED_ES = _Lazy(r"\b(calefaccion|calefactor|calentador) (funciona|sirve|prende|calienta)\b")
AC_RULE = _rx(r"\bno (ac|a/c|air conditioning|air)\b", r"\b(ac|a/c|air conditioner|air conditioning|air|cooling)( unit)?('s| is| isn'?t| stopped| not| has| quit| went)? (just |only )?(not |isn'?t |stopped |gone )?(working|broken|out|dead|off|blowing (hot|warm))",
              r"\b(ac|a/c|air conditioner|air conditioning) (won'?t|doesn'?t|does not) (turn on|work|cool)",
              r"\b(ac|a/c|air conditioner|air conditioning)('s| has| just)? (quit|died|stopped|broke|gave out)\b",
              r"\baire( acondicionado)? (no|ya no) (funciona|sirve|enfria|prende)\b", r"\bsin aire( acondicionado)?\b", r"\bno (hay|tenemos) aire\b",
              r"\baire( acondicionado)? se (descompuso|murio|apago|rompio)\b", r"\bse (descompuso|murio|rompio) el aire\b",
              r"\b(aire acondicionado|minisplit|mini split|clima|aire)\b[^.;!?]{0,40}\bno (funciona|sirve|enfria|prende|esta funcionando|esta enfriando|esta prendiendo)\b",
              r"\bwithout (ac|a/c|air conditioning|air)\b", r"\b(ac|a/c|air conditioning|air conditioner)\b[^.;!?]{0,25}\bblowing (hot|warm)\b",
              r"\b(ac|a/c|air conditioning|air conditioner|cooling)( has| have|'s)? been (out|broken|off|dead|down)\b", r"\b(ac|a/c|air conditioning|air conditioner)\b[^.;!?]{0,10}\b(isn'?t|is not|no longer|stopped) cooling\b", r"\b(ac|a/c|air conditioning|air conditioner)\b[^.;!?]{0,30}\bnot cooling\b", r"\b(ac|a/c|air conditioning|air conditioner)('s)? stop(ped)? (working|cooling)\b")
ROUTINE_DRIP = _Lazy(r"\b(faucet|tap|shower ?head|spigot|llave|grifo|lavabo|regadera)s?\b.{0,25}\b(drip|leak|gotea)"
                          r"|\b(drip\w*|leak\w*) (faucet|tap|shower ?head|spigot)")
COLD_WORDS = _Lazy(r"\b(freezing|frigid|ice cold|icy|below (zero|freezing)|frozen|congelando|congelandonos|helando|muriendo de frio|mucho frio)\b")
HOT_WORDS = _Lazy(r"\b(sweltering|scorching|unbearabl[ey] hot|heat stroke|heatstroke|over 100|mucho calor|insoportable|golpe de calor)\b")
VULNERABLE = _Lazy(
    r"\b(bab(y|ies)|newborns?|infants?|toddlers?|kids?|child(ren)?|elderly|senior|grandm(a|other)|grandp(a|arent|arents)|"
    r"old(er)? (man|woman|lady|parents?|mother|father)|sick|ill|pregnant|disabled|oxygen|medical condition|chemo\w*|asthma|"
    r"bebes?|ninos?|ninas?|hijos?|anciano|ancianos|abuel(it)?[oa]s?|enferm[oa]s?|embarazada|discapacitad[oa]|"
    r"wheelchair|walker|dialysis|heart condition|eighties|seventies|nineties|[6-9]\d[- ]?(year|yr)s?[- ]old|\d{1,2}[- ](months?|weeks?)[- ]old|"
    r"recien nacid[oa]|silla de ruedas|oxigeno|quimio\w*|tercera edad|\d{1,2} (meses|semanas)|[6-9]\d anos)\b")
UNIT_NUMBER = _Lazy(r"\b(unit|apt|apartment|apto|apartamento|departamento|suite|room|floor|piso|number|numero|no)\.?\s*#?\s*$|#\s*$")
# An occupant's age stated without "years old": "my mom, who lives with us, is 80", "she's eighty something".
AGED = _Lazy(r"\b(mom|mother|dad|father|grand\w*|wife|husband|neighbou?r|tenant|she|he|abuel[oa]|mama|papa|suegr[oa]|vecin[oa]|senora|senor)\b"
                  r"[^.;!?]{0,25}(\bis|'s|\bes|\btiene)\s+[6-9]\d\b(?!\s*(degrees|grados|°|f\b|in here|inside|adentro))"
                  r"|\b(mom|mother|dad|father|grand\w*|wife|husband|neighbou?r|abuel[oa]|mama|papa|suegr[oa])\s*,?\s*\(?[6-9]\d\)?\s*[,)]"
                  r"|\b[6-9]\d(-?ish| something| y pico| y tantos)\b|\b(age|aged|edad de) [6-9]\d\b"
                  r"|\b(hospital|stroke|recovering|recuperando\w*|derrame|(he|she) was born|just born|nacio (el|hace|ayer|anteayer)|nicu|preemie|premature|prematur[oa]|heart failure|copd|cancer|hospice|surgery|post-?op|insuficiencia cardiaca|cirugia|operad[oa]|discapacidad|artritis|nursery)\b"
                  r"|\b(son|daughter|kid|baby|child|boy|girl|twins|hij[oa]s?|gemel[oa]s|nin[oa]s?|bebe)\b[^.;!?]{0,15}\b(is |'s |de |of )?([1-9]|1[0-2])\b"
                  r"(?!\s*(degrees|grados|°))")
# A person's age right before a number ("my mom is 88", "I'm 34") is no temperature...
AGE_BEFORE = _Lazy(r"\b(mom|mother|dad|father|grand\w*|wife|husband|son|daughter|baby|kid|child|neighbou?r|she|he|i|"
                        r"abuel(it)?[oa]|mama|papa|suegr[oa]|vecin[oa]|esposo|esposa|hij[oa])('s|'m| is| am| es| tiene| tengo)?\s*,?\s*$|"
                        r"\b(i'?m|i am|im|tengo|aged?)\s*$")
# ...and "no kids or elderly here" names nobody vulnerable.
NOT_BEFORE = _Lazy(r"\b(no|not|without|sin|ni|nor|or)\s+(\w+\s+)?$")
TEMPERATURE = _Lazy(r"(-?\d{1,3})\s*(?:°|º|degrees?|deg\b|grados)?\s*(f|c|fahrenheit|celsius|centigrados)?\b")

URGENT_RULES = [
    Rule("no hot water", cancellable=False, pattern=_rx(r"\bno hot water\b", r"\bwater (is |runs |comes out )?(cold|freezing) (in|from|at|out of) (all|every|the)\b", r"\bhot water (is |isn'?t |has )?(not working|out|gone|stopped|isn'?t working)",
                             r"\b(water heater|hot water heater) (is |isn'?t )?(not working|broken|out|dead|leaking)",
                             r"\b(without|don'?t have) hot water\b", r"\bonly cold water\b",
                             r"\b(no|sin) (hay |tenemos |tengo )?agua caliente\b", r"\bno sale agua caliente\b", r"\bboiler\b.{0,20}\bagua caliente"),
         urgency="urgent"),
    Rule("refrigerator not cooling", _rx(
        r"\b(fridge|refrigerator|freezer)( is| has)? (not |isn'?t |stopped )?(working|cooling|cold|dead|broken|warm|went out|died)",
        r"\b(fridge|refrigerator|freezer) (stopped|quit|died|won'?t|doesn'?t)", r"\bfood (is )?spoil",
        r"\b(refrigerador|refri|nevera|congelador) (no|ya no|se) (enfria|funciona|sirve|descompuso|apago)"),
        "urgent"),
    Rule("locked out", _rx(r"\blocked out\b", r"\blocked (myself|ourselves|my ?self) out\b", r"\block ?out\b", r"\blost (my|our|the) keys?\b", r"\bcan'?t get (in|into) (my|the|our) (apartment|unit|home)",
                           r"\b(me|se|nos) (quede|quedo|quedamos|quedaron) (afuera|fuera)\b", r"\bperdi (mis|las|mi) llaves?\b",
                           r"\bno (puedo|podemos) entrar\b", r"\b(key|keys) (is |are )?lost\b", r"\bstuck outside\b",
                           r"\b(left|forgot) (my |the )?keys? (inside|in (the|my) (apartment|unit|room))\b", r"\blocked behind me\b",
                           r"\bkey (snapped|broke) (off )?in (the|my) (lock|door)\b",
                           r"\b(i'?m|i am) outside (of )?(the|my) (apartment|unit|door)\b", r"\bestoy afuera de (mi|el) (apartamento|depa|departamento|casa)\b"),
         "urgent"),
    Rule("only toilet blocked", _rx(
        r"\b(toilet|commode)( is| got)? (clogged|blocked|backed up|stopped up|overflowing|won'?t flush|not flushing|doesn'?t flush)",
        r"\b(clogged|blocked|overflowing) toilet\b", r"\bonly (toilet|bathroom)\b",
        r"\b(inodoro|excusado|escusado|taza del bano|bano|toilet) (esta )?(tapado|atascado|no baja|desbordando|no funciona)"),
        "urgent"),
    Rule("contained leak", _rx(r"\bleak(s|ing|y|ed)?\b", r"\bdripping\b", r"\bgotea(ndo)?\b", r"\bfuga\b", r"\bgoteras?\b",
                               r"\bfiltra\w*\b", r"\bfiltracion\b", r"\bgota a gota\b", r"\bpierde agua\b"), "urgent"),
    Rule("pests or mould", _rx(r"\b(rats?|mice|mouse|roach(es)?|cockroach(es)?|bed ?bugs?|termites|wasps?|hornets?|bees|infest\w*|mold|mould|mildew)\b",
                               r"\b(ratas?|ratones|raton|cucarachas?|chinches|termitas|avispas?|abejas|plagas?|moho|hongos)\b"), "urgent"),
    Rule("power out in the unit", _rx(r"\bno (power|electricity)\b", r"\b(power|electricity)( is| went| has gone)? out\b",
                                      r"\bno (hay|tenemos|tengo) (luz|electricidad)\b", r"\bsin (luz|electricidad)\b", r"\bse fue la luz\b"),
         "urgent"),
    Rule("elevator out of service", _rx(r"\belevators?\b.{0,20}\b(out|broken|not working|down)\b", r"\b(elevador|ascensor) (no funciona|descompuesto|no sirve)"),
         "urgent"),
]

ROUTINE_MAINTENANCE = _rx(
    r"\b(repair|fix|fixed|broken|replace|replaced|maintenance|work order|not working|doesn'?t work|won'?t (open|close|work|turn)|stuck|loose|crack(ed)?|"
    r"clog(ged)?|slow drain|drain|faucet|sink|toilet|shower|tub|dishwasher|disposal|washer|dryer|stove|oven|microwave|fridge|"
    r"appliance|outlet|light|bulb|fan|vent|thermostat|filter|blinds?|cabinets?|drawer|carpet|floor(ing)?|tiles?|paint|wall|ceiling|"
    r"window|screen|door|lock|hinge|mold|mildew|pest|roach(es)?|cockroach(es)?|mice|mouse|rats?|ants|bed ?bugs|termites|smell|odor|"
    r"garbage disposal|handle|knob|grout|caulk|hole|dent|scratch|stain|leaky|running toilet|squeak|noisy fan|heater|a/c|hvac|"
    r"drywall|extinguisher|detector|smoke alarm|sprinkler|railing|stairs|balcony|patio|"
    r"water pressure|gate|garage|intercom|buzzer|mailbox|parking gate)\b",
    r"\b(reparar|reparacion|arreglar|arreglen|descompuest[oa]|rot[oa]|no funciona|no sirve|llave del agua|grifo|lavabo|fregadero|"
    r"regadera|ducha|lavaplatos|lavadora|secadora|estufa|horno|microondas|enchufe|foco|ventilador|persianas?|gabinete|alfombra|"
    r"piso|pintura|pared|ventana|puerta|cerradura|moho|plagas?|cucarachas?|ratones|ratas|hormigas|chinches|mantenimiento|"
    r"calentador|termostato|bano)\b")

CATEGORY_RULES = {
    "billing": _rx(r"\b(rent|payment|pay|paid|paying|charge[ds]?|fees?|late fee|balance|bill(ed|ing)?|invoice|deposit|refund|"
                   r"ledger|autopay|receipt|statement|money order|portal payment|prorat\w*|utility bill|water bill|overcharged|credit)\b",
                   r"\b(renta|alquiler|pago|pagar|pague|cargos?|cobr\w*|factura|deposito|recibo|saldo|reembolso|multa|cuota|"
                   r"recargo|estado de cuenta)\b"),
    "leasing": _rx(r"\b(lease|leasing|renew(al|ing)?|move[- ]?(out|in)|moving (out|in)|notice to vacate|vacate|tour|"
                   r"available (units?|apartments?)|availability|floor ?plans?|apply|application|applicant|sublet|sublease|"
                   r"roommate|transfer to another|pet policy|pets allowed|showing|vacanc(y|ies)|rental|prospective|"
                   r"two[- ]bedroom|one[- ]bedroom|studios?|\d ?br|\d[- ]bed(room)?s?|waitlist|wait list)\b",
                   r"\b(contrato|arrendamiento|renovar|renovacion|mudanza|mudarme|mudarnos|desocupar|solicitud|aplicacion|"
                   r"disponibles?|recorrido|visitar el|departamentos? disponibles|apartamentos? disponibles|rentar un|"
                   r"inquilino nuevo|subarrendar|compañero de cuarto|companero de cuarto|mudar|mudamos|dar aviso|aviso de salida)\b"),
    "complaint": _rx(r"\b(complain(t|ing|ed)?|noise|noisy|loud|music|party|parties|barking|neighbou?rs?|harass\w*|rude|"
                     r"unprofessional|disrespectful|unacceptable|frustrat\w*|disappointed|fed up|ridiculous|smoking|weed|"
                     r"marijuana|trash (everywhere|left)|dog poop|parking in my|parked in my|my (parking )?spot|"
                     r"still (not|hasn'?t|haven'?t) (been )?(fixed|repaired|done)|third time|nobody (has )?(came|come|responded|called)|"
                     r"no one (has )?(came|come|responded|called back)|ignored|ignoring)\b",
                     r"\b(queja|quejarme|quejar|ruido|ruidos|ruidoso|musica|fiesta|vecin[oa]s?|ladrando|grosero|grosera|"
                     r"falta de respeto|inaceptable|molest\w*|acoso|fumando|marihuana|nadie (ha )?(venido|vino|respondido|contesta)|"
                     r"(se estaciona|estacionan|se estacionan|se parquea) en mi)\b"),
    "message": None,  # by MESSAGE_FOR below: needs the original capitalisation
}
NOISE = _Lazy(r"\b(noise|noisy|loud|ruido|ruidos|ruidoso)\b")
NEIGHBOURS = _Lazy(r"\b(neighbou?rs?|next door|upstairs|downstairs|people|party|tenants?|residents?|vecin[oa]s?|gente|fiesta)\b")
COMPLAINT_STRONG = _Lazy(r"\b(complain\w*|unacceptable|harass\w*|rude|queja\w*|inaceptable|acoso|third time|fed up|ridiculous)\b")

NAME = r"((?:Mr\.?|Mrs\.?|Ms\.?|Miss|Sr\.?|Sra\.?|Srta\.?|Don|Do[ñn]a|(?:la |el )?se[ñn]or(?:a|ita)?)\s+)?([A-ZÁÉÍÓÚÑ][a-záéíóúñ]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñ]+)?)"
MESSAGE_FOR = _Lazy(
    r"(?i:message|msg|note|voicemail) (?i:for|to) " + NAME
    + r"|(?i:tell|ask|let|have|remind) " + NAME + r" (?i:to )?(?i:call|know|that|ring|get back|phone|text|email|I )"
    + r"|(?i:can|could|would) " + NAME + r" (?i:please )?(?i:call|get back|phone|text|email|contact|give me a (?:call|ring)|reach me)"
    + r"|(?i:speak|talk|speaking) (?i:to|with) " + NAME
    + r"|(?i:looking for|trying to reach|trying to get a hold of|reach) " + NAME
    + r"|(?i:mensaje|recado|nota) (?i:para|a) " + NAME
    + r"|(?i:hablar|comunicarme|comunicar) (?i:con) " + NAME
    + r"|(?i:d[ií]ga(?:le)?|d[ií]ganle|avise(?:le)?|av[ií]senle|p[ií]dale|p[ií]danle) (?:a )?" + NAME
    + r"|(?i:que) " + NAME + r" (?i:me )?(?i:llame|regrese|devuelva|contacte|marque)")
OFFICE_NOT_A_PERSON = _Lazy(r"\b(tell|let|ask|have|message for|message to|call) (the )?(office|management|manager|"
                                 r"someone|somebody|maintenance|leasing|front desk)\b")
NOT_NAMES = {"the", "office", "someone", "somebody", "anyone", "maintenance", "you", "me", "him", "her", "them",
             "la", "el", "alguien", "oficina", "mantenimiento", "usted", "ustedes", "management", "manager",
             "leasing", "front", "desk", "i", "a", "an", "your", "my", "el gerente", "la gerente", "gerente",
             "please", "por", "favor", "hi", "hello", "hola", "thanks", "gracias", "we", "us", "it", "they", "our"}

# A negation counts only when it is close to the problem (at most two words before it) and in the same
# part of the sentence: "the sink doesn't drain and water is pouring out" is still a flood.
NEGATION = _Lazy(
    r"\b(no|not|isn'?t|aren'?t|wasn'?t|weren'?t|don'?t|doesn'?t|didn'?t|never|without|nothing|no longer|"
    r"nunca|ni|ningun[oa]?|sin|ya no)\b(\s+[\w']+){0,2}\s*$")
NEGATIVE_PROBLEM = _Lazy(r"\b(won'?t|will not|doesn'?t|does not|can'?t|cannot|no|not|isn'?t)\b")
NEGATED_AFTER = _Lazy(r"^[^.;!?]{0,40}\b(anymore|any more|has stopped|stopped|went away|is gone|is fixed|was fixed|"
                           r"has been (fixed|repaired|resolved)|got fixed|ya no|ya se arreglo|ya quedo|(ya )?se paro|se detuvo|"
                           r"dejo de (gotear|salir)|ya se calmo|se calmo|ya paso)\b")
STILL_HAPPENING = _Lazy(r"\b(again|right now|currently|still|since|otra vez|de nuevo|todavia|sigue|desde)\b|\b(but|pero) (now|ahora)\b"
                             r"|\bnow (i|it|there|we|the|its|it's|is|hay|huele)\b")
CLAUSE_SPLIT = _Lazy(r",|\b(and|y|but|pero|however|sin embargo|so|then|luego)\b")
PAST = _Lazy(
    r"\b(last (week|month|year|winter|summer|spring|fall|time|night'?s)|(a|one|two|three|few|couple of|\d+) (days?|weeks?|months?|years?) ago|"
    r"previous(ly)?|earlier this (year|month)|back in (january|february|march|april|may|june|july|august|september|october|november|december|\d{4})|"
    r"in (january|february|march|april|may|june|july|august|september|october|november|december)|used to|history of|"
    r"had (a|an|the) (leak|flood|fire)|was (fixed|repaired|resolved|cleaned)|were (fixed|repaired)|has been (fixed|repaired|resolved)|got fixed|"
    r"after the (flood|fire|leak)|from the (flood|fire|leak)|there was (a|an) (fire|flood|leak|gas leak|break-?in)|"
    r"hubo (un|una) (incendio|fuego|inundacion|fuga|pelea)|que hubo|(tubo|tuberia|caneria|pipa|manguera) que se (rompio|revento|exploto)|"
    r"el (mes|ano) pasado|la semana pasada|el verano pasado|el invierno pasado|hace (un|una|unos|unas|dos|tres|\d+) (dias?|semanas?|mes|meses|anos?)|"
    r"ya (lo |la )?(arreglaron|repararon|se arreglo|quedo)|despues de la inundacion|del incendio pasado)\b")

LANG_ES = set("el la los las de del que y en un una es por para con mi mis hay se muy esta estan tengo tenemos agua "
              "casa apartamento departamento ayuda gracias hola favor necesito puede pueden no sale olor huele desde "
              "cuando donde porque pero tambien mas ya hace frio calor luz puerta ventana techo bano cocina llave "
              "usted ustedes quiero quisiera buenas buenos dias tardes noches vecino pago renta mensaje".split())
LANG_EN = set("the is my and to a of in it i there have not with for this please can water apartment help thanks "
              "hi hello need out from when where because but also more is are was were our we you your has no "
              "smell door window ceiling bathroom kitchen key would could call back message rent pay leak".split())


def detect_language(text: str) -> str:
    raw = text.lower()
    words = re.findall(r"[a-zñáéíóúü']+", fold(text))
    es = sum(w in LANG_ES for w in words) + 2 * len(re.findall(r"[ñ¿¡áéíóú]", raw))
    en = sum(w in LANG_EN for w in words)
    return "es" if es > en else "en"


def _clause_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    left = max(text.rfind(c, 0, start) for c in ".;!?\n")
    rights = [i for i in (text.find(c, end) for c in ".;!?\n") if i != -1]
    return left + 1, min(rights) if rights else len(text)


def _discounted(text: str, m: re.Match) -> str | None:
    """Why this match does not describe a present problem, or None when it does."""
    c_start, c_end = _clause_bounds(text, m.start(), m.end())
    before, after = text[c_start:m.start()], text[m.end():c_end]
    own_clause = CLAUSE_SPLIT.split(before)[-1]
    near = own_clause + " " + CLAUSE_SPLIT.split(after)[0]
    negated = NEGATION.search(own_clause)
    if negated and re.match(r"^[^.;!?]{0,40}\b(anymore|any more)\b", after):  # "no smell of gas anymore since..."
        return "negated"
    if STILL_HAPPENING.search(near):
        return None
    if negated:
        return "negated"
    if NEGATED_AFTER.search(after) and not NEGATIVE_PROBLEM.search(m.group(0)):
        return "no longer happening"
    if PAST.search(before + " " + m.group(0) + after):
        return "in the past"
    return None


def _fire(rules: list[Rule], text: str) -> tuple[list[tuple[Rule, re.Match]], list[str]]:
    fired, notes = [], []
    for rule in rules:
        for m in rule.pattern.finditer(text):
            if rule.not_after and re.search(rule.not_after + r"\s*$", text[max(0, m.start() - 30):m.start()]):
                notes.append(f"set aside {rule.name} (not about the home: '{m.group(0)}')")
                continue
            why = _discounted(text, m) if rule.cancellable else None
            if why is None:
                fired.append((rule, m))
                break
            notes.append(f"ignored {rule.name} ({why}: '{m.group(0)}')")
    return fired, notes


def _temperatures(text: str) -> list[float]:
    temps = []
    for m in TEMPERATURE.finditer(text):
        value, unit = float(m.group(1)), (m.group(2) or "")
        window = text[max(0, m.start() - 40):m.end() + 25]
        degrees = re.search(r"°|º|degree|grados", m.group(0))
        has_unit = unit or degrees
        if unit == "c" and not degrees \
                and re.search(r"\b(in|at|from|del|en|en el|soy del|unit|apt|apartment|apto|#)\s*$", text[max(0, m.start() - 12):m.start()]):
            continue  # "in 2C", "soy del 14C": an apartment, not Celsius
        if not has_unit and not re.search(r"\b(temp|temperature|thermostat|inside|outside|in here|it'?s|its|it is|is at|reads|reading|says|shows|"
                                          r"hace|esta a|estamos a|afuera|adentro|termostato|marca|dice|in the (living room|bedroom|kitchen|apartment|unit|house|place)|"
                                          r"en (la|el) (sala|recamara|cocina|cuarto|departamento|apartamento|casa))\b", window):
            continue
        if re.match(r"\s*(min|minutes|hours|days|units?|apt|apartments?|#|years?|yrs?|y/?o|months?|weeks?|old|anos|meses|semanas|"
                    r"percent|%|\$|am|pm)\b", text[m.end():]) \
                or UNIT_NUMBER.search(text[max(0, m.start() - 16):m.start()]) \
                or AGE_BEFORE.search(text[max(0, m.start() - 30):m.start()]):
            continue
        if not has_unit and not 30 <= value <= 130:  # no room is 12 or 305 degrees: a count or a unit number
            continue
        temps.append(value * 9 / 5 + 32 if unit.startswith("c") else value)
    return temps


def _climate(text: str) -> tuple[str, str] | None:
    """Heat and cooling failures: emergency past the temperature thresholds, urgent otherwise."""
    temps = _temperatures(text)
    vulnerable = any(not NOT_BEFORE.search(text[max(0, m.start() - 14):m.start()])
                     for m in (*VULNERABLE.finditer(text), *AGED.finditer(text)))
    heat = HEAT_RULE.search(text)
    if heat and not HEAT_NEGATED_ES.search(text[heat.start():heat.end()]) and not _discounted(text, heat):
        limit = 55 if vulnerable else 45
        if any(t < limit for t in temps) or (COLD_WORDS.search(text) and (vulnerable or not temps)):
            return "emergency", f"no heat and it is below {limit}°F" + (" with vulnerable occupants" if vulnerable else "")
        return "urgent", "no heat"
    ac = AC_RULE.search(text)
    if ac and not _discounted(text, ac):
        limit = 85 if vulnerable else 95
        if any(t > limit for t in temps) or (HOT_WORDS.search(text) and (vulnerable or not temps)):
            return "emergency", f"no cooling and it is above {limit}°F" + (" with vulnerable occupants" if vulnerable else "")
        return "urgent", "no air conditioning"
    return None


def _named_person(original: str) -> str | None:
    for m in MESSAGE_FOR.finditer(original):
        title, name = next(((m.group(i), m.group(i + 1)) for i in range(1, m.re.groups, 2)
                            if m.group(i + 1)), (None, None))
        if name and name.split()[0].lower() not in NOT_NAMES:
            return f"{title or ''}{name}".strip()
    return None


def lexicon(text: str) -> Triage:
    """The rules alone: the safety lexicon and the thresholds the labelling policy states."""
    original = text or ""
    norm = normalize(original)
    language = detect_language(original)
    reasons: list[str] = []

    emergencies, notes = _fire(EMERGENCY_RULES, norm)
    harmless = [r.name for r, _ in emergencies if r.name in HARMLESS_WHEN and HARMLESS_WHEN[r.name].search(norm)]
    if harmless:
        emergencies = [(r, m) for r, m in emergencies if r.name not in harmless]
        notes += [f"ignored {name} (harmless here)" for name in harmless]
    urgents, urgent_notes = _fire(URGENT_RULES, norm)
    if ROUTINE_DRIP.search(norm):
        urgents = [(r, m) for r, m in urgents if r.name != "contained leak"]
        urgent_notes.append("a dripping tap is routine")
    reasons += notes + urgent_notes
    climate = _climate(norm)
    outage = AREA_OUTAGE.pattern.search(norm)
    outage = outage if outage and not _discounted(norm, outage) else None

    urgency, refer, maintenance = "routine", "none", False
    if emergencies:
        urgency, maintenance = "emergency", any(r.category == "maintenance" for r, _ in emergencies)
        refer = "emergency_services" if any(r.refer == "emergency_services" for r, _ in emergencies) else "none"
        reasons = [f"{r.name}: '{m.group(0)}' -> emergency" for r, m in emergencies] + reasons
    if climate:
        maintenance = True
        reasons.insert(0, f"{climate[1]} -> {climate[0]}")
        if climate[0] == "emergency":
            urgency = "emergency"
        elif urgency == "routine":
            urgency = "urgent"
    if outage and refer == "none":
        maintenance, refer = True, "utility"
        urgency = "urgent" if urgency == "routine" else urgency
        reasons.insert(0, f"{AREA_OUTAGE.name}: '{outage.group(0)[:60]}' -> refer to the utility")
    if urgents and urgency == "routine" and not outage:
        maintenance, urgency = True, "urgent"
        reasons += [f"{r.name}: '{m.group(0)}' -> urgent" for r, m in urgents[:2]]

    person = _named_person(original)
    category = _category(norm, maintenance, urgency, person, reasons)
    if category == "maintenance" and not (emergencies or climate or urgents or outage):
        reasons.append("routine maintenance request")
    if not reasons:
        reasons.append(f"no urgent problem found -> {category}, routine")
    settled = bool(climate) and (climate[0] == "emergency" or bool(_temperatures(norm)))
    return Triage(category, urgency, refer, language, reasons, person if category == "message" else None,
                  settled=settled)


def _category(norm: str, maintenance: bool, urgency: str, person: str | None, reasons: list[str]) -> str:
    if urgency == "emergency":
        return "maintenance" if maintenance else "general"
    scores = {name: len(rx.findall(norm)) for name, rx in CATEGORY_RULES.items() if rx is not None}
    if person:
        reasons.insert(0, f"message for a named person: {person}")
        return "message"
    if maintenance:
        if COMPLAINT_STRONG.search(norm) and scores["complaint"] >= 2 and urgency != "urgent":
            reasons.insert(0, "complaint about service")
            return "complaint"
        return "maintenance"
    routine_maintenance = len(ROUTINE_MAINTENANCE.findall(norm))
    if routine_maintenance and not NEIGHBOURS.search(norm):
        # "the washer makes a loud noise" is a repair, not a complaint about people.
        scores["complaint"] -= len(NOISE.findall(norm))
    if scores["complaint"] and COMPLAINT_STRONG.search(norm):
        scores["complaint"] += 2
    best = max(("billing", "leasing", "complaint"), key=lambda k: scores[k])
    if scores[best] and scores[best] >= routine_maintenance:
        reasons.insert(0, f"{best} words matched")
        return best
    if routine_maintenance:
        return "maintenance"
    return "general"


# Thresholds on the classifier's probability that a message is an emergency, chosen on the dev split
# (triage_model/README.md).
SURE = 0.5               # an emergency without asking, when the rules found nothing worse than routine
RULES_URGENT_SURE = 0.7  # ...when the rules found an urgent problem (pests, a lockout): more evidence needed
DISCOUNTED_SURE = 0.95   # ...when the rules found a hazard but read it as over or negated
UNSURE = 0.2             # from here up to the bar above: ask the safety question
URGENT_SURE = 0.5        # the model alone makes a routine reading urgent from this probability
CATEGORY_SURE = 0.4      # below this, the category model's best guess gives way to the rules
LEXICON_SURE = 0.5       # a lexicon hazard phrased as a question, which the model gives less than this, is asked about
HYPOTHETICAL = _Lazy(r"\b(what (do|should|would) (i|we|you) do (if|when)|what (i|we) (should )?do (if|when)|"
                          r"(what'?s|what is) the (procedure|plan|protocol|policy) (if|for|when|in case)|what the (procedure|policy) is|what happens (if|when)|what (am i|are we) supposed to do (if|when)|what if|"
                          r"in case|how do (i|we)|when is|if (somebody|someone|anyone|i ever|we ever)|que pasa si|que (hago|hacemos|debo hacer) "
                          r"(si|cuando)|en caso de|cuando es)\b")


def triage(text: str) -> Triage:
    """The lexicon (a floor for hazards and the policy's thresholds) and the trained classifier together;
    when the evidence for an emergency is neither clearly high nor clearly low, one safety question."""
    rules, norm = lexicon(text), normalize(text or "")
    p = classifier.probabilities(text or "", rules.language)
    p_em, reasons = p["urgency"]["emergency"], list(rules.reasons)
    urgency, asks = _urgency(rules, p["urgency"], norm)
    ask = asking.question(norm, rules.language) if asks else None
    if not rules.settled:
        reasons.append(f"classifier: emergency {p_em:.2f}" + (" -> ask" if ask else ""))
    category = _final_category(rules, urgency, p["category"], norm)
    refer = _final_refer(rules, urgency, p["refer"])
    confidence = 1.0 if rules.settled else max(p["urgency"].get(urgency, 0.0), 0.9 if rules.urgency == urgency else 0.0)
    return Triage(category, urgency, refer, rules.language, reasons, rules.person if category == "message" else None,
                  confidence=min(1.0, confidence), ask=ask)


def _urgency(rules: Triage, probs: dict[str, float], norm: str) -> tuple[str, bool]:
    """The urgency decided before any answer, and whether to ask the safety question."""
    p_em = probs["emergency"]
    if rules.settled:  # a stated temperature against the policy's thresholds: nothing to weigh or ask
        return rules.urgency, False
    if rules.urgency == "emergency":
        if HYPOTHETICAL.search(norm) and p_em < LEXICON_SURE:
            # "what do I do if I smell gas?": most likely a question, but a hazard term keeps it at least
            # urgent and is never let go unasked
            return "urgent", True
        return "emergency", False  # the lexicon is a floor
    discounted = any(r.startswith("ignored") for r in rules.reasons) or bool(NOT_AN_EMERGENCY.search(norm))
    bar = DISCOUNTED_SURE if discounted else RULES_URGENT_SURE if rules.urgency == "urgent" else SURE
    if p_em >= bar:
        return "emergency", False
    return _lesser_urgency(rules.urgency, probs), p_em >= UNSURE


def _best(probs: dict[str, float], among) -> str:
    return max(among, key=lambda label: probs.get(label, 0.0))


def _lesser_urgency(by_rules: str, probs: dict[str, float]) -> str:
    """Urgent or routine: the rules when they found an urgent problem, else the classifier."""
    return "urgent" if by_rules == "urgent" or probs.get("urgent", 0.0) >= URGENT_SURE else "routine"


def _final_category(rules: Triage, urgency: str, probs: dict[str, float], text: str) -> str:
    if rules.person and rules.category == "message":
        return "message"
    if urgency == "emergency":
        return rules.category if rules.urgency == "emergency" else _best(probs, ("maintenance", "general"))
    # "message" is for a named person: a message for "the office" is read as whatever else it is about
    best = _best(probs, [c for c in CATEGORIES if c != "message" or not OFFICE_NOT_A_PERSON.search(text)])
    return best if probs[best] >= CATEGORY_SURE else rules.category  # a split vote: the rules' reading


def _final_refer(rules: Triage, urgency: str, probs: dict[str, float]) -> str:
    if urgency == "emergency":
        return "emergency_services" if rules.refer == "emergency_services" or probs["emergency_services"] >= 0.5 \
            else "none"
    return "utility" if rules.refer == "utility" or probs["utility"] >= 0.5 else "none"

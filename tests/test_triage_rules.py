"""The triage rules layer (the lexicon: the safety floor and the policy's thresholds) without the classifier:
urgency, referral, category, language, the named person and the reasons shown on the ticket, including the
temperature thresholds and what gets discounted."""
import pytest

from chalicelib.rules.triage import lexicon as triage


def outcome(text):
    """The decision and the rules' reasons (the classifier's line, its probability, is left out)."""
    t = triage(text)
    return t.category, t.urgency, t.refer, [r for r in t.reasons if not r.startswith("classifier:")]


@pytest.mark.parametrize("text, urgency, reason", [
    ("No heat and it's 44 degrees inside", "emergency", "no heat and it is below 45°F -> emergency"),
    ("No heat and it's 46 degrees inside", "urgent", "no heat -> urgent"),
    ("No heat, it's 54 degrees and my baby is here", "emergency",
     "no heat and it is below 55°F with vulnerable occupants -> emergency"),
    ("No heat, it's 56 degrees and my baby is here", "urgent", "no heat -> urgent"),
    ("No heat and it's freezing", "emergency", "no heat and it is below 45°F -> emergency"),
    ("No heat and it's freezing, it's 50 degrees", "urgent", "no heat -> urgent"),  # the reading wins
    ("No heat and my grandmother is freezing, it's 60 degrees", "emergency",
     "no heat and it is below 55°F with vulnerable occupants -> emergency"),
    ("No heat", "urgent", "no heat -> urgent"),
    ("No heat, it's 5 c", "emergency", "no heat and it is below 45°F -> emergency"),  # 41°F
    ("No heat, it is 20 f", "emergency", "no heat and it is below 45°F -> emergency"),
    ("No heat, it's -5 degrees outside", "emergency", "no heat and it is below 45°F -> emergency"),
    ("No heat, thermostat reads 40", "emergency", "no heat and it is below 45°F -> emergency"),
    ("It's 40 degrees and the heat is not working", "emergency", "no heat and it is below 45°F -> emergency"),
    ("La calefacción no funciona y hace 5 grados", "emergency", "no heat and it is below 45°F -> emergency"),
    ("AC broken, it is 96 degrees inside", "emergency", "no cooling and it is above 95°F -> emergency"),
    ("AC broken, it is 95 degrees inside", "urgent", "no air conditioning -> urgent"),
    ("AC broken, it is 86 degrees inside and my baby is here", "emergency",
     "no cooling and it is above 85°F with vulnerable occupants -> emergency"),
    ("AC broken, it is 84 degrees inside and my baby is here", "urgent", "no air conditioning -> urgent"),
    ("AC broken and it's sweltering", "emergency", "no cooling and it is above 95°F -> emergency"),
    ("AC broken and it's sweltering, it's 90 degrees", "urgent", "no air conditioning -> urgent"),
    ("AC not working, it's 36C inside", "emergency", "no cooling and it is above 95°F -> emergency"),  # 96.8°F
    ("AC not working, it's 35C inside", "urgent", "no air conditioning -> urgent"),  # 95°F exactly
    ("the thermostat says 100 degrees and AC broken", "emergency", "no cooling and it is above 95°F -> emergency"),
])
def test_heat_and_cooling_thresholds(text, urgency, reason):
    assert outcome(text) == ("maintenance", urgency, "none", [reason])


@pytest.mark.parametrize("text", [
    "No heat, 40 people live here",  # a count, not a temperature
    "No heat in apt 40",
    "No heat for 40 minutes",
    "No heat, 40",  # a bare number is not a reading
])
def test_numbers_that_are_not_temperatures(text):
    assert outcome(text) == ("maintenance", "urgent", "none", ["no heat -> urgent"])


def test_a_working_heater_in_spanish_is_not_a_heat_failure():
    assert outcome("La calefaccion funciona") == ("general", "routine", "none",
                                                  ["no urgent problem found -> general, routine"])


def test_past_or_negated_heat_failures_do_not_count():
    assert outcome("last week I had no heat") == ("general", "routine", "none",
                                                  ["no urgent problem found -> general, routine"])
    assert outcome("The heat is not working last winter") == ("maintenance", "routine", "none",
                                                              ["routine maintenance request"])


@pytest.mark.parametrize("text, expected", [
    ("There's no leak anymore", ("general", "routine", "none", ["ignored contained leak (negated: 'leak')"])),
    ("No leak. Water is pouring in though", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water is pouring' -> emergency", "ignored contained leak (negated: 'leak')"])),
    ("Water pouring everywhere\nno leak", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water pouring' -> emergency", "ignored contained leak (negated: 'leak')"])),
    ("There was a flood last month", ("general", "routine", "none", [
        "ignored active water leak or flood (in the past: 'flood')"])),
    ("There was a flood last month; now water is pouring in", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water is pouring' -> emergency",
        "ignored active water leak or flood (in the past: 'flood')"])),
    ("We had a leak in January, it is fixed", ("maintenance", "routine", "none", [
        "ignored contained leak (no longer happening: 'leak')", "routine maintenance request"])),
    ("I don't smell gas, but now I smell smoke", ("maintenance", "emergency", "emergency_services", [
        "smoke: 'smell smoke' -> emergency", "ignored gas smell or leak (negated: 'smell gas')"])),
    ("No leak, no leak, no leak", ("general", "routine", "none", ["ignored contained leak (negated: 'leak')"] * 3)),
    ("water is pouring and the kitchen is flooding", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water is pouring' -> emergency"])),  # one reason per rule
])
def test_what_is_discounted_is_said_and_the_rest_still_counts(text, expected):
    assert outcome(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("I DON’T SMELL GAS ANYMORE", ("maintenance", "routine", "none", [
        "ignored gas smell or leak (negated: 'smell gas')", "routine maintenance request"])),
    ("WATER   IS\tPOURING from the ceiling", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water is pouring' -> emergency"])),
    ("Hay una fuga de gás", ("maintenance", "emergency", "emergency_services", [
        "gas smell or leak: 'fuga de gas' -> emergency"])),
    ("It’s a   leak", ("maintenance", "urgent", "none", ["contained leak: 'leak' -> urgent"])),
])
def test_case_accents_curly_quotes_and_spacing_do_not_matter(text, expected):
    assert outcome(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("The power is out in the whole neighborhood and water is pouring in", ("maintenance", "emergency", "utility", [
        "area-wide power outage: 'power is out in the whole neighborhood' -> refer to the utility",
        "active water leak or flood: 'water is pouring' -> emergency"])),
    ("No heat and the power is out in the whole neighborhood", ("maintenance", "urgent", "utility", [
        "area-wide power outage: 'power is out in the whole neighborhood' -> refer to the utility",
        "no heat -> urgent"])),
    ("No heat, and water is pouring in", ("maintenance", "emergency", "none", [
        "no heat -> urgent", "active water leak or flood: 'water is pouring' -> emergency"])),
    ("The faucet drips and there's a leak", ("maintenance", "routine", "none", [
        "a dripping tap is routine", "routine maintenance request"])),
    ("I'm locked out", ("maintenance", "urgent", "none", ["locked out: 'locked out' -> urgent"])),
])
def test_combined_problems_and_their_reasons_in_order(text, expected):
    assert outcome(text) == expected


@pytest.mark.parametrize("text, category, reasons", [
    ("The washer makes a loud noise", "maintenance", ["routine maintenance request"]),
    ("The neighbors upstairs are loud and the washer is noisy", "complaint", ["complaint words matched"]),
    ("The neighbors are loud again, this is unacceptable, third time I complain", "complaint",
     ["complaint words matched"]),
    ("How much is rent for a two-bedroom?", "billing", ["billing words matched"]),
    ("rent rent lease", "billing", ["billing words matched"]),
    ("lease lease rent", "leasing", ["leasing words matched"]),
    ("My rent payment and the broken door", "billing", ["billing words matched"]),
    ("Hello there", "general", ["no urgent problem found -> general, routine"]),
    ("", "general", ["no urgent problem found -> general, routine"]),
])
def test_categories_of_routine_messages(text, category, reasons):
    assert outcome(text) == (category, "routine", "none", reasons)


def test_an_urgent_repair_is_maintenance_even_with_other_words():
    assert outcome("The toilet is clogged and rent is due")[:2] == ("maintenance", "urgent")
    assert outcome("I want to complain, this is unacceptable: the sink leak is still not fixed") == (
        "maintenance", "urgent", "none", ["contained leak: 'leak' -> urgent"])


@pytest.mark.parametrize("text, person", [
    ("Tell Mr. Brown to call me", "Mr. Brown"),
    ("Could Ana please call me", "Ana"),
    ("Message for Sra. Gómez please", "Sra. Gómez"),
    ("Tell Maria to call me. Message for Mr. Brown", "Maria"),  # the first named person
])
def test_messages_for_a_named_person(text, person):
    t = triage(text)
    assert (t.category, t.person, t.reasons) == ("message", person, [f"message for a named person: {person}"])


@pytest.mark.parametrize("text", ["Tell the office to call me", "message for the office", "Can the office call me back"])
def test_the_office_is_not_a_person(text):
    t = triage(text)
    assert (t.category, t.person) == ("general", None)


def test_an_emergency_for_a_named_person_is_still_maintenance():
    t = triage("Tell Maria to call me, water is pouring through the ceiling")
    assert (t.category, t.urgency, t.person) == ("maintenance", "emergency", None)


@pytest.mark.parametrize("text, language", [
    ("Hola", "es"), ("¿Qué?", "es"), ("El agua", "es"), ("ñ hola", "es"), ("Hay una fuga de gás", "es"),
    ("Hello there", "en"), ("", "en"), ("The water", "en"),
    ("agua water", "en"),  # a tie is English
])
def test_language(text, language):
    assert triage(text).language == language


def test_the_json_form_lists_the_outcome_and_reasons():
    assert triage("Hay olor a gas en la cocina").as_dict() == {
        "category": "maintenance", "urgency": "emergency", "refer": "emergency_services", "language": "es",
        "reasons": ["gas smell or leak: 'olor a gas' -> emergency"], "confidence": 1.0, "ask": None}


@pytest.mark.parametrize("text, urgency", [
    ("No heat, 44° in here", "emergency"),  # a degree sign makes a number a reading
    ("No heat, it's 45 degrees inside", "urgent"),  # at the threshold, not below it
    ("No heat, it's 55 degrees and my baby is here", "urgent"),
    ("AC broken, it is 85 degrees inside and my baby is here", "urgent"),
    ("It's been 40 minutes with no heat", "urgent"),  # minutes, not degrees
    ("No heat, it's 8 c", "urgent"),  # 46.4°F
    ("Sin calefacción, 5 grados en la casa", "emergency"),
    ("It is 40 degrees in here and no heat", "emergency"),
    ("No heat. It's 40 degrees", "emergency"),
])
def test_more_temperature_readings(text, urgency):
    assert triage(text).urgency == urgency


def test_a_left_curly_quote_reads_as_an_apostrophe():
    assert triage("I don‘t smell gas anymore").urgency == "routine"


def test_at_most_two_urgent_reasons_are_listed():
    assert triage("No hot water, the fridge is not cooling and I'm locked out").reasons == [
        "no hot water: 'no hot water' -> urgent", "refrigerator not cooling: 'fridge is not cooling' -> urgent"]


def test_a_long_outage_description_is_quoted_to_60_characters():
    assert triage("The power went out about an hour ago for everyone on our whole entire long street and block").reasons == [
        "area-wide power outage: 'power went out about an hour ago for everyone on our whole e' -> refer to the utility"]


def test_an_outage_explains_the_other_problems_in_the_unit():
    assert outcome("Power outage in the neighborhood, my fridge is not cooling") == (
        "maintenance", "urgent", "utility", ["area-wide power outage: 'power outage in the neighborhood' -> refer to "
                                             "the utility"])


@pytest.mark.parametrize("text, person", [
    ("Quisiera que Ana me llame", "Ana"), ("Dígale a Pedro que me llame", "Pedro"),
    ("I'd like to speak with Mrs. Patel", "Mrs. Patel"),
])
def test_more_ways_of_asking_for_a_person(text, person):
    assert (triage(text).category, triage(text).person) == ("message", person)


@pytest.mark.parametrize("text, category", [
    ("The dishwasher is broken and I want a refund", "maintenance"),  # more repair words than billing words
    ("The dishwasher is broken and I want a refund for the rent", "billing"),
    ("Loud music from the neighbors", "complaint"),
    ("The fan is loud", "maintenance"),
    ("The fan is loud and the neighbors complain", "complaint"),
])
def test_repairs_against_other_categories(text, category):
    assert triage(text).category == category


@pytest.mark.parametrize("text, expected", [
    # What another sentence says does not discount this one, before or after it.
    ("Water is pouring through the ceiling. Thanks. Last month it was the sink.", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water is pouring' -> emergency"])),
    ("Hi. We had a flood last week. Today water is pouring in", ("maintenance", "emergency", "none", [
        "active water leak or flood: 'water is pouring' -> emergency",
        "ignored active water leak or flood (in the past: 'flood')"])),
    ("Hi. The leak is gone", ("general", "routine", "none", ["ignored contained leak (no longer happening: 'leak')"])),
])
def test_each_sentence_is_judged_on_its_own(text, expected):
    assert outcome(text) == expected

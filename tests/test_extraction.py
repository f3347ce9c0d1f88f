"""The extractor reads figures as a fact-checker would, with exact spans, deterministically."""

from datetime import date
from decimal import Decimal

import pytest

from claims.extraction import EXTRACTOR_VERSION, candidates, quantities, sentences, subject_of


def read(text: str) -> list[tuple[str, str, str, str]]:
    return [(text[q.start : q.end], format(q.value.normalize(), "f"), q.unit, q.qualifier) for q in quantities(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Output rose 12.7 percent.", [("12.7 percent", "12.7", "percent", "exact")]),
        ("They sold 3,400 cars.", [("3,400", "3400", "count", "exact")]),
        ("Rates rose to 4.25%.", [("4.25%", "4.25", "percent", "exact")]),
        ("Japan approved $50 billion for defence.", [("$50 billion", "50000000000", "USD", "exact")]),
        ("The club paid £1.3 million.", [("£1.3 million", "1300000", "GBP", "exact")]),
        ("The club paid £1.3m.", [("£1.3m", "1300000", "GBP", "exact")]),
        ("Some 9 million people voted.", [("Some 9 million", "9000000", "count", "about")]),
        ("A grant of €4.25 billion.", [("€4.25 billion", "4250000000", "EUR", "exact")]),
        ("Spending of ¥5.3 trillion.", [("¥5.3 trillion", "5300000000000", "JPY", "exact")]),
        ("A loan of USD 75.3 billion.", [("USD 75.3 billion", "75300000000", "USD", "exact")]),
        ("It cost 40 million euros.", [("40 million euros", "40000000", "EUR", "exact")]),
        ("Prices fell twelve per cent.", [("twelve per cent", "12", "percent", "exact")]),
        ("It slipped 0.4 percentage points.", [("0.4 percentage points", "0.4", "point", "exact")]),
        ("There were fifty of them.", [("fifty", "50", "count", "exact")]),
        ("They signed twenty-one players.", [("twenty-one", "21", "count", "exact")]),
        ("A dozen rockets were fired.", [("A dozen", "12", "count", "exact")]),
        ("It imported about three times more fuel.", [("about three times more", "3", "ratio", "about")]),
        ("Three quarters of the budget went.", [("Three quarters", "0.75", "ratio", "exact")]),
        ("It is more than a third larger.", [("more than a third larger", "0.3333", "ratio", "more_than")]),
        ("Output halved last year.", [("halved", "0.5", "ratio", "exact")]),
        ("Prices tripled.", [("tripled", "3", "ratio", "exact")]),
        ("Almost 40 people came.", [("Almost 40", "40", "count", "about")]),
        ("It flew over 100 kilometers.", [("over 100 kilometers", "100", "km", "more_than")]),
        ("Less than fifty inspectors.", [("Less than fifty", "50", "count", "less_than")]),
        ("At least 18 were tested.", [("At least 18", "18", "count", "at_least")]),
        ("They get $20 or more each.", [("$20 or more", "20", "USD", "at_least")]),
        ("Up to 700 km away.", [("Up to 700 km", "700", "km", "at_most")]),
        ("The 18 or so missiles.", [("18 or so", "18", "count", "about")]),
        ("Exports of 816 000 t of coal.", [("816 000 t", "816000", "tonne", "exact")]),
        ("Exports of 816\u2009000 t of coal.", [("816\u2009000 t", "816000", "tonne", "exact")]),
        ("The 2012–13 fiscal year.", [("2012–13", "2012", "year", "exact")]),
        ("It has grown since 1953.", [("since 1953", "1953", "year", "exact")]),
        ("Starved since the 1990s.", [("since the 1990s", "1990", "decade", "exact")]),
        ("The surrender in August 15, 1945 ended it.", [("August 15, 1945", "1945", "year", "exact")]),
        ("Two decades of neglect.", [("Two decades", "2", "decade", "exact")]),
        ("Jailed for a few months.", [("a few months", "3", "month", "about")]),
        ("Over the coming decade, costs rise.", [("the coming decade", "1", "decade", "exact")]),
        ("It won for the third straight year.", [("the third straight year", "3", "ordinal", "exact")]),
        ("This is the eighth year in a row.", [("the eighth year in a row", "8", "ordinal", "exact")]),
        ("A 600mm rocket.", [("600mm", "600", "mm", "exact")]),
        ("It holds 9 million barrels.", [("9 million barrels", "9000000", "barrel", "exact")]),
        ("The march covered 26.2 miles.", [("26.2 miles", "26.2", "mile", "exact")]),
        ("A 17 month test halt.", [("17 month", "17", "month", "exact")]),
        ("Harlow lost 3-1 to them.", [("3", "3", "count", "exact"), ("1", "1", "count", "exact")]),
        (
            "Between 2 and 3 percent.",
            [("Between 2", "2", "percent", "at_least"), ("3 percent", "3", "percent", "at_most")],
        ),
        ("One in five pupils.", [("One in five", "0.2", "ratio", "exact")]),
        ("Some three hundred people marched.", [("Some three hundred", "300", "count", "about")]),
        ("Cases rose to more than twice the record.", [("more than twice", "2", "ratio", "more_than")]),
        ("The lowest in more than a decade.", [("more than a decade", "1", "decade", "more_than")]),
        ("Up from nine in 1970.", [("nine", "9", "count", "exact"), ("1970", "1970", "year", "exact")]),
        ("It won four years earlier.", []),
        ("A third-quarter profit in the fourth quarter.", []),
        ("Output passed 14 million tonnes.", [("passed 14 million tonnes", "14000000", "tonne", "more_than")]),
    ],
)
def test_the_extractor_reads_each_kind_of_figure(text, expected):
    assert read(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '"I\'m not sure," he said. "I\'d rather wait."',
        "The KN-25 and the F-35 and COVID-19 and the G7 and CO2.",
        "He drives in Formula 1 for them.",
        "A ZZ2257M5857A 6x6 truck.",
        "One of the last tests failed.",
        "The 20th century was long.",
        "It may rain in the evening.",
    ],
)
def test_names_codes_and_words_that_look_like_numbers_are_not_figures(text):
    assert read(text) == []


def test_list_numbering_and_datelines_are_not_figures_but_date_the_paragraph():
    text = (
        "September 9, 2019: North Korea fired 18 rockets.\n\n"
        "  1. Make sure you spread the word.\n  2. Subscribe to the newsletter."
    )
    found = quantities(text)
    assert [(text[q.start : q.end], q.as_of, q.as_of_precision) for q in found] == [("18", date(2019, 9, 9), "day")]


def test_a_figure_for_a_named_year_is_as_of_that_year():
    text = "August 30, 2019: Japan approved a record defense budget of $50 billion for 2020."
    budget = quantities(text)[0]
    assert (text[budget.start : budget.end], budget.as_of, budget.as_of_precision) == (
        "$50 billion",
        date(2020, 1, 1),
        "year",
    )


def test_a_month_without_a_year_takes_the_year_of_its_dated_paragraph():
    text = "September 9, 2019: The first test came in early May after a 17 month halt."
    first = quantities(text)[0]
    assert (text[first.start : first.end], first.value, first.as_of) == ("early May", 2019, date(2019, 5, 1))


def test_sentences_do_not_break_after_abbreviations_or_decimals():
    text = "The U.S. paid $4.5 billion. Mr. Kim left at 3 p.m. on Monday. Then it rained!\nNew line here"
    assert [text[s:e] for s, e in sentences(text)] == [
        "The U.S. paid $4.5 billion.",
        "Mr. Kim left at 3 p.m. on Monday.",
        "Then it rained!",
        "New line here",
    ]


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        ("Japan approved a record defense budget of $50 billion for 2020.", "Japan"),
        ("In this way, North Korea has been importing about three times more fuel.", "North Korea"),
        ("The KN-25 was first seen in August.", "KN-25"),
        ("September 1, 2019: South Korea paid more.", "South Korea"),
        ("it rained a lot.", ""),
    ],
)
def test_the_subject_is_the_first_proper_name_of_the_sentence(sentence, subject):
    assert subject_of(sentence) == subject


def test_candidates_carry_span_statement_subject_and_version(seed_text):
    found = candidates(seed_text, default_as_of=date(2019, 9, 12))
    budget = next(c for c in found if c.quote == "$50 billion")
    assert seed_text[budget.span_start : budget.span_end] == "$50 billion"
    assert budget.statement == "Japan approved a record defense budget of $50 billion for 2020."
    assert (budget.subject, budget.value, budget.unit, budget.kind) == (
        "Japan",
        Decimal(50_000_000_000),
        "USD",
        "quantitative",
    )
    assert budget.extractor_version == EXTRACTOR_VERSION
    assert 0 < budget.confidence <= 1
    for candidate in found:
        assert seed_text[candidate.span_start : candidate.span_end] == candidate.quote
        assert candidate.quote == candidate.quote.strip()


def test_extraction_is_deterministic(seed_text):
    first = [c.as_dict() for c in candidates(seed_text)]
    assert all([c.as_dict() for c in candidates(seed_text)] == first for _ in range(3))


def test_progress_is_reported_up_to_the_whole_text():
    calls = []
    text = "It rose 5 percent. " * 10_000
    quantities(text, progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (len(text), len(text))
    assert len(calls) >= 3
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)

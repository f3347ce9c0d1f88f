"""factory_boy factories for test data."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from claims.models import FACT_FIELDS, Claim, Evidence, Fact, ReviewNote, Source

ARTICLE = (
    "August 30, 2019: Japan approved a record defense budget of $50 billion for 2020. "
    "That is the eighth year in a row that Japan has increased defense spending. "
    "\U0001f389 North Korea fired 18 rockets so far this year."
)


def budget_claim(article: Source, /, **fields) -> dict:
    """What an editor sends to claim the factory article's "$50 billion" (API body or admin
    form); ``fields`` replace or add any key."""
    start = article.text.index("$50 billion")
    return {
        "source": article.pk, "span_start": start, "span_end": start + len("$50 billion"),
        "statement": "Japan approved a record defense budget of $50 billion for 2020.", "kind": "quantitative",
        "subject": "Japan", "value": "50000000000", "unit": "USD", "qualifier": "exact", **fields,
    }  # fmt: skip


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@claimbook.example")
    # The model requires a password; an unusable one (no login by password) costs no hashing.
    password = factory.LazyFunction(lambda: make_password(None))
    is_staff = True


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Article {n}")
    publisher = "StrategyPage"
    url = factory.Sequence(lambda n: f"https://news.example/articles/{n}")
    text = ARTICLE


class ClaimFactory(factory.django.DjangoModelFactory):
    """A quantitative claim on the first sentence's "$50 billion" unless told otherwise."""

    class Meta:
        model = Claim

    source = factory.SubFactory(SourceFactory)
    span_start = factory.LazyAttribute(lambda claim: claim.source.text.index("$50 billion"))
    span_end = factory.LazyAttribute(lambda claim: claim.span_start + len("$50 billion"))
    statement = "Japan approved a record defense budget of $50 billion for 2020."
    kind = Claim.Kind.QUANTITATIVE
    subject = "Japan"
    value = 50_000_000_000
    unit = Claim.Unit.USD
    qualifier = Claim.Qualifier.EXACT
    fact = factory.LazyAttribute(lambda claim: own_fact(claim))


def own_fact(claim) -> Fact:
    """A fact of the claim's own, as claim_create makes one: its statement, quantity and verdict."""
    defaults = {"value": None, "as_of": None}
    status = getattr(claim, "status", Claim.Status.UNREVIEWED)
    return Fact.objects.create(
        **{name: getattr(claim, name, defaults.get(name, "")) for name in FACT_FIELDS},
        status=Claim.Status.UNREVIEWED if status == Claim.Status.DISMISSED else status,
        reviewed_at=getattr(claim, "reviewed_at", None),
    )


class ReviewNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewNote

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory)
    body = "Checked against the Ministry of Defense's budget request."


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    claim = factory.SubFactory(ClaimFactory)
    url = "https://www.mod.go.jp/en/d_act/d_budget/index.html"
    title = "Defense Programs and Budget of Japan"
    publisher = "Ministry of Defense of Japan"
    stance = Evidence.Stance.SUPPORTS
    retrieved_on = datetime.date(2019, 9, 13)  # the day after the article, as a reviewer would read it

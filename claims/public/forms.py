"""The home page's search and filters, checked before they reach a query."""

from django import forms

from claims import workflow
from claims.claimreview import verdict_name
from claims.models import Source

# Longest search a reader may type; longer ones are refused with a message, not cut silently.
MAX_QUERY_CHARS = 200
VERDICTS = [workflow.Status.VERIFIED, workflow.Status.FALSE, workflow.Status.DISPUTED, workflow.Status.UNVERIFIABLE]


class FactCheckSearchForm(forms.Form):
    """``q``, ``verdict``, ``source``, ``publisher`` and ``page``, all optional. ``sources`` are the
    articles with a public claim: the only ones a reader can filter on."""

    q = forms.CharField(
        label="Search", required=False, max_length=MAX_QUERY_CHARS, strip=True,
        error_messages={"max_length": "Searches are at most %(limit_value)d characters (this one has %(show_value)d)."},
    )  # fmt: skip
    verdict = forms.ChoiceField(label="Verdict", required=False)
    source = forms.TypedChoiceField(label="Article", required=False, coerce=int, empty_value=None)
    publisher = forms.ChoiceField(label="Publisher", required=False)
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10**9,
        error_messages={"invalid": "The page must be a whole number, e.g. 2."},
    )  # fmt: skip

    def __init__(self, data, *, sources: list[Source]):
        super().__init__(data)
        fields: dict[str, forms.ChoiceField] = self.fields  # type: ignore[assignment]  # those set below are choice fields
        verdicts = [(status.value, verdict_name(status)) for status in VERDICTS]
        fields["verdict"].choices = [("", "Any verdict"), *verdicts]
        self.fields["verdict"].error_messages["invalid_choice"] = (
            f"%(value)s is not a verdict; choose one of {', '.join(s.value for s in VERDICTS)}."
        )
        fields["source"].choices = [("", "Any article"), *((str(s.pk), s.title) for s in sources)]
        self.fields["source"].error_messages["invalid_choice"] = (
            "%(value)s is not an article with a published fact check; choose one from the list."
        )
        publishers = sorted({s.publisher for s in sources if s.publisher})
        fields["publisher"].choices = [("", "Any publisher"), *((p, p) for p in publishers)]
        self.fields["publisher"].error_messages["invalid_choice"] = (
            "%(value)s publishes no article with a published fact check; choose one from the list."
        )

"""The admin's forms: the claim's (the span check, the workflow and the version guard) and the
webhook endpoint's (its address checked as deliveries will be)."""

from django import forms
from django.core.exceptions import ValidationError

from . import services, webhooks, workflow
from .conf import claimbook_settings
from .models import NOTE_MAX_CHARS, Claim, WebhookEndpoint


def new_evidence_count(data, prefix: str = "evidence") -> int:
    """How many evidence items the inline formset in ``data`` is adding (not deleting)."""
    try:
        total = int(data.get(f"{prefix}-TOTAL_FORMS", 0))
        initial = int(data.get(f"{prefix}-INITIAL_FORMS", 0))
    except ValueError:
        return 0
    return sum(
        1
        for index in range(initial, total)
        if data.get(f"{prefix}-{index}-url") and not data.get(f"{prefix}-{index}-DELETE")
    )


class ClaimAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_status = forms.ChoiceField(
        label="Change status to",
        required=False,
        help_text="A verdict needs evidence (below) or a note saying why there is none.",
    )
    transition_note = forms.CharField(
        label="Note",
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept as an internal review note (never published), e.g. what the verdict rests on.",
    )

    may_review = True  # set per request by the admin (workflow.can_review)

    class Meta:
        model = Claim
        fields = ["source", *services.CLAIM_EDITABLE]  # what an editor writes; the rest is derived
        widgets = {"rationale": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        if claim.pk:
            self.fields["expected_version"].initial = claim.version
        if claim.pk and self.may_review:
            targets = sorted(workflow.allowed_targets(claim.status), key=list(workflow.Status).index)
            self.fields["new_status"].choices = [("", "— keep as it is —")] + [(t.value, t.label) for t in targets]
        else:
            del self.fields["new_status"]

    def clean_transition_note(self):
        note = self.cleaned_data.get("transition_note")
        if note and not workflow.has_words(note):
            raise ValidationError(workflow.NOTE_WITHOUT_WORDS, code="note_without_words")
        return note

    def clean(self):
        cleaned = super().clean()
        claim = self.instance
        if not claim.pk:
            return cleaned
        expected = cleaned.get("expected_version")
        if expected is None:
            raise ValidationError(
                "This page is out of date: it was sent without the version of the claim it shows, so a colleague's "
                "change could be overwritten. Nothing was saved: reload the page, then apply your change again.",
                code="version_missing",
            )
        try:
            services.check_version(Claim.objects.get(pk=claim.pk), expected)
        except services.StaleVersion as exc:
            raise ValidationError(exc.message, code=exc.code) from None
        target = cleaned.get("new_status")
        if target:
            evidence = claim.evidence.count() + new_evidence_count(self.data)
            try:
                workflow.plan_transition(
                    claim.status, target, evidence_count=evidence, note=cleaned.get("transition_note")
                )
            except workflow.TransitionError as exc:
                self.add_error("new_status", ValidationError(exc.message, code=exc.code))
        return cleaned


class WebhookEndpointForm(forms.ModelForm):
    """An endpoint's URL (http or https, on a public address) and the kinds of change it is sent."""

    url = forms.URLField(
        label="URL",
        max_length=2000,
        assume_scheme="https",  # a URL typed without a scheme is taken as https
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
        widget=forms.URLInput(attrs={"size": 80}),
    )
    event_types = forms.MultipleChoiceField(
        label="Event types",
        choices=[(kind, f"{kind} ({name})") for kind, name in webhooks.EVENT_TYPES.items()],
        widget=forms.CheckboxSelectMultiple,
        initial=list(webhooks.EVENT_TYPES),
        help_text="Which changes to the public set this endpoint is sent.",
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "event_types", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        webhooks.check_url(url, allow_private=claimbook_settings.WEBHOOK_ALLOW_PRIVATE)
        return url

"""Validators shared by the model, the admin's forms and the services, so a rule is stated once."""

from django.core.validators import URLValidator

# One message for every refused source URL, malformed or of another scheme (javascript:,
# data:, ftp:, file:): a source is linked from the admin's annotated article.
source_url = URLValidator(
    schemes=["http", "https"],
    code="not_http_url",  # not "invalid", which a form field would replace by its own "Enter a valid URL."
    message="A source URL must be a web address starting with http:// or https://, e.g. https://news.example/article.",
)

# An evidence item is what a verdict rests on, linked from the API and the fact-check pages.
evidence_url = URLValidator(
    schemes=["http", "https"],
    code="not_http_url",
    message="Evidence URLs must start with http:// or https://.",
)

"""The factories make only what the models accept: every default passes the model's own validation."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from tests.factories import ClaimFactory, EvidenceFactory, ReviewNoteFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

FACTORIES = [UserFactory, SourceFactory, ClaimFactory, ReviewNoteFactory, EvidenceFactory]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda factory: factory.__name__)
def test_every_factory_default_passes_the_models_validation(factory):
    made = factory()
    made.refresh_from_db()
    made.full_clean()  # choices, validators and clean(): a ValidationError names the field a default breaks


def test_the_validation_above_refuses_a_unit_spelled_otherwise_than_its_code():
    claim = ClaimFactory.build(unit="usd", source=SourceFactory())
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert refused.value.message_dict == {"unit": ["Value 'usd' is not a valid choice."]}


def test_factory_users_have_a_password_that_no_one_can_log_in_with():
    user = get_user_model().objects.get(pk=UserFactory().pk)
    assert user.password.startswith("!")
    assert not user.has_usable_password()

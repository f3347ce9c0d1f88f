"""The seed article is stored byte for byte: every offset is measured against it."""

import hashlib
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEED

# The committed copy, pinned: a clone without the shared folder still checks every byte.
SEED_SHA256 = "a83f0fa44a82a78e6967a04531412940e5e7247630898759f9e33612b59bac04"
SEED_BYTES = 23749
SEED_CODE_POINTS = 23669


def shared_seed() -> Path | None:
    """The shared reference copy (shared/seeds/<name> beside a parent folder of the checkout), if any."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "seeds" / SEED.name
        if candidate.is_file():
            return candidate
    return None


def test_the_seed_has_the_pinned_sha256_and_length():
    data = SEED.read_bytes()
    assert (hashlib.sha256(data).hexdigest(), len(data)) == (SEED_SHA256, SEED_BYTES)


def test_the_shared_copy_where_there_is_one_is_byte_identical_to_the_seed():
    shared = shared_seed()
    if shared is None:
        pytest.skip(
            f"no shared/seeds/{SEED.name} in any parent folder of {ROOT}; "
            "the committed seed is checked against its pinned sha256 and length instead"
        )
    data = shared.read_bytes()
    assert (hashlib.sha256(data).hexdigest(), len(data)) == (SEED_SHA256, SEED_BYTES), shared
    assert data == SEED.read_bytes()


def test_the_seed_keeps_its_typos_and_counts_23669_code_points(seed_text):
    assert "The North Koreane government" in seed_text
    assert "but Russian has said things like that before" in seed_text
    assert len(seed_text) == SEED_CODE_POINTS

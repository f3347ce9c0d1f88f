"""The seed article is stored byte for byte: every offset is measured against it."""

import hashlib

from tests.conftest import ROOT, SEED

SEED_SHA256 = "a83f0fa44a82a78e6967a04531412940e5e7247630898759f9e33612b59bac04"
SHARED_SEED = ROOT.parent / "shared" / "seeds" / SEED.name


def test_the_seed_has_the_published_sha256():
    assert hashlib.sha256(SEED.read_bytes()).hexdigest() == SEED_SHA256


def test_the_seed_is_byte_identical_to_the_shared_copy_where_there_is_one():
    # In a clone without the shared folder the digest above is the reference.
    if SHARED_SEED.exists():
        assert SEED.read_bytes() == SHARED_SEED.read_bytes()


def test_the_seed_keeps_its_typos_and_counts_23669_code_points(seed_text):
    assert "The North Koreane government" in seed_text
    assert "but Russian has said things like that before" in seed_text
    assert len(seed_text) == 23669
    assert len(SEED.read_bytes()) == 23749

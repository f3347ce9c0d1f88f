"""Pure functions that read an article and propose candidate claims.

``sentences`` splits a text, ``quantities`` finds every figure in it (digits, number
words, money, percentages, units, dates, durations, ratios, fact-carrying ordinals) with
its half-open code-point span, and ``extract`` (or ``candidates``) turns them into claims an
editor can accept or dismiss. Deterministic: the same text always gives the same output.

Any text at all is read in time and memory linear in its length: no pattern backtracks over a
run of characters more than a bounded number of times, every look left or right of a figure
is a bounded window, sentences and figures are produced lazily, a statement is at most
``STATEMENT_WINDOW`` characters around its figure, and ``extract`` stops at ``limit``
candidates. bench/extraction_adversarial.py measures it on hostile texts.

Where things are:

- ``vocabulary.py``: the word tables (number words, scales, months, currencies, unit words,
  qualifiers, abbreviations, words that are not names or subjects) and ``UNITS_PRODUCED``.
- ``patterns.py``: the regular expressions built from those tables; ``CORE`` finds figures.
- ``figures.py``: ``Quantity``, the reader of each kind of ``CORE`` match, ``quantities``.
- ``splitting.py``: ``sentences``.
- ``proposals.py``: ``Candidate``, subjects, statements, ``extract`` and its cap,
  ``candidates``, ``SentenceIndex``, ``EXTRACTOR_VERSION``.

To add a unit: its words in ``vocabulary.UNIT_WORDS`` (its code must be in claims/units.py).
To add a pattern: a named group in ``patterns.CORE`` and its reader in ``figures.READERS``.
Either changes the output: raise ``EXTRACTOR_VERSION``.
"""

from .figures import Quantity, iter_quantities, quantities
from .proposals import (
    EXTRACTOR_VERSION,
    STATEMENT_MAX_CHARS,
    STATEMENT_WINDOW,
    Candidate,
    Extraction,
    SentenceIndex,
    candidates,
    extract,
    subject_of,
)
from .splitting import iter_sentences, sentences
from .vocabulary import UNITS_PRODUCED

__all__ = [
    "EXTRACTOR_VERSION",
    "STATEMENT_MAX_CHARS",
    "STATEMENT_WINDOW",
    "UNITS_PRODUCED",
    "Candidate",
    "Extraction",
    "Quantity",
    "SentenceIndex",
    "candidates",
    "extract",
    "iter_quantities",
    "iter_sentences",
    "quantities",
    "sentences",
    "subject_of",
]

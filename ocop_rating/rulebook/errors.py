"""Errors raised by the rulebook package.

Every error is a :class:`RulebookError` with a stable ``code`` and a message a person can act on
(which criterion, which option, which rulebook). The package never ignores bad input: an unknown
criterion code, an option index out of range, a case that does not exist or a knock-out that
does not apply to the sheet all raise. The web layer may wrap these in its own ``OcopError``.
"""
from __future__ import annotations


class RulebookError(Exception):
    """Base class of every error raised by ``ocop_rating.rulebook``."""

    code = "rulebook_error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- loading -------------------------------------------------------------------------------

class RulebookDataError(RulebookError):
    """A rulebook folder or file is malformed (missing field, wrong type, duplicate code)."""

    code = "rulebook_data"


class RulebookInvalid(RulebookDataError):
    """A rulebook loaded but ``check_rulebook`` found errors in it (strict loading)."""

    code = "rulebook_invalid"

    def __init__(self, message: str, issues=()):
        super().__init__(message)
        self.issues = tuple(issues)


class RulebookNotFound(RulebookError):
    """No rulebook with that version code, or none in force on that date."""

    code = "rulebook_not_found"


class SheetNotFound(RulebookError):
    """The rulebook has no product set (sheet) with that number."""

    code = "sheet_not_found"


# --- scoring -------------------------------------------------------------------------------

class ScoringError(RulebookError):
    """Base class of the errors about choices given to ``score_sheet``."""

    code = "scoring_error"


class UnknownCriterion(ScoringError):
    """A choice names a code that is not a scorable item of the sheet."""

    code = "unknown_criterion"


class InvalidOption(ScoringError):
    """An option index is not an integer or is out of range for the item."""

    code = "invalid_option"


class CaseError(ScoringError):
    """Base class of the errors about the two-case sections (set 26)."""

    code = "case_error"


class CaseRequired(CaseError):
    """An option was chosen in a two-case section without saying which case applies."""

    code = "case_required"


class UnknownCase(CaseError):
    """The case key does not exist for that section."""

    code = "unknown_case"


class CaseNotApplicable(CaseError):
    """A case was given for an item that has no cases."""

    code = "case_not_applicable"


class KnockoutNotApplicable(ScoringError):
    """The knock-out code is unknown or does not apply to this sheet."""

    code = "knockout_not_applicable"


# --- council -------------------------------------------------------------------------------

class CouncilError(RulebookError):
    """Bad input to ``aggregate`` or bad council rules."""

    code = "council_error"


class InvalidCouncilRules(CouncilError):
    """A council-rules dict has an unknown key or a value of the wrong kind."""

    code = "invalid_council_rules"

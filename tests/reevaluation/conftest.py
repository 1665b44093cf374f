"""The re-evaluation tests' shared world: certificates at every point of the pipeline
(defined with the page tests, test_pages.py)."""
from tests.reevaluation.test_pages import world  # noqa: F401

"""Suite-wide pytest configuration.

With ``CI=true`` the browser (``e2e``) and container (``container``) tests must run: a skip of one of
them, for whatever reason, is reported as a failure, and a full run that collects none of them fails too.
Outside CI they skip with a note saying what to install.
"""

import os

import pytest

MUST_RUN_IN_CI = ("e2e", "container")


def in_ci():
    """True when running under CI (``CI=true``), where nothing may silently skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def _must_run(item):
    return any(item.get_closest_marker(name) for name in MUST_RUN_IN_CI)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if in_ci() and report.skipped and _must_run(item) and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"CI=true, so a {'/'.join(MUST_RUN_IN_CI)} test may not skip: {report.longrepr}"


def pytest_collection_finish(session):
    # A full run (no paths given) under CI must include the browser and container tests.
    config = session.config
    if not in_ci() or config.args_source != pytest.Config.ArgsSource.TESTPATHS:
        return
    missing = [m for m in MUST_RUN_IN_CI if not any(i.get_closest_marker(m) for i in session.items)]
    if missing:
        raise pytest.UsageError(f"CI=true but no tests marked {missing} were collected")

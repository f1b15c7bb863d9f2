"""Every test in this folder is marked ``container``; the image size measured is printed in the summary."""

import pytest

IMAGE_FACTS = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[IMAGE_FACTS] = {}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/container/" in item.path.as_posix():
            item.add_marker(pytest.mark.container)


@pytest.fixture
def image_facts(request):
    """A dict the container test fills (e.g. ``size``); printed at the end of the run."""
    return request.config.stash[IMAGE_FACTS]


def pytest_terminal_summary(terminalreporter, config):
    facts = config.stash.get(IMAGE_FACTS, {})
    if facts:
        terminalreporter.section("container image")
        for name, value in facts.items():
            terminalreporter.write_line(f"{name}: {value}")

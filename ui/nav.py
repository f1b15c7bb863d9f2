"""The page registry: every page's file, URL path, catalogue namespace and section, declared once."""

from __future__ import annotations

from typing import NamedTuple


class PageEntry(NamedTuple):
    key: str  # catalogue namespace and the name used in ui/params.py
    file: str
    url_path: str
    section: str  # catalogue key of the navigation section
    icon: str


PAGES: tuple[PageEntry, ...] = (
    PageEntry("home", "pages/home.py", "home", "nav.start", ":material/home:"),
    PageEntry("softmax", "pages/softmax.py", "softmax", "nav.basics", ":material/bar_chart:"),
    PageEntry("temperature", "pages/temperature.py", "temperature", "nav.basics", ":material/thermostat:"),
    PageEntry("cross_entropy", "pages/cross_entropy.py", "cross_entropy", "nav.training", ":material/trending_down:"),
    PageEntry("calibration", "pages/calibration.py", "calibration", "nav.training", ":material/balance:"),
    PageEntry("numerics", "pages/numerics.py", "numerics", "nav.pitfalls", ":material/warning:"),
    PageEntry("relatives", "pages/relatives.py", "relatives", "nav.pitfalls", ":material/hub:"),
)

BY_KEY = {page.key: page for page in PAGES}

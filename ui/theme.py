"""Colours and sizes shared by charts and pages. No Streamlit here: charts receive a Style."""

from __future__ import annotations

from typing import NamedTuple

# Okabe & Ito (2008), a palette distinguishable under the common colour-vision deficiencies.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#8C8C8C",
}
# Series order for multi-line charts; yellow last because it is faint on a white projector screen.
SERIES = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["grey"],
    OKABE_ITO["yellow"],
)
BAR = OKABE_ITO["blue"]
HIGHLIGHT = OKABE_ITO["vermillion"]
MUTED = OKABE_ITO["grey"]
REFERENCE = OKABE_ITO["bluish_green"]


class Style(NamedTuple):
    """Sizes for one display mode. Chart builders take a Style and nothing from Streamlit."""

    font_size: int
    title_size: int
    bar_text_size: int
    line_width: float
    marker_size: int
    height: int


NORMAL = Style(font_size=15, title_size=18, bar_text_size=14, line_width=2.5, marker_size=9, height=380)
PROJECTOR = Style(font_size=24, title_size=28, bar_text_size=22, line_width=5.0, marker_size=16, height=520)


def style_for(projector: bool) -> Style:
    return PROJECTOR if projector else NORMAL

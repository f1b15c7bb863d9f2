"""Where Plotly puts a figure's title and what rests on the plot's top edge, in px from the figure's top.

For the unit tests of "nothing in the top margin sits on the title" (the browser's layout check measures the
drawn page; these catch the same collisions from the figure spec alone). Measured in Chromium with Plotly's
bundle: a title's first line is centred at its y (by default the middle of the top margin), its ink from
0.93 font sizes above that point to 0.27 below, and each further line hangs 1.25 font sizes lower.
"""


def title_band(layout, style):
    """Top and bottom of the title's lines."""
    lines = layout.title.text.count("<br>") + 1
    size = style.title_size
    if layout.title.yref == "container" and layout.title.y is not None:
        at = (1 - layout.title.y) * layout.height
    else:
        at = layout.margin.t / 2
    return at - 0.93 * size, at + 0.27 * size + 1.25 * size * (lines - 1)


def top_row_top(layout, size):
    """Top of a row of text of font ``size`` resting on the plot's top edge (a legend or notes), with padding."""
    return layout.margin.t - (1.3 * size + 10)

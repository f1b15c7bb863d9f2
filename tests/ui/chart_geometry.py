"""Where Plotly puts a figure's title and what rests on the plot's top edge, in px from the figure's top.

For the unit tests of "nothing in the top margin sits on the title" (the browser's layout check measures the
drawn page; these catch the same collisions from the figure spec alone).
"""


def title_band(layout, style):
    """Top and bottom of the title's lines."""
    lines = layout.title.text.count("<br>") + 1
    tall = 1.25 * style.title_size * lines
    if layout.title.yref == "container" and layout.title.yanchor == "top":
        top = (1 - layout.title.y) * layout.height + layout.title.pad.t
        return top, top + tall
    middle = layout.margin.t / 2  # Plotly's default: the title centred in the top margin
    return middle - tall / 2, middle + tall / 2


def top_row_top(layout, size):
    """Top of a row of text of font ``size`` resting on the plot's top edge (a legend or notes), with padding."""
    return layout.margin.t - (1.3 * size + 10)

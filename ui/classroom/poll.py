"""The projector's bar chart of a room's answers, as plain HTML. Pure: no Streamlit.

HTML rather than Plotly so that the chart carries its numbers as a test contract (``data-testid="class-poll"``,
``data-counts``), wraps long options as text does, and scales with the page's root font size, which projector
mode enlarges. Every count is printed; nothing needs hover. Before the reveal all bars share one colour, so the
chart gives nothing away; after it, the right option is green and marked, the others grey.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from ui import theme

LETTERS = "ABCDEFGHIJ"


def option_letter(index: int) -> str:
    return LETTERS[index]


def poll_html(options: Sequence[str], counts: Sequence[int], *, answer: int | None, summary: str,
              right_label: str) -> str:
    """The chart: one row per option (letter, text, bar, count and share), then nothing else.

    ``answer`` is the right option's index once revealed, else None. ``summary`` is the chart's alt text.

    >>> out = poll_html(["yes", "no"], [3, 1], answer=None, summary="4 answers", right_label="right")
    >>> 'data-testid="class-poll"' in out, 'data-counts="[3, 1]"' in out, "75%" in out
    (True, True, True)
    """
    counts = [int(c) for c in counts]
    if len(counts) != len(options):
        raise ValueError(f"{len(options)} options but {len(counts)} counts")
    total = sum(counts)
    rows = []
    for i, (option, count) in enumerate(zip(options, counts)):
        share = count / total if total else 0.0
        right = answer == i
        colour = (theme.REFERENCE if right else theme.MUTED) if answer is not None else theme.BAR
        mark = (f' <strong style="color:{theme.REFERENCE}">✓ {html.escape(right_label)}</strong>' if right else "")
        weight = "700" if right else "400"
        rows.append(
            f'<div style="margin:0 0 0.7em 0">'
            f'<div style="font-size:1.05rem;font-weight:{weight};line-height:1.3">'
            f'<strong>{option_letter(i)}.</strong> {html.escape(str(option))}{mark}</div>'
            f'<div style="display:flex;align-items:center;gap:0.5em">'
            f'<div style="flex:1 1 auto;background:#EEEEEE;height:1.6rem;border-radius:3px">'
            f'<div data-option="{i}" style="width:{100 * share:.1f}%;height:100%;background:{colour};'
            f'border-radius:3px"></div></div>'
            f'<div style="flex:0 0 5.5em;font-size:1.35rem;font-weight:700;text-align:right;'
            f'font-variant-numeric:tabular-nums">{count} <span style="font-weight:400;font-size:0.8em">'
            f'({100 * share:.0f}%)</span></div></div></div>'
        )
    return (f'<div data-testid="class-poll" data-counts="{html.escape(json.dumps(counts))}" '
            f'data-revealed="{int(answer is not None)}" role="img" aria-label="{html.escape(summary)}">'
            + "".join(rows) + "</div>")

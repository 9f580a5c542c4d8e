"""Small server-side SVG charts for the self-contained report (no library, no network).

Every label is escaped: source names and flag names come from the corpus.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

_FONT = 'font-family="system-ui,sans-serif" font-size="12"'


def _colour(share: float) -> str:
    """White (0) to deep teal (1) for coverage shares."""
    share = min(max(share, 0.0), 1.0)
    r, g, b = (int(255 - share * (255 - c)) for c in (0, 110, 120))
    return f"rgb({r},{g},{b})"


def heatmap(rows: Sequence[str], cols: Sequence[str], values: Sequence[Sequence[float | None]],
            title: str) -> Markup:
    """A rows x cols grid of shares 0..1, each cell labelled with its percentage."""
    label_w, cell_w, cell_h, top = 170, 90, 28, 40
    width = label_w + cell_w * len(cols) + 10
    height = top + cell_h * len(rows) + 10
    out = [_svg_open(width, height, title)]
    for j, col in enumerate(cols):
        x = label_w + j * cell_w + cell_w / 2
        out.append(f'<text x="{x:.0f}" y="{top - 10}" text-anchor="middle" '
                   f'font-weight="600">{escape(col)}</text>')
    for i, row in enumerate(rows):
        y = top + i * cell_h
        short = row if len(row) <= 26 else row[:25] + "\u2026"
        out.append(f'<text x="{label_w - 8}" y="{y + cell_h / 2 + 4:.0f}" text-anchor="end">'
                   f'<title>{escape(row)}</title>{escape(short)}</text>')
        for j, value in enumerate(values[i]):
            x = label_w + j * cell_w
            fill = "#eee" if value is None else _colour(value)
            text = "n/a" if value is None else f"{value:.0%}"
            ink = "#fff" if value is not None and value > 0.55 else "#222"
            out.append(f'<rect x="{x + 1}" y="{y + 1}" width="{cell_w - 2}" height="{cell_h - 2}" '
                       f'fill="{fill}"><title>{escape(row)} / {escape(col)}: {text}</title></rect>'
                       f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h / 2 + 4:.0f}" '
                       f'text-anchor="middle" fill="{ink}">{text}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _svg_open(width: int, height: int, title: str) -> str:
    # Scales down with its container (max-width), never wider than the page at 390 px.
    return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" style="max-width:100%;height:auto" {_FONT}>'
            f'<title>{escape(title)}</title>')


def histogram(values: Sequence[float], title: str, bins: int = 10, colour: str = "#4a7fb0",
              marker: float | None = None, marker_label: str = "", x_label: str = "",
              y_label: str = "") -> Markup:
    """Counts of ``values`` (0..1) in ``bins`` equal bins, axis titles, and an optional
    threshold marker (a dashed line at ``marker`` on the 0..1 axis, ``data-marker`` holds it)."""
    width, height, left, bottom, top = 380, 200, 48, 46, 26
    counts = [0] * bins
    for v in values:
        counts[min(int(max(v, 0.0) * bins), bins - 1)] += 1
    peak = max(counts) or 1
    bar_w = (width - left - 12) / bins
    plot_h = height - bottom - top
    out = [_svg_open(width, height, title),
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - 12}" y2="{height - bottom}" '
           'stroke="#888"/>',
           f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{peak}</text>',
           f'<text x="{left - 4}" y="{height - bottom}" text-anchor="end">0</text>']
    for i, c in enumerate(counts):
        h = plot_h * c / peak
        x = left + i * bar_w
        out.append(f'<rect x="{x + 1:.1f}" y="{height - bottom - h:.1f}" width="{bar_w - 2:.1f}" '
                   f'height="{h:.1f}" fill="{colour}"><title>{i / bins:.1f}\u2013{(i + 1) / bins:.1f}: '
                   f'{c}</title></rect>')
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        x = left + tick * bins * bar_w
        out.append(f'<text x="{x:.0f}" y="{height - bottom + 15}" text-anchor="middle" '
                   f'fill="#555">{tick:g}</text>')
    if x_label:
        out.append(f'<text x="{left + bins * bar_w / 2:.0f}" y="{height - 8}" text-anchor="middle" '
                   f'font-weight="600">{escape(x_label)}</text>')
    if y_label:
        out.append(f'<text transform="translate(14 {top + plot_h / 2:.0f}) rotate(-90)" '
                   f'text-anchor="middle" font-weight="600">{escape(y_label)}</text>')
    if marker is not None:
        m = min(max(float(marker), 0.0), 1.0)
        x = left + m * bins * bar_w
        anchor = "end" if m > 0.6 else "start"
        dx = -4 if m > 0.6 else 4
        out.append(f'<g class="marker" data-marker="{m:g}"><line x1="{x:.1f}" y1="{top - 6}" '
                   f'x2="{x:.1f}" y2="{height - bottom}" stroke="#c0392b" stroke-width="2" '
                   f'stroke-dasharray="5 3"/><text x="{x + dx:.1f}" y="{top - 10}" '
                   f'text-anchor="{anchor}" fill="#c0392b">{escape(marker_label)}</text></g>')
    out.append("</svg>")
    return Markup("".join(out))


def bars(items: Sequence[tuple], title: str, colour: str = "#b5651d",
         x_label: str = "") -> Markup:
    """Horizontal bars, one per ``(label, count)`` or ``(label, count, tooltip)``, in order."""
    label_w, bar_max, row_h = 220, 170, 22
    bottom = 24 if x_label else 10
    width, height = label_w + bar_max + 50, max(row_h * len(items) + bottom, 30)
    peak = max((item[1] for item in items), default=0) or 1
    out = [_svg_open(width, height, title)]
    if not items:
        out.append('<text x="10" y="20">none</text>')
    for i, item in enumerate(items):
        label, count = item[0], item[1]
        tip = f"{label} ({item[2]})" if len(item) > 2 and item[2] else label
        y = 5 + i * row_h
        w = bar_max * count / peak
        short = label if len(label) <= 34 else label[:33] + "\u2026"
        out.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(short)}</text>'
                   f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" '
                   f'fill="{colour}"><title>{escape(tip)}: {count}</title></rect>'
                   f'<text x="{label_w + w + 6:.1f}" y="{y + 15}">{count}</text>')
    if x_label and items:
        out.append(f'<text x="{label_w + bar_max / 2:.0f}" y="{height - 6}" text-anchor="middle" '
                   f'font-weight="600" fill="#555">{escape(x_label)}</text>')
    out.append("</svg>")
    return Markup("".join(out))

"""Self-contained HTML pages: inline CSS, figures embedded as data URIs, no remote URL.

Every report page (validation, evaluation, plan) is built from these helpers so
that it opens offline and looks the same.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterable, Sequence
from typing import Any

from regionkit.i18n import get_language

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans", "PingFang SC",
       "Microsoft YaHei", sans-serif; margin: 2rem auto; max-width: 72rem; color: #1f2328;
       padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: right; }
th { background: #f6f8fa; }
td.text, th.text { text-align: left; }
.bad { color: #b42318; font-weight: 600; }
.warn { color: #9a6700; }
.ok { color: #1a7f37; }
.muted { color: #656d76; font-size: .85rem; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
code { background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; }
"""


def escape(value: Any) -> str:
    """Return ``value`` as text safe to place inside HTML."""
    return html.escape(str(value), quote=True)


def figure_to_data_uri(figure: Any, *, dpi: int = 110) -> str:
    """Render a matplotlib figure to a PNG ``data:`` URI and close it."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/png;base64,{encoded}"


def figure_html(figure: Any, *, caption: str) -> str:
    """Return an ``<figure>`` element with the figure embedded and an escaped caption."""
    uri = figure_to_data_uri(figure)
    return (
        f'<figure><img src="{uri}" alt="{escape(caption)}">'
        f"<figcaption class=\"muted\">{escape(caption)}</figcaption></figure>"
    )


def table_html(
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    text_columns: Sequence[int] = (0,),
    row_classes: Sequence[str] | None = None,
) -> str:
    """Return an HTML table; cells are escaped, ``text_columns`` are left-aligned."""
    head = "".join(
        f'<th class="text">{escape(h)}</th>' if i in text_columns else f"<th>{escape(h)}</th>"
        for i, h in enumerate(headers)
    )
    body = []
    for index, row in enumerate(rows):
        css = f' class="{row_classes[index]}"' if row_classes and row_classes[index] else ""
        cells = "".join(
            f'<td class="text">{escape(c)}</td>' if i in text_columns else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        body.append(f"<tr{css}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def page_html(title: str, sections: Iterable[str], *, subtitle: str = "") -> str:
    """Return a complete HTML document with ``sections`` (already HTML) in order."""
    language = "zh-CN" if get_language() == "zh-CN" else "en"
    subtitle_html = f'<p class="muted">{escape(subtitle)}</p>' if subtitle else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{subtitle_html}{''.join(sections)}</body></html>\n"
    )

"""Model cards: one self-contained HTML file (figures inlined as SVG, no CDN) plus its JSON.

>>> card = ModelCard(title="Sepsis early warning", task="sepsis", summary={"AUROC": 0.87},
...                  sections=[Section("Notes", note="Synthetic data.")])
>>> "<html" in card.to_html()
True
"""

from __future__ import annotations

import html
import io
import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from osler import __version__

__all__ = ["ModelCard", "Section"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2433;
background:#f6f7f9}
header{background:#17324d;color:#fff;padding:20px 32px}
header h1{margin:0 0 4px;font-size:22px} header p{margin:0;opacity:.8;font-size:13px}
main{max-width:1100px;margin:0 auto;padding:16px 32px 48px}
section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;padding:16px 20px;margin:16px 0}
h2{font-size:17px;margin:0 0 10px}
.kv{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:10px}
.kv div{background:#f0f3f7;border-radius:6px;padding:8px 10px}
.kv b{display:block;font-size:12px;color:#5a6475;font-weight:600}
.kv span{font-size:18px;font-variant-numeric:tabular-nums}
table{border-collapse:collapse;font-size:13px;width:100%;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #e8eaef;padding:5px 8px;text-align:right}
th:first-child,td:first-child{text-align:left} th{background:#f0f3f7}
.note{color:#414b5c;font-size:14px;line-height:1.5} .warn{color:#8a4b00}
figure{margin:8px 0} svg{max-width:100%;height:auto}
"""


@dataclass
class Section:
    """One part of a card: a heading and any of HTML, a table, a figure and a note."""

    heading: str
    html: str | None = None
    table: Any = None        # pandas.DataFrame
    figure: Any = None       # matplotlib Figure
    note: str | None = None


@dataclass
class ModelCard:
    """A model card. ``summary`` holds the headline figures; ``sections`` the evidence."""

    title: str
    task: str
    summary: dict[str, Any]
    sections: list[Section] = field(default_factory=list)
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "task": self.task,
            "osler_version": __version__,
            "created": self.created,
            "summary": {k: _jsonable(v) for k, v in self.summary.items()},
            "sections": [_section_dict(s) for s in self.sections],
        }

    def to_html(self) -> str:
        parts = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'>"
                 f"<title>{_e(self.title)}</title><style>{_CSS}</style></head><body>",
                 f"<header><h1>{_e(self.title)}</h1><p>task <code>{_e(self.task)}</code> · "
                 f"Osler {__version__} · {self.created}</p></header><main>",
                 "<section><h2>Summary</h2><div class='kv'>"]
        parts += [f"<div><b>{_e(k)}</b><span>{_e(_fmt(v))}</span></div>"
                  for k, v in self.summary.items()]
        parts.append("</div></section>")
        parts += [_section_html(s) for s in self.sections]
        parts.append("</main></body></html>")
        return "".join(parts)

    def write(self, path: str | Path) -> Path:
        """Write the HTML card to ``path`` and its JSON beside it; return the HTML path.
        Given ``card.json``, the JSON goes there and the HTML beside it as ``card.html``
        (the two never overwrite each other)."""
        path = Path(path)
        json_path = path.with_suffix(".json")
        if path.suffix.lower() == ".json":
            path = path.with_suffix(".html")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_html(), encoding="utf-8")
        json_path.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False),
                             encoding="utf-8")
        return path


def _e(text: object) -> str:
    return html.escape(str(text))


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return "n/a" if math.isnan(value) else f"{value:.3f}"
    return str(value)


def _jsonable(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _section_dict(s: Section) -> dict[str, Any]:
    out: dict[str, Any] = {"heading": s.heading}
    if s.note:
        out["note"] = s.note
    if s.table is not None:
        out["table"] = _jsonable(s.table.reset_index().to_dict(orient="records")
                                 if s.table.index.name else s.table.to_dict(orient="records"))
    return out


def _section_html(s: Section) -> str:
    parts = [f"<section><h2>{_e(s.heading)}</h2>"]
    if s.note:
        parts.append(f"<p class='note'>{_e(s.note)}</p>")
    if s.html:
        parts.append(s.html)
    if s.figure is not None:
        parts.append(f"<figure>{_svg(s.figure)}</figure>")
    if s.table is not None:
        parts.append(s.table.to_html(index=bool(s.table.index.name), border=0,
                                     float_format=lambda v: f"{v:.3f}", na_rep="–"))
    parts.append("</section>")
    return "".join(parts)


def _svg(figure: Any) -> str:
    buf = io.StringIO()
    figure.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(figure)
    text = buf.getvalue()
    return text[text.find("<svg"):]  # drop the XML prolog and doctype: inline SVG needs neither

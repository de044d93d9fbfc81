"""Model cards: one self-contained HTML file (figures inlined as SVG, no CDN) plus its JSON.

A card may carry ``provenance`` (what it was trained and evaluated on, threshold, versions),
shown right after the summary. Table columns keep their machine names in the JSON and read as
plain words in the HTML (:func:`column_heading`).

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
from osler._paths import same_file

__all__ = ["ModelCard", "Section", "card_paths", "check_card_target", "column_heading"]

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
.scroll{overflow-x:auto;max-width:100%} .scroll th,.scroll td{white-space:nowrap}
.scroll table.provenance td{text-align:left;white-space:normal;overflow-wrap:anywhere}
table.provenance th{text-align:left;width:16em;background:none}
"""

#: Machine column names -> what a reader calls them (others: underscores become spaces).
HEADINGS = {
    "ci_low": "95% CI low", "ci_high": "95% CI high", "mean_predicted": "mean predicted risk",
    "observed": "observed rate", "count": "samples", "bin": "risk bin",
    "patients_with_event": "patients with the outcome",
    "mean_abs_contribution": "mean |SHAP contribution|",
    "AUROC low": "AUROC 95% CI low", "AUROC high": "AUROC 95% CI high",
    "AUPRC low": "AUPRC 95% CI low", "AUPRC high": "AUPRC 95% CI high",
    "mae_mg_week": "MAE (mg/week)", "within_20pct": "within 20% of the actual dose",
    "n": "patients", "n_boot": "bootstrap resamples",
}


def column_heading(name: object) -> str:
    """The words a card shows for the table column ``name``."""
    return HEADINGS.get(str(name), str(name).replace("_", " "))



@dataclass
class Section:
    """One part of a card: a heading and any of HTML, a table, a figure and a note."""

    heading: str
    html: str | None = None
    table: Any = None        # pandas.DataFrame
    figure: Any = None       # matplotlib Figure
    note: str | None = None
    #: the HTML shows the table folded in a ``<details>`` element (a long list: the JSON
    #: holds it in full either way)
    collapsed: bool = False


@dataclass
class ModelCard:
    """A model card. ``summary`` holds the headline figures; ``sections`` the evidence."""

    title: str
    task: str
    summary: dict[str, Any]
    sections: list[Section] = field(default_factory=list)
    #: what the figures rest on: label -> text, number, list or a dict of those
    provenance: dict[str, Any] = field(default_factory=dict)
    created: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "task": self.task,
            "osler_version": __version__,
            "created": self.created,
            "summary": {k: _jsonable(v) for k, v in self.summary.items()},
            "provenance": _jsonable(self.provenance),
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
        if self.provenance:
            parts.append(_provenance_html(self.provenance))
        parts += [_section_html(s) for s in self.sections]
        parts.append("</main></body></html>")
        return "".join(parts)

    def write(self, path: str | Path) -> Path:
        """Write the HTML card to ``path`` and its JSON beside it; return the HTML path.
        Given ``card.json``, the JSON goes there and the HTML beside it as ``card.html``
        (the two never overwrite each other)."""
        path, json_path = card_paths(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_html(), encoding="utf-8")
        json_path.write_text(json.dumps(self.to_dict(), indent=2, allow_nan=False),
                             encoding="utf-8")
        return path


def card_paths(path: str | Path) -> tuple[Path, Path]:
    """The (HTML, JSON) files :meth:`ModelCard.write` writes for ``path``."""
    path = Path(path)
    json_path = path.with_suffix(".json")
    if path.suffix.lower() == ".json":
        path = path.with_suffix(".html")
    return path, json_path


def check_card_target(report: str | Path, inputs: dict[str, list[Path]],
                      option: str = "--report") -> None:
    """Refuse (:class:`~osler.errors.DataError`) a card path whose HTML or JSON file would
    overwrite an input: ``inputs`` maps an option name (``--data``) to its paths. A file that
    is an input, or an existing file inside an input folder other than an earlier card
    (``.html``, or ``.json`` written by Osler), is refused; the message names the option
    and both paths, never the content. A path that cannot be written (a file where a folder
    is needed) is refused too, naming the reason."""
    from osler.errors import DataError
    from osler.models.persist import check_output_path

    for target in card_paths(report):
        check_output_path(target, option)
        for name, paths in inputs.items():
            for given in paths:
                given = Path(given)
                if same_file(target, given):
                    raise DataError(f"{option} {report}: the card would overwrite the "
                                    f"{name} input {given} (as {target.name}); choose "
                                    "another file")
                if (given.is_dir() and target.exists() and not _is_card(target)
                        and given.resolve() in target.resolve().parents):
                    raise DataError(f"{option} {report}: the card would overwrite {target}, a "
                                    f"file inside the {name} input folder {given}; choose "
                                    "another file")


def _is_card(path: Path) -> bool:
    """An earlier card may be overwritten: HTML, or JSON that Osler wrote as a card."""
    if path.suffix.lower() in (".html", ".htm"):
        return True
    if path.suffix.lower() != ".json":
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            card = json.load(fh)
    except (OSError, ValueError):
        return False
    return isinstance(card, dict) and "osler_version" in card and "sections" in card


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
        table = s.table.reset_index() if s.table.index.name else s.table
        out["table"] = _jsonable(table.to_dict(orient="records"))
        out["column_headings"] = {str(c): column_heading(c) for c in table.columns}
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
        table = s.table.rename(columns=column_heading).rename_axis(
            column_heading(s.table.index.name) if s.table.index.name else None)
        # a wide table (subgroups) scrolls inside its box instead of running off the page
        body = "<div class='scroll'>" + table.to_html(
            index=bool(s.table.index.name), border=0, float_format=lambda v: f"{v:.3f}",
            na_rep="–") + "</div>"
        if s.collapsed:
            body = f"<details><summary>show all {len(table)}</summary>{body}</details>"
        parts.append(body)
    parts.append("</section>")
    return "".join(parts)


def _provenance_html(provenance: dict[str, Any]) -> str:
    rows = "".join(f"<tr><th scope='row'>{_e(k)}</th><td>{_e(_plain(v))}</td></tr>"
                   for k, v in provenance.items())
    return (f"<section><h2>Provenance</h2><div class='scroll'><table class='provenance'>"
            f"{rows}</table></div></section>")


def _plain(value: Any) -> str:
    """A provenance value in one line: ``key: value; key: value`` for a dict, commas for a list."""
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(map(_plain, value)) or "none"
    return f"{value:.6g}" if isinstance(value, float) else str(value)


def _svg(figure: Any) -> str:
    buf = io.StringIO()
    figure.savefig(buf, format="svg", bbox_inches="tight")
    import matplotlib.pyplot as plt
    plt.close(figure)
    text = buf.getvalue()
    return text[text.find("<svg"):]  # drop the XML prolog and doctype: inline SVG needs neither

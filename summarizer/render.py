"""Writers of a summary: JSON for machines, Markdown for people.

Everything that comes from the article is escaped for Markdown *and* HTML: Markdown renderers
pass raw HTML through, so an article holding `<script>` must reach the reader as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from summarizer.schema import Allegation, ArticleSummary, Evidence, Meeting, Statement

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~>])")


def to_json(summary: ArticleSummary, *, indent: int | None = 2) -> str:
    """The summary as JSON text (UTF-8 characters kept as they are)."""
    return summary.model_dump_json(indent=indent)


def md(text: object) -> str:
    """Escape a value for Markdown, HTML included; newlines become spaces."""
    # quote=False: apostrophes and quotes stay as they are (`&#x27;` shows literally in many
    # Markdown renderers); <, > and & are what could open HTML, and they are escaped
    escaped = html.escape(" ".join(str(text).split()), quote=False)
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def _evidence(ev: list[Evidence]) -> str:
    return "; ".join(f"[{e.start}:{e.end}]" for e in ev)


def to_markdown(summary: ArticleSummary) -> str:
    """A readable report: summary, meetings, statements, allegations, warnings."""
    a = summary.article
    lines = [f"# {md(a.title or a.id)}", ""]
    facts = [f"id `{md(a.id)}`"]
    if a.published:
        facts.append(f"published {a.published.isoformat()}")
    if a.source:
        facts.append(f"source {md(a.source)}")
    lines += [" · ".join(facts), "", md(summary.summary), ""]
    if summary.meetings:
        lines += ["## Meetings", ""]
        for m in summary.meetings:
            when = m.date or m.date_text or "date unknown"
            where = f" in {md(m.location)}" if m.location else ""
            lines.append(
                f"- **{md(', '.join(m.participants))}**{where}, {md(when)}"
                + (f" ({md(m.occasion)})" if m.occasion else "")
                + f" — evidence {_evidence(m.evidence)}"
            )
        lines.append("")
    if summary.statements:
        lines += ["## Statements", ""]
        for s in summary.statements:
            via = [md(x) for x in (s.channel, s.relay) if x]
            said = f"“{md(s.content)}”" if s.kind == "direct" else md(s.content)
            lines.append(
                f"- **{md(s.speaker)}** ({s.kind}, {md(s.cue or 'said')}"
                + (f", via {' / '.join(via)}" if via else "")
                + f"): {said} — evidence {_evidence(s.evidence)}"
            )
        lines.append("")
    if summary.allegations:
        lines += ["## Allegations", ""]
        for al in summary.allegations:
            lines.append(
                f"- **{md(al.accuser or 'unattributed')}** accuses "
                f"**{md(', '.join(al.accused))}** ({al.status}): {md(al.claim)}"
                f" — evidence {_evidence(al.evidence)}"
            )
        lines.append("")
    if summary.warnings:
        lines += ["## Warnings", ""]
        lines += [f"- {md(w.item or '')} {w.code}: {md(w.message)}" for w in summary.warnings]
        lines.append("")
    return "\n".join(lines)


_CSS = """
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
article{white-space:pre-wrap;border:1px solid #ddd;padding:1rem;border-radius:6px}
mark{background:#fff3b0;padding:0 .1em}mark.meeting{background:#d7ecff}mark.allegation{background:#ffd9d9}
li{margin:.3rem 0}.kind{font-size:.8em;color:#666}.warn{color:#a33}
"""


def _marks(summary: ArticleSummary, text: str) -> tuple[str, dict[str, str]]:
    """The article, escaped, with evidence spans in <mark>s, and the mark each item links to.

    Items often share words (five meetings in one sentence): overlapping spans become one mark,
    and every item whose evidence starts inside it links to it.
    """
    spans: list[tuple[int, int, str, str]] = []
    kinds: list[tuple[str, Sequence[Meeting | Statement | Allegation]]] = [
        ("meeting", summary.meetings),
        ("statement", summary.statements),
        ("allegation", summary.allegations),
    ]
    for kind, items in kinds:
        for i, entry in enumerate(items):
            ev = entry.evidence[0]
            spans.append((ev.start, ev.end, kind, f"{kind}-{i}"))
    spans.sort()
    out: list[str] = []
    links: dict[str, str] = {}
    pos, open_end, mark_id = 0, -1, ""
    merged: list[tuple[int, int, str]] = []
    for start, end, kind, item in spans:
        if start < open_end:  # inside the mark being built: extend it, link to it
            merged[-1] = (merged[-1][0], max(open_end, end), merged[-1][2])
            open_end = max(open_end, end)
        else:
            mark_id = f"m{len(merged)}"
            merged.append((start, end, kind))
            open_end = end
        links[item] = mark_id
    for n, (start, end, kind) in enumerate(merged):
        out.append(html.escape(text[pos:start]))
        out.append(f'<mark class="{kind}" id="m{n}">{html.escape(text[start:end])}</mark>')
        pos = end
    out.append(html.escape(text[pos:]))
    return "".join(out), links


def to_html(summary: ArticleSummary, text: str) -> str:
    """A self-contained page: the article with every evidence span marked, and the items linking
    to their words. Everything from the article or the engine is escaped; no script runs."""
    e = html.escape
    a = summary.article
    body, links = _marks(summary, text)
    items: list[str] = []
    for i, m in enumerate(summary.meetings):
        where = f" in {e(m.location)}" if m.location else ""
        when = e(m.date or m.date_text or "")
        items.append(
            f'<li><a href="#{links[f"meeting-{i}"]}">meeting</a> {e(", ".join(m.participants))}{where} '
            f"<span class=kind>{when}</span></li>"
        )
    for i, s in enumerate(summary.statements):
        said = f"“{e(s.content)}”" if s.kind == "direct" else e(s.content)
        items.append(
            f'<li><a href="#{links[f"statement-{i}"]}">{e(s.kind)}</a> <b>{e(s.speaker)}</b>: {said}</li>'
        )
    for i, al in enumerate(summary.allegations):
        accuser = e(al.accuser or "unattributed")
        items.append(
            f'<li><a href="#{links[f"allegation-{i}"]}">allegation</a> <b>{accuser}</b> '
            f"accuses <b>{e(', '.join(al.accused))}</b>: {e(al.claim)} "
            f"<span class=kind>{e(al.status)}</span></li>"
        )
    warnings = "".join(f"<li class=warn>{e(w.code)}: {e(w.message)}</li>" for w in summary.warnings)
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{e(a.title or a.id)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{e(a.title or a.id)}</h1><p>{e(summary.summary)}</p>"
        f"<ul>{''.join(items)}{warnings}</ul>"
        f"<article>{body}</article></body></html>\n"
    )

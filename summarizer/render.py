"""Writers of a summary: JSON for machines, Markdown for people.

Everything that comes from the article is escaped for Markdown *and* HTML: Markdown renderers
pass raw HTML through, so an article holding `<script>` must reach the reader as text.
"""

from __future__ import annotations

import html
import re

from summarizer.schema import ArticleSummary, Evidence

_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}#|!~>])")


def to_json(summary: ArticleSummary, *, indent: int | None = 2) -> str:
    """The summary as JSON text (UTF-8 characters kept as they are)."""
    return summary.model_dump_json(indent=indent)


def md(text: object) -> str:
    """Escape a value for Markdown, HTML included; newlines become spaces."""
    escaped = html.escape(" ".join(str(text).split()), quote=True)
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

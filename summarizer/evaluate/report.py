"""The scores as a plain-text table for a terminal."""

from __future__ import annotations

from summarizer.evaluate.matching import Counts, EvalReport

# --------------------------------------------------------------------------- report text


def _format_row(label: str, articles: int, counts: Counts) -> str:
    if articles == 0:
        return f"{label:<20}{articles:>9}   not annotated in gold"
    return (
        f"{label:<20}{articles:>9}{counts.tp:>7}{counts.fp:>7}{counts.fn:>7}"
        f"{counts.precision:>11.3f}{counts.recall:>8.3f}{counts.f1:>8.3f}"
    )


def _format_rate(label: str, value: float | None, numerator: int, denominator: int) -> str:
    shown = "n/a" if value is None else f"{value:.3f}"
    return f"{label:<28}{shown} ({numerator}/{denominator})"


def format_report(report: EvalReport) -> str:
    """A plain-text table for a terminal: per type P, R, F1 and counts, then secondary rates."""
    statements, meetings = report.statements, report.meetings
    lines = [
        f"articles: {report.articles_scored} scored, {report.missing} missing, "
        f"{report.extra} extra, {report.error_rows} error rows",
        "",
        f"{'type':<20}{'articles':>9}{'tp':>7}{'fp':>7}{'fn':>7}{'precision':>11}{'recall':>8}{'f1':>8}",
        _format_row("statements", statements.articles, statements.counts),
        _format_row("  + same speaker", statements.articles, statements.speaker),
        _format_row("meeting pairs", meetings.articles, meetings.counts),
        _format_row("allegations", report.allegations.articles, report.allegations.counts),
        "",
        _format_rate(
            "direct-quote recall:",
            statements.direct_recall,
            statements.direct_matched,
            statements.direct_gold,
        ),
        _format_rate(
            "speech recall:",
            statements.speech_recall,
            statements.speech_matched,
            statements.speech_gold,
        ),
        _format_rate(
            "meeting date accuracy:",
            meetings.date_accuracy,
            meetings.dates_right,
            meetings.counts.tp,
        ),
    ]
    return "\n".join(lines)

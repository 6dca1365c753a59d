"""The `summarizer` command: read arguments, call the library, write output, map errors to exits.

Kept thin on purpose: everything it does is available from `summarizer` the library. Results
go to stdout (or -o FILE, written atomically); messages go to stderr, one line each. Expected
failures exit 1, usage errors 2, and neither prints a traceback.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from summarizer.errors import InputError, SummarizerError

app = typer.Typer(
    name="summarizer",
    help="News articles to structured, verifiable JSON: meetings, statements, allegations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class EngineChoice(str, Enum):
    auto = "auto"
    llm = "llm"
    rules = "rules"


class OutputFormat(str, Enum):
    json = "json"
    md = "md"


def _say(message: str) -> None:
    typer.echo(f"summarizer: {message}", err=True)


def write_output(content: str, output: Path | None) -> None:
    """Write to stdout, or to `output` atomically: a failed run never leaves half a file."""
    if output is None or str(output) == "-":
        sys.stdout.write(content if content.endswith("\n") else content + "\n")
        sys.stdout.flush()
        return
    target = output.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content if content.endswith("\n") else content + "\n")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _read_input(source: str):  # -> Article (imported lazily with the library)
    from summarizer.article import from_bytes, read_path

    if source == "-":
        return from_bytes(sys.stdin.buffer.read(), name="standard input", id="stdin")
    return read_path(Path(source))


@app.command()
def summarize(
    source: Annotated[str, typer.Argument(help="Article file (text or JSON), or - for stdin.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="json or md.")] = (OutputFormat.json),
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD (overrides the article's).")
    ] = None,
    article_id: Annotated[
        str | None, typer.Option("--id", help="Article id (default: the file's stem).")
    ] = None,
    model: Annotated[
        str | None, typer.Option(help="Model name [env: SUMMARIZER_MODEL].", show_default=False)
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help="OpenAI-compatible server URL [env: OPENAI_BASE_URL].", show_default=False),
    ] = None,
    mode: Annotated[
        str | None,
        typer.Option(
            help="How structure is enforced: auto, json_schema, tools, json, md_json [env: SUMMARIZER_MODE].",
            show_default=False,
        ),
    ] = None,
    retries: Annotated[
        int, typer.Option(min=0, max=10, help="Retries when the answer fails validation.")
    ] = 2,
    engine: Annotated[
        EngineChoice,
        typer.Option(help="llm, rules (offline), or auto: the LLM when a key or base URL is set."),
    ] = EngineChoice.auto,
) -> None:
    """Summarize one article into grounded meetings, statements and allegations."""
    from summarizer.api import Summarizer, as_article
    from summarizer.render import to_json, to_markdown

    try:
        article = as_article(_read_input(source), published=published, id=article_id)
        if article.published is None:
            _say(f"{article.id}: no publication date; relative dates stay unresolved")
        summarizer = Summarizer(
            engine=engine.value, model=model, base_url=base_url, mode=mode, max_retries=retries
        )
        summary = summarizer.summarize(article)
        if engine is EngineChoice.auto:
            _say(summarizer.describe())
        if summary.warnings:
            _say(f"{article.id}: {len(summary.warnings)} warning(s), see 'warnings' in the output")
        write_output(to_markdown(summary) if fmt is OutputFormat.md else to_json(summary), output)
    except SummarizerError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(1) from None


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write every schema file into this folder."),
    ] = None,
) -> None:
    """Print the JSON Schema of the summary (or write all schemas into a folder)."""
    from summarizer.schema import json_schemas

    schemas = json_schemas()
    if output is None:
        typer.echo(json.dumps(schemas["article_summary.schema.json"], indent=2, ensure_ascii=False))
        return
    output.mkdir(parents=True, exist_ok=True)
    for name, content in schemas.items():
        write_output(json.dumps(content, indent=2, ensure_ascii=False), output / name)
        _say(f"wrote {output / name}")


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold annotations: a JSONL file (FORMAT.md).")],
    pred: Annotated[
        Path, typer.Argument(help="Predictions: a JSONL file of summaries, or a folder of JSON files.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    per_article: Annotated[
        bool, typer.Option("--per-article", help="With --json, include each article's counts.")
    ] = False,
) -> None:
    """Score summaries against gold annotations: P/R/F1 per type, speakers, meeting dates."""
    from summarizer.evaluate import EvalInputError, evaluate, format_report, load_gold, load_predictions

    try:
        report = evaluate(load_gold(gold), load_predictions(pred))
    except EvalInputError as exc:
        _say(f"error: {exc}")
        raise typer.Exit(1) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(per_article=per_article), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_report(report))


def main() -> None:
    """Console entry point: run the app; turn any unexpected crash into one line and exit 1."""
    try:
        app()
    except KeyboardInterrupt:
        _say("interrupted")
        sys.exit(130)
    except InputError as exc:  # raised outside a command, e.g. while parsing
        _say(f"error: {exc}")
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        _say(f"internal error: {type(exc).__name__}: {exc} (set SUMMARIZER_DEBUG=1 for details)")
        sys.exit(1)

"""The `summarizer` command: read arguments, call the library, write output, map errors to exits.

Kept thin on purpose: everything it does is available from `summarizer` the library. Results
go to stdout (or -o FILE, written atomically); messages go to stderr, one line each. Expected
failures exit 1, usage errors 2, and neither prints a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from summarizer.errors import InputError, OutputError, SummarizerError

if TYPE_CHECKING:  # imported lazily where used: `--help` must not pay for them
    from summarizer.article import Article
    from summarizer.engines.llm import LLMConfig

app = typer.Typer(
    name="summarizer",
    help="News articles to structured, verifiable JSON: meetings, statements, allegations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: Rich's formatter costs 70 ms of start-up (issue 13)
)


ModelOption = Annotated[
    str | None, typer.Option(help="Model name (env SUMMARIZER_MODEL).", show_default=False)
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(help="OpenAI-compatible server URL (env OPENAI_BASE_URL).", show_default=False),
]
ModeOption = Annotated[
    str | None,
    typer.Option(
        help="How structure is enforced: auto, json_schema, tools, json, md_json (env SUMMARIZER_MODE).",
        show_default=False,
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        min=0.001,
        help="Seconds one article may take in all, retries included (env SUMMARIZER_TIMEOUT; default 300).",
        show_default=False,
    ),
]
MaxOutputOption = Annotated[
    int | None,
    typer.Option(
        "--max-output-tokens",
        min=1,
        help="Output limit of each request "
        "(env SUMMARIZER_MAX_OUTPUT_TOKENS; default: sized from the article).",
        show_default=False,
    ),
]
StrictOption = Annotated[
    bool | None,
    typer.Option(
        "--strict/--no-strict",
        help="Send strict: true with json_schema, so OpenAI enforces the schema "
        "(env SUMMARIZER_STRICT; default on).",
        show_default=False,
    ),
]


ContextTokensOption = Annotated[
    int | None,
    typer.Option(
        "--context-tokens",
        min=512,
        help="The server's context window in tokens; longer articles are read in parts "
        "(env SUMMARIZER_CONTEXT_TOKENS; default: what the server reports).",
        show_default=False,
    ),
]
PassesOption = Annotated[
    int | None,
    typer.Option(
        min=1,
        max=5,
        help="Readings of a long article, cuts moved each time; later ones add what earlier "
        "ones missed (env SUMMARIZER_PASSES; default 1).",
        show_default=False,
    ),
]


class EngineChoice(str, Enum):
    auto = "auto"
    llm = "llm"
    rules = "rules"


class OutputFormat(str, Enum):
    json = "json"
    md = "md"
    html = "html"


def _say(message: str) -> None:
    typer.echo(f"summarizer: {message}", err=True)


@contextmanager
def _expected_failures() -> Iterator[None]:
    """An expected failure (bad input, no model, a refusing server) is one line and exit 1;
    SIGINT is one line saying what was kept, and exit 130."""
    try:
        yield
    except SummarizerError as exc:
        from summarizer.credentials import redact

        _say(f"error: {redact(str(exc))}")
        raise typer.Exit(1) from None
    except KeyboardInterrupt as exc:  # caught here: Typer would turn it into a silent exit 130
        # a batch says what it kept (BatchInterrupted); elsewhere nothing was written
        _say(str(exc) or "interrupted; nothing was written")
        raise typer.Exit(_interrupted_exit_code()) from None


def write_output(content: str, output: Path | None) -> None:
    """Write to stdout, or to `output` by the rules of `summarizer.output`: a regular file is
    replaced atomically, a device or pipe written in place, a folder refused."""
    if output is None or str(output) == "-":
        sys.stdout.write(content if content.endswith("\n") else content + "\n")
        sys.stdout.flush()
        return
    from summarizer.output import write_text

    write_text(content, output)


def _read_input(source: str) -> Article:
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
    fmt: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="json, md, or html (the article, its evidence marked)."),
    ] = (OutputFormat.json),
    published: Annotated[
        str | None, typer.Option(help="Publication date YYYY-MM-DD (overrides the article's).")
    ] = None,
    article_id: Annotated[
        str | None, typer.Option("--id", help="Article id (default: the file's stem).")
    ] = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    retries: Annotated[
        int, typer.Option(min=0, max=10, help="Retries when the answer fails validation.")
    ] = 2,
    engine: Annotated[
        EngineChoice,
        typer.Option(help="llm, rules (offline), or auto: the LLM when a key or base URL is set."),
    ] = EngineChoice.auto,
    timeout: TimeoutOption = None,
    max_output_tokens: MaxOutputOption = None,
    strict: StrictOption = None,
    context_tokens: ContextTokensOption = None,
    passes: PassesOption = None,
) -> None:
    """Summarize one article into grounded meetings, statements and allegations."""
    from summarizer.api import Summarizer, as_article
    from summarizer.render import to_html, to_json, to_markdown

    with _expected_failures():
        from summarizer.output import refuse_input

        refuse_input(output, source)
        article = as_article(_read_input(source), published=published, id=article_id)
        if article.published is None:
            _say(f"{article.id}: no publication date; relative dates stay unresolved")
        summarizer = Summarizer(
            engine=engine.value,
            model=model,
            base_url=base_url,
            mode=mode,
            max_retries=retries,
            timeout=timeout,
            max_output_tokens=max_output_tokens,
            strict=strict,
            context_tokens=context_tokens,
            passes=passes,
        )
        summary = summarizer.summarize(article)
        if engine is EngineChoice.auto:
            _say(summarizer.describe())
        if summary.warnings:
            _say(f"{article.id}: {len(summary.warnings)} warning(s), see 'warnings' in the output")
        rendered = {
            OutputFormat.json: lambda: to_json(summary),
            OutputFormat.md: lambda: to_markdown(summary),
            OutputFormat.html: lambda: to_html(summary, article.text),
        }[fmt]()
        write_output(rendered, output)


@app.command()
def schema(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write every schema file into this folder."),
    ] = None,
) -> None:
    """Print the JSON Schema of the summary (or write all schemas into a folder)."""
    if output is None:  # the exported file, which a test keeps equal to the models: no pydantic
        from summarizer.resources import resource_dir

        exported = resource_dir("schemas") / "article_summary.schema.json"
        typer.echo(exported.read_text(encoding="utf-8"), nl=False)
        return
    from summarizer.schema import json_schemas

    schemas = json_schemas()
    with _expected_failures():
        if output.exists() and not output.is_dir():
            raise OutputError(f"cannot write into {output}: it is not a folder")
        for name, content in schemas.items():
            write_output(json.dumps(content, indent=2, ensure_ascii=False), output / name)
            _say(f"wrote {output / name}")


class BatchGroup(TyperGroup):
    """`summarizer batch INPUT...` runs a batch; `summarizer batch prepare|submit|status|collect`
    drive the OpenAI Batch API. Anything that is not a subcommand name is an input of `run`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer's own click Context
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


batch_app = typer.Typer(
    cls=BatchGroup,
    help="Summarize many articles: `summarizer batch INPUT... -o out.jsonl`, or the OpenAI Batch API.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(batch_app, name="batch")


@batch_app.command("run")
def batch_run(
    inputs: Annotated[
        list[str], typer.Argument(help="Article files, folders, glob patterns, or JSONL files of articles.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The JSONL file to append summaries to.")],
    engine: Annotated[EngineChoice, typer.Option(help="llm, rules, or auto (the LLM when configured).")] = (
        EngineChoice.auto
    ),
    concurrency: Annotated[
        int,
        typer.Option(
            min=1,
            max=256,
            help="LLM requests at once (rules: worker processes, up to the cores; --ray: per actor).",
        ),
    ] = 8,
    cache: Annotated[
        Path | None, typer.Option(help="SQLite cache file (default: the user cache folder).")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the cache.")] = False,
    resume: Annotated[bool, typer.Option(help="Skip articles already summarized in the output file.")] = True,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    mode: ModeOption = None,
    retries: Annotated[int, typer.Option(min=0, max=10, help="Retries when an answer fails validation.")] = 1,
    http_retries: Annotated[
        int, typer.Option(min=0, max=20, help="Retries of a failed request (429 honours Retry-After, 5xx).")
    ] = 6,
    timeout: TimeoutOption = None,
    max_output_tokens: MaxOutputOption = None,
    strict: StrictOption = None,
    context_tokens: ContextTokensOption = None,
    passes: PassesOption = None,
    progress: Annotated[
        bool | None,
        typer.Option("--progress/--no-progress", help="Progress bar (default: when stderr is a terminal)."),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="local|auto|ADDRESS",
            help="Read on Ray: local (a cluster on this machine), auto, or a cluster's address.",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=4096, help="With --ray: actors (default: the cluster's CPUs), --concurrency each."
        ),
    ] = None,
) -> None:
    """Summarize many articles into JSONL, one summary a line, flushed as each finishes."""
    import os

    from summarizer.api import choose_engine
    from summarizer.batch import run_batch

    settings: dict[str, Any] = {
        "model": model,
        "base_url": base_url,
        "mode": mode,
        "max_retries": retries,
        "http_retries": http_retries,
        "timeout": timeout,
        "max_output_tokens": max_output_tokens,
        "strict": strict,
    }
    with _expected_failures():
        chosen = choose_engine(engine.value, settings)
        store = None
        if chosen == "llm":
            from summarizer.engines.llm import LLMConfig
            from summarizer.engines.long import LongConfig

            LLMConfig.resolve(**settings)  # fail now, once, when no model is configured
            LongConfig.resolve(context_tokens=context_tokens, passes=passes)
            settings.update(context_tokens=context_tokens, passes=passes)
            if not no_cache:
                from summarizer.cache import Cache

                store = Cache(cache)
        if engine is EngineChoice.auto:
            _say(f"engine: {chosen}")
        common: dict[str, Any] = {
            "engine": chosen,
            "settings": settings,
            "cache": store,
            "resume": resume,
            "progress": progress,
            "warn": lambda message: _say(f"warning: {message}"),
        }
        if ray is not None:
            from summarizer.distributed import run_ray_batch

            stats = run_ray_batch(
                inputs, output, address=ray, workers=workers, concurrency=concurrency, **common
            )
        else:
            if workers is not None:
                raise typer.BadParameter("--workers needs --ray", param_hint="--workers")
            local = min(concurrency, os.cpu_count() or 1) if chosen == "rules" else concurrency
            stats = run_batch(inputs, output, concurrency=local, **common)
    _say(
        f"{stats.done} summarized ({stats.cached} from the cache), {stats.failed} failed, "
        f"{stats.skipped} already done; {stats.tokens:,} tokens in {stats.elapsed:.1f} s -> {output}"
    )
    if stats.failed:
        raise typer.Exit(1)


def _offline_config(
    model: str | None, mode: str | None, base_url: str | None = None, **limits: Any
) -> LLMConfig:
    """The LLM settings for preparing or collecting a batch: no key is needed to write or read
    files (vLLM's `run_batch` needs no server at all), so none is required here. The server,
    when one is reached (collecting by batch id), is found exactly as every other command
    finds it: --base-url, then OPENAI_BASE_URL; the key goes to that server and no other.
    `limits` are max_output_tokens and strict."""
    from summarizer.credentials import check_base_url
    from summarizer.engines.llm import DEFAULT_OPENAI_MODEL, LLMConfig

    try:
        return LLMConfig.resolve(model=model, mode=mode, base_url=base_url, **limits)
    except SummarizerError:
        placeholder = LLMConfig.resolve(model="-", base_url="http://-", **limits)  # checks the limits
        return LLMConfig(
            model=model or os.environ.get("SUMMARIZER_MODEL") or DEFAULT_OPENAI_MODEL,
            base_url=check_base_url(base_url or os.environ.get("OPENAI_BASE_URL") or None),
            api_key=os.environ.get("OPENAI_API_KEY") or None,
            mode=(mode or os.environ.get("SUMMARIZER_MODE") or "auto"),
            max_output_tokens=placeholder.max_output_tokens,
            strict=placeholder.strict,
        )


def _server_config(base_url: str | None) -> LLMConfig:
    """Where the Batch API lives; the model is in each request of the file, not needed here."""
    from summarizer.engines.llm import LLMConfig

    return LLMConfig.resolve(base_url=base_url, model="(named in each request)")


@batch_app.command("prepare")
def batch_prepare(
    inputs: Annotated[list[str], typer.Argument(help="Article files, folders, globs or JSONL files.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The request file to write (JSONL).")],
    model: ModelOption = None,
    mode: ModeOption = None,
    max_output_tokens: MaxOutputOption = None,
    strict: StrictOption = None,
) -> None:
    """Write the Batch API request file (and its sidecar of article texts) without sending it."""
    from summarizer.batch import Failure, iter_inputs
    from summarizer.batch_api import prepare

    articles = []
    for item in iter_inputs(inputs):
        if isinstance(item, Failure):
            _say(f"skipped {item.id}: {item.error}")
        else:
            articles.append(item)
    with _expected_failures():
        config = _offline_config(model, mode, max_output_tokens=max_output_tokens, strict=strict)
        result = prepare(articles, config, output)
    for warning in result.warnings:
        _say(f"warning: {warning}")
    _say(f"wrote {result.count} requests to {result.requests_path} (texts in {result.articles_path})")


@batch_app.command("submit")
def batch_submit(
    requests: Annotated[Path, typer.Argument(help="The request file from `batch prepare`.")],
    base_url: BaseUrlOption = None,
) -> None:
    """Upload the request file and start a batch; prints the batch id."""
    from summarizer.batch_api import submit

    with _expected_failures():
        batch_id = submit(requests, _server_config(base_url))
    typer.echo(batch_id)


@batch_app.command("status")
def batch_status(
    batch_id: Annotated[str, typer.Argument(help="The id `batch submit` printed.")],
    base_url: BaseUrlOption = None,
) -> None:
    """Where a batch stands: status and request counts, as JSON."""
    from summarizer.batch_api import status

    with _expected_failures():
        found = status(batch_id, _server_config(base_url))
    typer.echo(json.dumps(found.to_dict(), indent=2))


@batch_app.command("collect")
def batch_collect(
    source: Annotated[
        str, typer.Argument(help="A batch id, or a results JSONL file (OpenAI or vLLM run_batch).")
    ],
    requests: Annotated[
        Path, typer.Argument(help="The request file from `batch prepare` (its sidecar is read).")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="The summaries file to write (JSONL).")],
    base_url: BaseUrlOption = None,
) -> None:
    """Turn batch results into summaries, one a line (error rows for failed requests)."""
    from summarizer.batch_api import collect

    failed = done = 0
    lines = []
    with _expected_failures():
        for row in collect(source, requests, _offline_config(None, None, base_url)):
            lines.append(json.dumps(row, ensure_ascii=False))
            failed += "error" in row
            done += "error" not in row
        write_output("\n".join(lines), output)
    _say(f"{done} summarized, {failed} failed -> {output}")
    if failed:
        raise typer.Exit(1)


@app.command()
def usage(
    cache: Annotated[
        Path | None, typer.Option(help="SQLite cache file (default: the user cache folder).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """Tokens, calls and estimated cost per model, from the log of LLM calls."""
    import dataclasses

    from summarizer.cache import Cache, format_usage

    with _expected_failures(), Cache(cache) as store:
        rows = store.usage()
    if as_json:
        typer.echo(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
    else:
        typer.echo(format_usage(rows))


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
    from summarizer.evaluate import evaluate, format_report, load_gold, load_predictions

    with _expected_failures():
        report = evaluate(load_gold(gold), load_predictions(pred))
    if as_json:
        typer.echo(json.dumps(report.to_dict(per_article=per_article), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_report(report))


_TERMINATED = False


def _on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM (a scheduler stopping the run, `kill`) ends the run as SIGINT does: rows written
    are kept and the line says so; the exit code is 143 (128 + 15) as for any terminated job.
    It is passed on as SIGINT, so the same handling runs (asyncio's, inside a batch, cancels the
    run where it waits instead of raising wherever the signal lands)."""
    import signal

    global _TERMINATED
    _TERMINATED = True
    signal.raise_signal(signal.SIGINT)


def _interrupted_exit_code() -> int:
    return 143 if _TERMINATED else 130


def main() -> None:
    """Console entry point: run the app; turn any unexpected crash into one line and exit 1."""
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        app()
    except KeyboardInterrupt as exc:
        # a batch says what it kept (BatchInterrupted); elsewhere nothing was written
        _say(str(exc) if str(exc) else "interrupted; nothing was written")
        sys.exit(_interrupted_exit_code())
    except InputError as exc:  # raised outside a command, e.g. while parsing
        _say(f"error: {exc}")
        sys.exit(1)
    except Exception as exc:
        if os.environ.get("SUMMARIZER_DEBUG"):
            raise
        from summarizer.credentials import redact

        detail = redact(f"{type(exc).__name__}: {exc}", os.environ.get("OPENAI_API_KEY"))
        _say(f"internal error: {detail} (set SUMMARIZER_DEBUG=1 for details)")
        sys.exit(1)

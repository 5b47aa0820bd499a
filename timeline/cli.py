"""The `timeline` command: check, build and serve the fact database."""
import json
import sys
import time

import click

from . import build as build_module
from . import server
from . import coverage as coverage_module
from . import dates
from .problems import InputError, report

FACTS = click.option("--facts", "facts_dir", default="facts", show_default=True,
                     type=click.Path(file_okay=False), help="Folder of YAML fact files and entities.yaml")
SOURCES = click.option("--sources", "sources_dir", default="sources", show_default=True,
                       type=click.Path(file_okay=False), help="Folder of article texts and sources.yaml")
DB = click.option("--db", "db_path", default="timeline.db", show_default=True,
                  type=click.Path(dir_okay=False), help="The SQLite database to write")


@click.group()
@click.version_option(package_name="timeline")
def cli():
    """A source-linked event timeline and fact database.

    Facts are curated in YAML, every quote is checked against the exact words of the article it
    cites, and everything is loaded into SQLite for Datasette.
    """


@cli.command()
@FACTS
@SOURCES
def check(facts_dir, sources_dir):
    """Check every fact, source and quote; print every problem.

    Example:

        timeline check
    """
    inputs = build_module.check(facts_dir, sources_dir)
    if inputs.problems:
        click.echo(report(inputs.problems), err=True)
        sys.exit(1)
    click.echo(f"OK: {len(inputs.facts)} facts, {len(inputs.entities)} entities, {len(inputs.sources)} sources")


@cli.command()
@FACTS
@SOURCES
@DB
@click.option("--excerpts", is_flag=True,
              help="Keep only cited sentences and their neighbours of each article (for a public site)")
@click.option("--wait", default=30.0, show_default=True, type=float,
              help="Seconds to wait for another build of the same database to finish")
@click.option("--no-cache", is_flag=True,
              help="Reuse nothing from earlier builds (.timeline-cache/ next to the database)")
def build(facts_dir, sources_dir, db_path, excerpts, wait, no_cache):
    """Check everything, then write the database; on any problem write nothing.

    With --excerpts the articles keep only the sentences facts cite and their neighbours: build
    that one to publish a public site (full article texts are other people's copyright).

    Work of earlier builds is reused from .timeline-cache/ next to the database (the result is the
    same database a build from nothing writes); with nothing changed, nothing is written.

    Example:

        timeline build --db timeline.db

        timeline build --excerpts --db public/timeline.db
    """
    _build(facts_dir, sources_dir, db_path, excerpts=excerpts, wait=wait, use_cache=not no_cache)


@cli.command()
@FACTS
@SOURCES
@DB
@click.option("-p", "--port", default=8001, show_default=True, type=int, help="Port to serve on")
@click.option("--metadata", default="metadata.json", show_default=True, type=click.Path(dir_okay=False),
              help="The story's own metadata (title, description, license, source links), laid over the"
                   " site's; its folder may hold templates/ that replace the site's pages")
@click.option("--public", is_flag=True,
              help="Settings for a server anyone can reach: time limit, bounded rows, no download (see README)")
@click.option("--watch/--no-watch", default=True, show_default=True,
              help="Rebuild when facts or sources change, then restart Datasette on the new database")
def serve(facts_dir, sources_dir, db_path, port, metadata, public, watch):
    """Build, then serve the database read-only with Datasette on 127.0.0.1.

    While it runs, a change under the facts or sources folder rebuilds the database and restarts
    Datasette on it; a rebuild with problems prints them and keeps serving the previous database.

    Example:

        timeline serve --port 8001

        timeline serve --public --no-watch
    """
    try:
        server.site_metadata(metadata)  # a broken metadata.json is reported before the build
    except server.SiteError as e:
        raise click.ClickException(str(e))
    _build(facts_dir, sources_dir, db_path)
    try:
        command = server.datasette_command(db_path, port, public=public, metadata=metadata)
    except server.SiteError as e:
        raise click.ClickException(str(e))

    def rebuild():
        try:
            inputs = build_module.build(db_path, facts_dir, sources_dir)
        except InputError as e:
            click.echo(report(e.problems), err=True)
            click.echo(f"Still serving the previous {db_path}: fix the problems and save again.", err=True)
            return False
        except build_module.BuildError as e:
            click.echo(f"Error: {e}. Still serving the previous {db_path}.", err=True)
            return False
        except Exception as e:  # noqa: BLE001 - whatever a rebuild meets, the site stays up
            click.echo(f"Error: the rebuild failed ({type(e).__name__}: {e}); this is a bug, please report it."
                       f" Still serving the previous {db_path}.", err=True)
            return False
        if inputs.unchanged:  # saved without a change: the served database is already this one
            return False
        changed = f" (changed: {', '.join(inputs.patched)})" if inputs.patched else ""
        click.echo(f"Rebuilt {db_path}: {inputs.counts['facts']} facts{changed}; restarting Datasette", err=True)
        return True

    click.echo(f"Serving on http://127.0.0.1:{port}/{' (public settings)' if public else ''}"
               f"{'; watching ' + facts_dir + ' and ' + sources_dir if watch else ''} (Ctrl-C to stop)", err=True)
    try:
        sys.exit(server.serve(command, rebuild, watch=(facts_dir, sources_dir) if watch else ()))
    except KeyboardInterrupt:
        sys.exit(0)


@cli.command()
@click.argument("source_ids", nargs=-1)
@FACTS
@SOURCES
def coverage(source_ids, facts_dir, sources_dir):
    """What is left to cite: sentences with a number, a date or a quotation that no fact cites.

    Each such sentence must be cited by a fact or set aside in facts/set-aside.yaml with a reason.
    Prints a line per source, then every uncovered sentence; exits 1 if any is left.

    Example:

        timeline coverage            # every source
        timeline coverage wapo bbc   # some sources
    """
    inputs = build_module.check(facts_dir, sources_dir)
    if inputs.problems:
        click.echo(report(inputs.problems), err=True)
        sys.exit(1)
    unknown = sorted(set(source_ids) - set(inputs.sources))
    if unknown:
        raise click.ClickException(f"unknown source {', '.join(unknown)}; sources are: {', '.join(sorted(inputs.sources))}")
    result = coverage_module.report(inputs)
    chosen = source_ids or sorted(result)
    click.echo(f"{'source':<20} {'with detail':>11} {'cited':>6} {'set aside':>9} {'left':>5}")
    for sid in chosen:
        row = result[sid]
        click.echo(f"{sid:<20} {row['signalled']:>11} {row['cited']:>6} {row['set_aside']:>9} {len(row['uncovered']):>5}")
    left = [u for sid in chosen for u in result[sid]["uncovered"]]
    for sentence_id, text, found in left:
        click.echo(f"{sentence_id}: [{', '.join(found)}] {text}")
    if left:
        click.echo(f"{len(left)} sentence{'s' if len(left) != 1 else ''} left: cite them in a fact, or set them aside"
                   " in facts/set-aside.yaml with a reason", err=True)
        sys.exit(1)
    click.echo("Nothing left: every sentence with a number, date or quotation is cited or set aside.")


@cli.command(name="date")
@click.argument("phrase")
@click.option("--published", required=True, help="The source's publication date (YYYY-MM-DD or datetime with offset)")
@click.option("--direction", type=click.Choice(["past", "future"]), help="Does the phrase point back or ahead?"
              " (default: read from --context, else past)")
@click.option("--context", help="The sentence the phrase comes from (decides the direction)")
@click.option("--json", "as_json", is_flag=True, help="Print {start, end, precision, basis} as JSON")
def date_command(phrase, published, direction, context, as_json):
    """Try a date phrase before writing it: how would the build resolve it?

    Example:

        timeline date "On Monday" --published 2025-03-26
        timeline date "in December" --published 2025-03-26 --direction future --json
    """
    try:
        resolved = dates.resolve_phrase(phrase, published, direction=direction, context=context)
    except dates.DateError as e:
        raise click.ClickException(str(e))
    if as_json:
        click.echo(json.dumps({"start": resolved.start.isoformat(), "end": resolved.end.isoformat(),
                               "precision": resolved.precision, "basis": resolved.basis,
                               "label": dates.date_label(resolved.start, resolved.precision)}))
        return
    click.echo(f"start:     {resolved.start.isoformat()} ({resolved.start:%A})")
    click.echo(f"end:       {resolved.end.isoformat()} ({resolved.end:%A})")
    click.echo(f"precision: {resolved.precision}")
    click.echo(f"label:     {dates.date_label(resolved.start, resolved.precision)}")
    click.echo(f"basis:     {resolved.basis}")


def _build(facts_dir, sources_dir, db_path, excerpts=False, wait=30.0, use_cache=True):
    progress = Progress()
    try:
        inputs = build_module.build(db_path, facts_dir, sources_dir, excerpts=excerpts, wait=wait,
                                     progress=progress, use_cache=use_cache)
    except InputError as e:
        progress.clear()
        click.echo(report(e.problems), err=True)
        click.echo(f"Nothing written: {db_path} is unchanged.", err=True)
        sys.exit(1)
    except build_module.BuildError as e:
        progress.clear()
        raise click.ClickException(str(e))
    progress.clear()
    n = inputs.counts
    what = "Up to date" if inputs.unchanged else "Built"
    changed = ""
    if inputs.patched:
        what = "Updated"
        changed = f" (changed: {', '.join(inputs.patched)})"
    click.echo(f"{what} {db_path}{' (excerpts)' if excerpts else ''}: {n['facts']} facts, {n['entities']} entities,"
               f" {n['sources']} sources{changed}", err=True)
    return inputs


class Progress:
    """A one-line progress report on stderr, shown only on a terminal and only once a build has run 2 s."""

    def __init__(self, after=2.0):
        self.start = time.monotonic()
        self.after = after
        self.shown = False
        self.tty = sys.stderr.isatty()

    def __call__(self, phase, done, total):
        if not self.tty or time.monotonic() - self.start < self.after:
            return
        width = 30
        filled = width * done // max(total, 1)
        line = f"\r{phase:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        click.echo(line, nl=False, err=True)
        self.shown = True

    def clear(self):
        if self.shown:
            click.echo("\r\x1b[K", nl=False, err=True)
            self.shown = False


@cli.command()
@click.argument("source_id", required=False)
@FACTS
@SOURCES
def suggest(source_id, facts_dir, sources_dir):
    """List candidate facts in sentences no fact cites yet, as YAML to paste.

    Numbers with what they count, date phrases with their resolved dates, court words and quotations
    with a likely speaker. Nothing is written: copy what is worth keeping into a facts file, then
    give it a title and check it.

    Example:

        timeline suggest wapo
    """
    from . import suggest as suggest_module

    inputs = build_module.check(facts_dir, sources_dir)
    if source_id is not None and source_id not in inputs.sources:
        known = ", ".join(sorted(inputs.sources)) or "none"
        raise click.ClickException(f"there is no source '{source_id}' in sources.yaml (known: {known})")
    if inputs.problems:
        click.echo(report(inputs.problems), err=True)
        click.echo("Suggestions below skip only what the readable facts cite.", err=True)
    found = suggest_module.candidates(inputs, source_id)
    for candidate in found:
        click.echo(suggest_module.to_yaml(candidate) + "\n")
    click.echo(f"{len(found)} candidate fact{'s' if len(found) != 1 else ''}", err=True)

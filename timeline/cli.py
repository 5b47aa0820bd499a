"""The `timeline` command: check, build and serve the fact database."""
import json
import os
import re
import subprocess
import sys
import time

import click

import timeline
from timeline.database import uptodate
from timeline.errors import BuildError, DateError, InputError, SiteError, SourceRefused, StoryExists
from timeline.problems import Problem, report, summary

# The Python API (check, build, add_source, resolve_date, init) is reached as timeline.NAME, which loads its
# module on first use, and each command imports the other stages it uses when it runs, not here: so
# `timeline build` with nothing changed answers from the build cache (timeline.database.uptodate)
# without loading the stages that read articles and check facts (0.3 s of imports against 0.1 s for the
# whole answer), and `timeline --help` loads none of them. tests/test_layout.py allows imports inside
# functions of this module, and of no other package module.

# Text from files, pages and git (a commit message, a quote, a title) printed as it is could hold terminal
# escape sequences: OSC 52 writes the clipboard, others retitle the window, move the cursor or hide lines.
# Every control character but a line break and a tab, and every bidirectional override, is shown as
# \u001b instead (which JSON reads as the same character).
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: object) -> str:
    """`text` safe to print on a terminal: see UNPRINTABLE."""
    return UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", str(text))


def echo(message: object = "", err: bool = False, nl: bool = True) -> None:
    """click.echo of `message` as shown()."""
    click.echo(shown(message), err=err, nl=nl)


def refusal(message: str) -> click.ClickException:
    """click.ClickException whose message is printed as shown()."""
    return click.ClickException(shown(message))


FACTS = click.option("--facts", "facts_dir", default="facts", show_default=True,
                     type=click.Path(file_okay=False), help="Folder of YAML fact files and entities.yaml")
SOURCES = click.option("--sources", "sources_dir", default="sources", show_default=True,
                       type=click.Path(file_okay=False), help="Folder of article texts and sources.yaml")
DB = click.option("--db", "db_path", default="timeline.db", show_default=True,
                  type=click.Path(dir_okay=False), help="The SQLite database to write")


@click.group()
@click.version_option(package_name="timeline")
def cli() -> None:
    """A source-linked event timeline and fact database.

    Facts are curated in YAML, every quote is checked against the exact words of the article it
    cites, and everything is loaded into SQLite for Datasette.

    Example:

    \b
        timeline init bridge-story && cd bridge-story
        timeline add-source ~/Downloads/bridge-opens.html
        timeline check && timeline build && timeline serve
    """


@cli.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option("--title", help="The site's title (default: from the folder's name); metadata.json keeps it")
def init(folder: str, title: str | None) -> None:
    """Start a new story in FOLDER (default: here): facts/, sources/, metadata.json and the rest.

    `timeline check` passes in it at once, and `timeline build` gives a site that says there is
    nothing yet. Nothing is overwritten: if a file it would write exists, it writes nothing.

    Example:

    \b
        timeline init bridge-story --title "The harbour bridge"
    """
    try:
        written = timeline.init(folder, title)
    except StoryExists as e:
        existing = ", ".join(os.path.relpath(p) for p in e.args[0][:3]) + (" ..." if len(e.args[0]) > 3 else "")
        raise refusal(f"{existing} already exist{'s' if len(e.args[0]) == 1 else ''}: timeline init never"
                                   " overwrites a story; choose a new or empty folder")
    except OSError as e:
        raise refusal(f"cannot create the story in {folder}: {e.strerror or e}")
    relative = os.path.relpath(os.path.abspath(folder))
    for path in written:
        echo(f"  {os.path.relpath(path)}")
    where = "" if relative == "." else f"cd {relative}\n    "
    echo(f"Started a story in {relative}/. Next:\n    {where}timeline add-source PAGE.html   "
               "# a saved page, a WARC, a .txt or a URL\n    timeline check && timeline build && timeline serve")


@cli.command()
@FACTS
@SOURCES
def check(facts_dir: str, sources_dir: str) -> None:
    """Check every fact, source and quote; print every problem.

    Example:

    \b
        timeline check
    """
    inputs = timeline.check(facts=facts_dir, sources=sources_dir)
    if inputs.problems:
        echo(report(inputs.problems), err=True)
        _warn(inputs.warnings)
        sys.exit(1)
    _warn(inputs.warnings)
    echo(f"OK: {len(inputs.facts)} facts, {len(inputs.entities)} entities, {len(inputs.sources)} sources"
               + (f" ({summary(inputs.warnings, 'warning')})" if inputs.warnings else ""))


def _warn(warnings: list[Problem]) -> None:
    """Print the warnings (after the problems, with their own count): what to look at that does not stop a build."""
    if warnings:
        echo(report(warnings, "warning"), err=True)


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
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes that read the articles and check the facts (default: one per CPU; 1: all in"
                   " this process)")
def build(facts_dir: str, sources_dir: str, db_path: str, excerpts: bool, wait: float, no_cache: bool,
          jobs: int | None) -> None:
    """Check everything, then write the database; on any problem write nothing.

    With --excerpts the articles keep only the sentences facts cite and their neighbours: build
    that one to publish a public site (full article texts are other people's copyright).

    Work of earlier builds is reused from .timeline-cache/ next to the database (the result is the
    same database a build from nothing writes); with nothing changed, nothing is written. Each
    article's sentences, signals and words are worked out in --jobs processes, and the facts files
    are shared among them (the database is the same whatever their number).

    Example:

    \b
        timeline build --db timeline.db
        timeline build --excerpts --db public/timeline.db
    """
    _build(facts_dir, sources_dir, db_path, excerpts=excerpts, wait=wait, use_cache=not no_cache, jobs=jobs)


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
              help="Rebuild when facts or sources change; the running server serves the new database at once")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1),
              help="Datasette processes behind the one port (uvicorn's workers); more use more cores")
def serve(facts_dir: str, sources_dir: str, db_path: str, port: int, metadata: str, public: bool, watch: bool,
          workers: int) -> None:
    """Build, then serve the database read-only with Datasette on 127.0.0.1.

    While it runs, a change under the facts or sources folder rebuilds the database, and the running
    server serves the new one from its next request; a rebuild with problems prints them and keeps
    serving the previous database.

    Example:

    \b
        timeline serve --port 8001
        timeline serve --public --no-watch
        timeline serve --public --workers 2
    """
    from timeline.site import server  # (this command's stage: see the top of this module)
    try:
        server.check_name(db_path)  # what would stop the site is reported before the build
        server.site_metadata(metadata)
    except SiteError as e:
        raise refusal(str(e))
    _build(facts_dir, sources_dir, db_path)
    try:
        server.preflight(db_path, "127.0.0.1", port)
        command = server.datasette_command(db_path, port, public=public, metadata=metadata, workers=workers)
    except SiteError as e:
        raise refusal(str(e))

    def rebuild() -> bool:
        try:
            inputs = timeline.build(db=db_path, facts=facts_dir, sources=sources_dir)
        except InputError as e:
            echo(report(e.problems), err=True)
            echo(f"Still serving the previous {db_path}: fix the problems and save again.", err=True)
            return False
        except BuildError as e:
            echo(f"Error: {e}. Still serving the previous {db_path}.", err=True)
            return False
        except Exception as e:  # noqa: BLE001 - whatever a rebuild meets, the site stays up
            echo(f"Error: the rebuild failed ({type(e).__name__}: {e}); this is a bug, please report it."
                       f" Still serving the previous {db_path}.", err=True)
            return False
        if inputs.unchanged:  # saved without a change: the served database is already this one
            return False
        changed = f" (changed: {', '.join(inputs.patched)})" if inputs.patched else ""
        assert inputs.counts is not None  # a build that wrote the database counted what it wrote
        warned = f", {summary(inputs.warnings, 'warning')} (timeline check lists them)" if inputs.warnings else ""
        echo(f"Rebuilt {db_path}: {inputs.counts['facts']} facts{changed}{warned}; serving it now", err=True)
        return True

    notes = ", ".join(n for n in ("public settings" if public else "", f"{workers} workers" if workers > 1 else "") if n)
    echo(f"Serving on http://127.0.0.1:{port}/{f' ({notes})' if notes else ''}"
               f"{'; watching ' + facts_dir + ' and ' + sources_dir if watch else ''} (Ctrl-C to stop)", err=True)
    try:
        code = server.serve(command, rebuild, watch=(facts_dir, sources_dir) if watch else ())
    except KeyboardInterrupt:
        sys.exit(0)
    if code == server.REFUSED:  # it refused to start, and said why in one line
        sys.exit(1)
    how = f"killed by signal {-code}" if code < 0 else f"exit status {code}"
    raise refusal(f"the server stopped by itself ({how}), so timeline serve stops too: the lines above say why;"
                  " run timeline serve again")


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("publisher")
@click.argument("options", nargs=-1, type=click.UNPROCESSED)
@FACTS
@SOURCES
@click.option("--db", "db_path", default="public/timeline.db", show_default=True, type=click.Path(dir_okay=False),
              help="Where to build the excerpt database that is published (and the site's files beside it)")
@click.option("--metadata", default="metadata.json", show_default=True, type=click.Path(dir_okay=False),
              help="The story's own metadata, laid over the site's (as for serve)")
@click.option("--dry-run", is_flag=True, help="Build and assemble everything, print the datasette command, run nothing")
def publish(publisher: str, options: tuple[str, ...], facts_dir: str, sources_dir: str, db_path: str, metadata: str,
            dry_run: bool) -> None:
    """Publish the site: build the excerpt database, then run `datasette publish PUBLISHER` with the
    site's templates, plugins, static files, merged metadata and the public settings of serve --public.

    PUBLISHER is one of `datasette publish`'s (cloudrun, heroku; fly and vercel with their plugins),
    or `package` for a local Docker image (`datasette package`). Options after it go to Datasette.
    Only excerpts of the articles are published: full texts are other people's copyright.

    Example:

    \b
        timeline publish cloudrun --service my-story
        timeline publish package --tag my-story --dry-run
    """
    from timeline.site import publish as publishing  # (this command's stages: see the top of this module)
    from timeline.site import server
    try:
        server.check_name(db_path)
        server.site_metadata(metadata)
    except SiteError as e:
        raise refusal(str(e))
    folder = os.path.dirname(os.path.abspath(db_path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as e:
        raise refusal(f"cannot create {folder}: {e.strerror}")
    _build(facts_dir, sources_dir, db_path, excerpts=True)
    merged, templates = publishing.assemble(folder, metadata)
    line = publishing.command(publisher, db_path, merged, templates, options)
    echo(publishing.as_typed(line))
    if dry_run:
        return
    try:
        sys.exit(subprocess.call(line))
    except KeyboardInterrupt:
        sys.exit(130)


@cli.command()
@click.argument("source_ids", nargs=-1)
@FACTS
@SOURCES
def coverage(source_ids: tuple[str, ...], facts_dir: str, sources_dir: str) -> None:
    """What is left to cite: sentences with a number, a date or a quotation that no fact cites.

    Each such sentence must be cited by a fact or set aside in facts/set-aside.yaml with a reason.
    Prints a line per source, then every uncovered sentence; exits 1 if any is left.

    Example:

    \b
        timeline coverage            # every source
        timeline coverage wapo bbc   # some sources
    """
    from timeline.across import coverage as uncovered  # (this command's stage: see the top of this module)
    inputs = timeline.check(facts=facts_dir, sources=sources_dir)
    if inputs.problems:
        echo(report(inputs.problems), err=True)
        sys.exit(1)
    unknown = sorted(set(source_ids) - set(inputs.sources))
    if unknown:
        raise refusal(f"unknown source {', '.join(unknown)}; sources are: {', '.join(sorted(inputs.sources))}")
    result = uncovered.report(inputs)
    chosen = source_ids or sorted(result)
    echo(f"{'source':<20} {'with detail':>11} {'cited':>6} {'set aside':>9} {'left':>5}")
    for sid in chosen:
        row = result[sid]
        echo(f"{sid:<20} {row['signalled']:>11} {row['cited']:>6} {row['set_aside']:>9} {len(row['uncovered']):>5}")
    left = [u for sid in chosen for u in result[sid]["uncovered"]]
    for sentence_id, text, found in left:
        echo(f"{sentence_id}: [{', '.join(found)}] {text}")
    if left:
        echo(f"{len(left)} sentence{'s' if len(left) != 1 else ''} left: cite them in a fact, or set them aside"
                   " in facts/set-aside.yaml with a reason", err=True)
        sys.exit(1)
    echo("Nothing left: every sentence with a number, date or quotation is cited or set aside.")


@cli.command(name="date")
@click.argument("phrase")
@click.option("--published", required=True, help="The source's publication date (YYYY-MM-DD or datetime with offset)")
@click.option("--direction", type=click.Choice(["past", "future"]), help="Does the phrase point back or ahead?"
              " (default: read from the phrase's clause in --context, else the reading nearer --published,"
              " which is a guess)")
@click.option("--context", help="The sentence the phrase comes from (its clause can decide the direction)")
@click.option("--language", default="en", show_default=True,
              help="The article's language (a BCP 47 tag: en, es, es-SV): the phrase is read in its grammar")
@click.option("--json", "as_json", is_flag=True,
              help="Print {start, end, precision, qualifier, time, edtf, basis, label, guess} as JSON")
def date_command(phrase: str, published: str, direction: str | None, context: str | None, language: str,
                 as_json: bool) -> None:
    """Try a date phrase before writing it: how would the build resolve it?

    Example:

    \b
        timeline date "On Monday" --published 2025-03-26
        timeline date "in December" --published 2025-03-26 --direction future --json
        timeline date "el miércoles" --published 2025-03-27 --language es
    """
    try:
        resolved = timeline.resolve_date(phrase, published, context=context, direction=direction, language=language)
    except DateError as e:
        raise refusal(str(e))
    if as_json:
        echo(json.dumps({"start": resolved.start.isoformat(), "end": resolved.end.isoformat(),
                               "precision": resolved.precision, "qualifier": resolved.qualifier,
                               "time": resolved.time, "edtf": resolved.edtf, "basis": resolved.basis,
                               "label": resolved.label, "guess": resolved.guess}))
        return
    echo(f"start:     {resolved.start.isoformat()} ({resolved.start:%A})")
    echo(f"end:       {resolved.end.isoformat()} ({resolved.end:%A})")
    echo(f"precision: {resolved.precision}" + (f" ({resolved.qualifier})" if resolved.qualifier else ""))
    echo(f"label:     {resolved.label}")
    echo(f"edtf:      {resolved.edtf}")
    echo(f"basis:     {resolved.basis}")
    if resolved.guess:
        echo(f"guess:     {resolved.guess}")


def _build(facts_dir: str, sources_dir: str, db_path: str, excerpts: bool = False, wait: float = 30.0,
           use_cache: bool = True, jobs: int | None = None) -> None:
    looked = uptodate.up_to_date(db_path, facts_dir, sources_dir, excerpts) if use_cache else None
    if looked is not None and looked.unchanged:
        assert looked.counts is not None  # kept with the manifest that says so
        _warn(looked.warnings)
        _built("Up to date", db_path, excerpts, looked.counts)
        return
    # the stages that check and write: loaded once there is work to do (see the top of this module)
    from timeline.database import build as database_build
    progress = Progress()
    try:
        inputs = database_build.build(db_path, facts_dir, sources_dir, wait=wait, progress=progress,
                                      use_cache=use_cache, excerpts=excerpts, jobs=jobs, looked=looked)
    except InputError as e:
        progress.clear()
        echo(report(e.problems), err=True)
        echo(f"Nothing written: {db_path} is unchanged.", err=True)
        sys.exit(1)
    except BuildError as e:
        progress.clear()
        raise refusal(str(e))
    progress.clear()
    _warn(inputs.warnings)
    assert inputs.counts is not None  # a build that wrote the database, or found it up to date, counted its contents
    what = "Updated" if inputs.patched else "Up to date" if inputs.unchanged else "Built"
    _built(what, db_path, excerpts, inputs.counts, f" (changed: {', '.join(inputs.patched)})" if inputs.patched else "")


def _built(what: str, db_path: str, excerpts: bool, n: dict[str, int], changed: str = "") -> None:
    echo(f"{what} {db_path}{' (excerpts)' if excerpts else ''}: {n['facts']} facts, {n['entities']} entities,"
         f" {n['sources']} sources{changed}", err=True)


class Progress:
    """A one-line progress report on stderr, shown only on a terminal and only once a build has run 2 s."""

    def __init__(self, after: float = 2.0) -> None:
        self.start = time.monotonic()
        self.after = after
        self.drawn = False
        self.tty = sys.stderr.isatty()

    def __call__(self, phase: str, done: int, total: int) -> None:
        if not self.tty or time.monotonic() - self.start < self.after:
            return
        width = 30
        filled = width * done // max(total, 1)
        line = f"\r{phase:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        click.echo(line, nl=False, err=True)  # our own line: its \r is meant
        self.drawn = True

    def clear(self) -> None:
        if self.drawn:
            click.echo("\r\x1b[K", nl=False, err=True)  # our own: back to the start, clear the line
            self.drawn = False


@cli.command()
@click.argument("source_id", required=False)
@FACTS
@SOURCES
def suggest(source_id: str | None, facts_dir: str, sources_dir: str) -> None:
    """List candidate facts in sentences no fact cites yet, as YAML to paste.

    Numbers with what they count, date phrases with their resolved dates, court words and quotations
    with a likely speaker. Nothing is written: copy what is worth keeping into a facts file, then
    give it a title and check it.

    Example:

    \b
        timeline suggest wapo
    """
    from timeline.across import suggest as suggestions  # (this command's stage: see the top of this module)
    inputs = timeline.check(facts=facts_dir, sources=sources_dir)
    if source_id is not None and source_id not in inputs.sources:
        known = ", ".join(sorted(inputs.sources)) or "none"
        raise refusal(f"there is no source '{source_id}' in sources.yaml (known: {known})")
    if inputs.problems:
        echo(report(inputs.problems), err=True)
        echo("Suggestions below skip only what the readable facts cite.", err=True)
    found = suggestions.candidates(inputs, source_id)
    for candidate in found:
        echo(suggestions.to_yaml(candidate) + "\n")
    echo(f"{len(found)} candidate fact{'s' if len(found) != 1 else ''}", err=True)


@cli.command(name="add-source")
@click.argument("target", metavar="PATH_OR_URL")
@click.option("--id", "source_id", help="The new source's id (default: made from the outlet and title)")
@click.option("--outlet", help="The outlet, instead of what the page says")
@click.option("--title", help="The headline, instead of what the page says")
@click.option("--author", help="The byline, instead of what the page says (several: separate with '; ')")
@click.option("--published", help="Publication date, instead of what the page says: YYYY-MM-DD or a datetime"
                                  " with offset (2025-03-26T19:50:00-04:00)")
@click.option("--url", help="The article's address, instead of what the page says")
@click.option("--based-on", help="The wire service whose copy it is (AP, Reuters...), instead of the credit found;"
                                 " '' for none")
@click.option("--court", help="A court document's court, instead of what its first page says")
@click.option("--case-name", help="A court document's case (J.G.G. v. Trump), instead of its caption")
@click.option("--docket-number", help="A court document's docket number, instead of its filing stamp")
@click.option("--document-number", help="A court document's number in its docket, instead of its filing stamp")
@click.option("--date-filed", help="When a court document was filed (YYYY-MM-DD), instead of its filing stamp")
@click.option("--language", help="The article's language as a BCP 47 tag (es, en, es-SV), instead of what the page"
                                  " declares or its text reads as")
@click.option("--record", metavar="URL", help="With a WARC holding several pages: the WARC-Target-URI of the one to take")
@click.option("--allow-private-addresses", is_flag=True,
              help="Fetch a URL on a loopback, private or link-local address too (refused by default)")
@SOURCES
def add_source(target: str, source_id: str | None, record: str | None, allow_private_addresses: bool,
               sources_dir: str, **overrides: str | None) -> None:
    """Add an article from a saved page (.html), a WARC, a text file, a PDF or a URL.

    The original is stored under the sources folder byte for byte (a URL is fetched and archived as a
    WARC first), the article text is extracted into <id>.txt, one paragraph per line (a PDF's page by
    page), and an entry with both sha256s, the outlet, title, author, publication date and address found
    in the page, the wire service it credits, its language (declared by the page, else read from its text),
    a court document's court, case, docket and document numbers and date filed, and the evidence for each,
    is added to sources.yaml. Options replace what was found.

    Example:

    \b
        timeline add-source ~/Downloads/bridge-opens.html
        timeline add-source capture.warc.gz --id ledger-bridge --outlet "The Coastal Ledger"
        timeline add-source https://www.example.com/news/bridge-opens
        timeline add-source order.pdf --case-name "J.G.G. v. Trump"
        timeline add-source elfaro-visita.html --language es-SV
    """
    from timeline.ingest.add_source import KINDS as INPUT_KINDS  # (this command's stage: see the top of this module)
    try:
        added = timeline.add_source(".", target, id=source_id, record=record, sources=sources_dir,
                                    allow_private_addresses=allow_private_addresses, **overrides)
    except SourceRefused as e:
        raise refusal(f"{e}. Nothing was written.")
    entry = added.entry
    echo(f"Added source '{added.id}' from {INPUT_KINDS[added.kind]} ({os.path.basename(target) if added.kind != 'url' else target}):")
    echo(f"  {'text':<10} {entry['path']} ({added.paragraphs} paragraph{'s' if added.paragraphs != 1 else ''},"
               f" {added.words} words)")
    if entry.get("original"):
        echo(f"  {'original':<10} {entry['original']} (stored byte for byte)")
    if added.chosen:
        echo(f"  {'article':<10} {added.chosen}")
    for key in ("outlet", "title", "author", "published", "url", "retrieved", "based_on", "language", "court",
                "case_name", "docket_number", "document_number", "date_filed"):
        if entry.get(key):
            echo(f"  {key.replace('_number', '').replace('_', ' '):<10} {entry[key]}")
    if added.missing:
        echo(f"Not found: {', '.join(added.missing)} (left empty: fill in what you know in {added.yaml_path})")
    for remark in added.remarks:
        echo(f"Check: {remark}")
    for other, n, wire in added.shared:
        credit = f"; '{other}' credits {wire}" if wire else ""
        echo(f"Wire copy? It shares {n} sentences with source '{other}'{credit}: if both are one wire"
                   f" service's copy, set based_on for '{added.id}' in {added.yaml_path}")
    echo(f"The evidence for each value is in the notes of '{added.id}' in {added.yaml_path}.")
    echo(f"Next: timeline suggest {added.id}")


@cli.command(name="history")
@click.argument("fact_id")
@FACTS
@DB
@click.option("--json", "as_json", is_flag=True, help="Print the revisions as JSON (the fact_history rows)")
def history_command(fact_id: str, facts_dir: str, db_path: str, as_json: bool) -> None:
    """How one fact changed: its revisions in the git history of the facts folder.

    Every commit that added, changed, moved, renamed or removed the fact, oldest first, with its
    date, author and message, the fields that changed and the values they had before. Only commits
    count: uncommitted changes are not history. Files parsed by earlier builds are taken from
    .timeline-cache/ next to --db.

    Example:

    \b
        timeline history bridge-cost
    """
    from timeline.core.validate import did_you_mean  # (this command's stages: see the top of this module)
    from timeline.database import history as fact_history
    from timeline.database.cache import Cache, folder_for
    head = fact_history.key(facts_dir)
    if head is None:
        raise refusal(f"{facts_dir} has no git history: history comes from the commits of the facts"
                                   " folder (is it in a git repository with commits, and is git installed?)")
    cache = Cache(folder_for(db_path))
    try:
        rows, _ = fact_history.rows(facts_dir, head, cache)
    finally:
        cache.close(prune=False)  # entries of other kinds were not looked at, but still hold
    mine = [r for r in rows if r["fact_id"] == fact_id]
    if not mine:
        close = did_you_mean(fact_id, {r["fact_id"] for r in rows})
        raise refusal(f"fact '{fact_id}' has no committed history in {facts_dir}"
                                   + (f": did you mean '{close}'?" if close else
                                      " (a fact that is not committed yet has none)"))
    if as_json:
        echo(json.dumps(mine, indent=2, ensure_ascii=False))
        return
    for r in mine:
        what = r["action"] + (f" {r['fields'].replace(',', ', ')}" if r["fields"] and r["action"] != "renamed" else "")
        echo(f"{r['commit_hash'][:10]} {r['date'][:10]} {r['author']}: {what} ({r['file']})")
        echo(f"    {r['message']}")
        if r["note"]:
            echo(f"    {r['note']}")
        for field, lines in fact_history.previous_values(r["previous"]):
            label = "was" if r["action"] != "removed" else "last"
            echo(f"    {field} {label}: {lines[0]}" if len(lines) == 1 else f"    {field} {label}:")
            for line in lines if len(lines) > 1 else ():
                echo(f"      - {line}")
    echo(f"{len(mine)} revision{'s' if len(mine) != 1 else ''} of {fact_id}", err=True)

"""The `timeline` command: check, build and serve the fact database."""
import os
import subprocess
import sys

import click

from . import build as build_module
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
def build(facts_dir, sources_dir, db_path):
    """Check everything, then write the database; on any problem write nothing.

    Example:

        timeline build --db timeline.db
    """
    _build(facts_dir, sources_dir, db_path)


@cli.command()
@FACTS
@SOURCES
@DB
@click.option("-p", "--port", default=8001, show_default=True, type=int, help="Port to serve on")
@click.option("--metadata", default="metadata.json", show_default=True, type=click.Path(dir_okay=False),
              help="Datasette metadata (titles, descriptions, canned queries)")
def serve(facts_dir, sources_dir, db_path, port, metadata):
    """Build, then serve the database read-only with Datasette on 127.0.0.1.

    Example:

        timeline serve --port 8001
    """
    _build(facts_dir, sources_dir, db_path)
    command = datasette_command(db_path, metadata, port)
    click.echo(f"Serving on http://127.0.0.1:{port}/ (Ctrl-C to stop)", err=True)
    try:
        sys.exit(subprocess.call(command))
    except KeyboardInterrupt:
        sys.exit(0)


def datasette_command(db_path, metadata, port, host="127.0.0.1"):
    """The Datasette command line that serves `db_path` read-only (immutable)."""
    here = os.path.dirname(os.path.abspath(metadata))
    command = [sys.executable, "-m", "datasette", "serve", "-i", db_path, "-h", host, "-p", str(port)]
    if os.path.exists(metadata):
        command += ["-m", metadata]
    for option, folder in (("--template-dir", "templates"), ("--plugins-dir", "plugins"), ("--static", "static")):
        path = os.path.join(here, folder)
        if os.path.isdir(path) and os.listdir(path):
            command += [option, f"static:{path}" if option == "--static" else path]
    return command


def _build(facts_dir, sources_dir, db_path):
    try:
        inputs = build_module.build(db_path, facts_dir, sources_dir)
    except InputError as e:
        click.echo(report(e.problems), err=True)
        click.echo(f"Nothing written: {db_path} is unchanged.", err=True)
        sys.exit(1)
    except build_module.BuildError as e:
        raise click.ClickException(str(e))
    click.echo(f"Built {db_path}: {len(inputs.facts)} facts, {len(inputs.entities)} entities,"
               f" {len(inputs.sources)} sources", err=True)
    return inputs

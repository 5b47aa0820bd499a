"""`timeline init`: a new story folder that checks, builds and serves at once, with nothing in it yet."""
import hashlib
import json
import os
import re
import subprocess
import sys

from click.testing import CliRunner
from conftest import ARTICLE, ROOT
from datasette.cli import cli as datasette_cli

from timeline.cli import cli
from timeline.site.server import site_options, write_site_metadata

WRITTEN = [".gitignore", "README.md", "facts/entities.yaml", "facts/facts.yaml", "metadata.json",
           "schema/entities.schema.json", "schema/facts.schema.json", "schema/resolutions.schema.json",
           "schema/set-aside.schema.json", "schema/sources.schema.json", "sources/sources.yaml"]


def run(*args, cwd):
    """The real command line, in `cwd`."""
    return subprocess.run([sys.executable, "-m", "timeline", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)


def files(folder):
    return sorted(os.path.relpath(os.path.join(root, name), folder)
                  for root, _, names in os.walk(folder) for name in names)


def page(story, path):
    args = [str(story / "timeline.db"), *site_options(write_site_metadata(story / "metadata.json", story), story),
            "--get", path]
    result = CliRunner().invoke(datasette_cli, args)
    assert result.exit_code == 0, result.output[:500]
    return result.output


def test_init_writes_a_story_that_checks_and_builds_at_once(tmp_path):
    result = run("init", "bridge-story", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    story = tmp_path / "bridge-story"
    assert files(story) == WRITTEN
    assert "cd bridge-story" in result.stdout and "timeline add-source" in result.stdout
    assert json.loads((story / "metadata.json").read_text())["title"] == "Bridge story"
    assert (story / ".gitignore").read_text().splitlines()[1:] == ["/timeline.db", "/timeline.db.*",
                                                                    "/.timeline-cache/", "/public/"]
    check = run("check", cwd=story)
    assert (check.returncode, check.stdout.strip()) == (0, "OK: 0 facts, 0 entities, 0 sources")
    built = run("build", cwd=story)
    assert built.returncode == 0, built.stderr
    assert built.stderr.strip() == "Built timeline.db: 0 facts, 0 entities, 0 sources"


def test_every_yaml_file_names_a_schema_that_is_there(tmp_path):
    CliRunner().invoke(cli, ["init", str(tmp_path / "s")])
    for name in ("facts/entities.yaml", "facts/facts.yaml", "sources/sources.yaml"):
        path = tmp_path / "s" / name
        schema = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", path.read_text().splitlines()[0]).group(1)
        assert json.loads((path.parent / schema).read_text())["type"] == "array"


def test_the_empty_site_says_there_is_nothing_yet(tmp_path):
    story = tmp_path / "s"
    CliRunner().invoke(cli, ["init", str(story), "--title", "The harbour bridge"])
    assert run("build", cwd=story).returncode == 0
    home = page(story, "/")
    assert "<h1>The harbour bridge</h1>" in home
    assert "Nothing here yet" in home and "timeline add-source" in home
    assert "Browse" not in home  # no links to empty tables
    assert "No facts yet" in page(story, "/chronology")
    assert "No facts match" in page(story, "/chronology?kind=figure")


def test_the_commented_examples_are_right(tmp_path):
    """Uncommented, the example entity and fact check against an article that says what they quote."""
    story = tmp_path / "s"
    CliRunner().invoke(cli, ["init", str(story)])

    def uncomment(name, start):
        path = story / name
        lines = path.read_text().splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith(f"# - {start}"))
        example = []
        for line in lines[first:]:
            if not line.startswith("#   ") and not line.startswith("# - "):
                break
            example.append(line[2:])
        path.write_text("\n".join(lines[:first] + example) + "\n")

    uncomment("facts/entities.yaml", "id: ann-lee")
    uncomment("facts/facts.yaml", "id: bridge-cost")
    data = ARTICLE.encode()
    (story / "sources" / "gazette.txt").write_bytes(data)
    with open(story / "sources" / "sources.yaml", "a") as f:
        f.write(f"- id: gazette-bridge-opens\n  path: sources/gazette.txt\n  sha256: {hashlib.sha256(data).hexdigest()}\n"
                "  published: 2025-03-26\n")
    (story / "sources" / "sources.yaml").write_text((story / "sources" / "sources.yaml").read_text().replace("\n[]\n", "\n"))
    check = run("check", cwd=story)
    assert (check.returncode, check.stdout.strip()) == (0, "OK: 1 facts, 1 entities, 1 sources"), check.stderr


def test_init_never_overwrites_and_writes_nothing_then(tmp_path):
    story = tmp_path / "s"
    (story / "facts").mkdir(parents=True)
    (story / "facts" / "facts.yaml").write_text("- mine\n")
    result = run("init", "s", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == ("Error: s/facts/facts.yaml already exists: timeline init never overwrites"
                                     " a story; choose a new or empty folder")
    assert files(story) == ["facts/facts.yaml"] and (story / "facts" / "facts.yaml").read_text() == "- mine\n"


def test_init_in_a_file_says_so(tmp_path):
    (tmp_path / "taken").write_text("x")
    result = run("init", "taken", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == "Error: Invalid value for '[FOLDER]': Directory 'taken' is a file."

"""The documentation keeps up with the code: every command, every error code, every table and view, the
public settings, and the README stays a front door."""
import ast
import re
import sqlite3

from conftest import ROOT

from timeline.cli import cli
from timeline.site.server import PUBLIC_SETTINGS

README = (ROOT / "README.md").read_text(encoding="utf-8")
DOCS = {path.name: path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md"))}
ALL_DOCS = "\n".join(DOCS.values())
CODE = re.compile(r"[a-z]+(?:-[a-z]+)+")


def error_codes():
    """Every problem code the package can report, read from its source: the code argument of each
    Checker.add(line, code, ...), Problem(path, line, code, ...) and XxxProblem(..., code, ...) call."""
    found = set()
    for path in (ROOT / "timeline").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "add" or name.endswith("Problem"):
                for arg in node.args[:3]:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and CODE.fullmatch(arg.value):
                        found.add(arg.value)
    return found


def test_the_error_codes_are_found():
    codes = error_codes()
    assert {"quote-not-found", "yaml-syntax", "bad-date", "unknown-topic", "stray-file", "source-changed"} <= codes
    assert len(codes) >= 40


def test_every_error_code_is_in_the_format_reference():
    missing = sorted(code for code in error_codes() if f"`{code}`" not in DOCS["format.md"])
    assert missing == [], f"docs/format.md does not list these error codes: {missing}"


def test_every_command_is_in_the_readme_command_list_and_in_the_docs():
    listing = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    for name in cli.commands:
        assert re.search(rf"^timeline {name}\b", listing, re.M), f"the README's command list lacks timeline {name}"
        assert f"timeline {name}" in ALL_DOCS + README.split("## Commands", 1)[0], \
            f"timeline {name} is used nowhere but in the command list"


def test_every_table_and_view_is_in_the_database_reference(real_db):
    conn = sqlite3.connect(real_db)
    names = [r[0] for r in conn.execute("select name from sqlite_master where type in ('table', 'view')"
                                        " and name not like '%_fts%' and name not like 'sqlite_%'")]
    missing = [name for name in names if f"`{name}`" not in DOCS["database.md"]]
    assert missing == [], f"docs/database.md does not describe: {missing}"


def test_the_publish_options_are_the_public_settings():
    options = " ".join(f"--setting {name} {value}" for name, value in PUBLIC_SETTINGS.items())
    assert f'--extra-options "{options}"' in DOCS["publishing.md"]
    for name, value in PUBLIC_SETTINGS.items():
        if name not in ("max_csv_mb", "allow_facet", "default_facet_size", "truncate_cells_html"):
            assert f"`{name}`" in DOCS["safety.md"], f"docs/safety.md does not explain {name}"


def test_every_page_is_linked_in_reading_order_and_links_resolve():
    index = DOCS["README.md"]
    pages = re.findall(r"^\d+\. \[[^\]]+\]\(([a-z-]+\.md)\)", index, re.M)
    assert sorted(pages) == sorted(name for name in DOCS if name != "README.md")
    in_readme = re.findall(r"^\d+\. \[[^\]]+\]\(docs/([a-z-]+\.md)\)", README, re.M)
    assert in_readme == pages  # the same order in both
    for name, text in [("README.md", README)] + [(f"docs/{n}", t) for n, t in DOCS.items()]:
        base = ROOT if name == "README.md" else ROOT / "docs"
        for target in re.findall(r"\]\(([^)#\s]+)", text):
            if not target.startswith(("http://", "https://", "/")):
                assert (base / target).exists(), f"{name} links to {target}, which does not exist"


def test_the_readme_is_a_front_door():
    lines = README.count("\n")
    assert lines <= 300, f"README.md has {lines} lines: move the detail into docs/"
    assert "./scripts/serve" in README and "./scripts/test" in README
    assert re.search(r"!\[[^\]]+\]\(docs/[^)]+\.png\)", README)

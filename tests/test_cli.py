"""Every command is documented with an example, as its --help text, each example command on its own line.

click rewraps every paragraph of a help text to the terminal's width unless the paragraph follows a line
holding only the marker '\\b': two example lines in one paragraph without it come out run together on one
line (`timeline date --help` and `timeline coverage --help` did), and a long one is broken in two."""
import inspect
import re

import pytest
from click.testing import CliRunner

from timeline.cli import cli

# `timeline --help` and `timeline COMMAND --help` for every command of the group, a new one included
COMMANDS = [None] + sorted(cli.commands)


def help_of(name, width=80):
    args = ["--help"] if name is None else [name, "--help"]
    result = CliRunner().invoke(cli, args, prog_name="timeline", terminal_width=width)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    return result.output


def written_examples(command):
    """The lines of the Example section of the command's docstring, as written (blank lines and the '\\b'
    marker left out)."""
    text = inspect.cleandoc(command.help or "")
    assert "\nExample:\n" in text, f"no Example: section in {command.name}'s docstring"
    section = text.split("\nExample:\n", 1)[1]
    return [line.strip() for line in section.splitlines() if line.strip() not in ("", "\b")]


def shown_examples(output):
    """The lines of the help text's Example block: from 'Example:' to the next heading (Options:)."""
    lines = output.splitlines()
    assert "  Example:" in lines, output
    block = []
    for line in lines[lines.index("  Example:") + 1:]:
        if line and not line.startswith(" "):
            break
        if line.strip():
            block.append(line)
    return block


def one_command(line):
    """Where `line` (an example, its comment left out) holds a second command not joined to the first by a
    shell operator: two example lines run together."""
    command = line.split("  #", 1)[0]
    return [m.start() for m in re.finditer(r"(?<=\s)timeline ", command) if not re.search(r"(&&|\|\||[|;])\s*$",
                                                                                           command[:m.start()])]


@pytest.mark.parametrize("name", COMMANDS, ids=[n or "timeline" for n in COMMANDS])
def test_every_example_stands_on_its_own_line(name):
    command = cli if name is None else cli.commands[name]
    output = help_of(name)
    shown = shown_examples(output)
    written = written_examples(command)
    assert written, f"timeline {name or ''} --help: an empty Example block"
    start = re.compile(r"      timeline" + (f" {re.escape(name)}" if name else "") + r"( |$)")
    for line in shown:
        # indented as click indents a paragraph: not a wrapped continuation, not a line of another paragraph
        assert start.match(line), (line, output)
        assert one_command(line.strip()) == [], f"two commands run together: {line!r}"
        comment = line.split("  #", 1)[1] if "  #" in line else ""
        assert "timeline " not in comment, f"the next example is run into this one's comment: {line!r}"
    # each line as written in the docstring: nothing joined to the next line, nothing broken in two
    assert [line.strip() for line in shown] == written, output


@pytest.mark.parametrize("name", COMMANDS, ids=[n or "timeline" for n in COMMANDS])
def test_examples_are_not_rewrapped_on_a_narrow_terminal(name):
    command = cli if name is None else cli.commands[name]
    assert [line.strip() for line in shown_examples(help_of(name, width=40))] == written_examples(command)


def test_the_check_finds_examples_run_together():
    """The tests above can fail: the help text `timeline date --help` printed before its examples were
    marked with '\\b'."""
    before = ('  Example:\n\n      timeline date "On Monday" --published 2025-03-26     timeline date "in\n'
              '      December" --published 2025-03-26 --direction future --json\n\nOptions:\n')
    shown = shown_examples(before)
    assert one_command(shown[0].strip()) == [53]
    assert shown[1].startswith("      December")  # a wrapped continuation, not a command
    assert one_command("timeline check && timeline build && timeline serve") == []
    comment = "      timeline coverage            # every source     timeline coverage wapo"
    assert "timeline " in comment.split("  #", 1)[1]


def test_timeline_help_lists_every_command():
    output = help_of(None)
    listed = re.findall(r"(?m)^  ([a-z-]+)\s{2,}\S", output.split("\nCommands:\n", 1)[1])
    assert sorted(listed) == sorted(cli.commands)

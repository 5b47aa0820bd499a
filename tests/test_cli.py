"""Every command is documented with an example, as its --help text."""
from click.testing import CliRunner

from timeline.cli import cli


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output, f"timeline {name} --help has no Example"

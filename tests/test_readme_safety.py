"""The README's publish options are the settings `timeline serve --public` uses."""
from conftest import ROOT
from timeline.server import PUBLIC_SETTINGS


def test_readme_publish_options_match_the_public_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    options = " ".join(f"--setting {name} {value}" for name, value in PUBLIC_SETTINGS.items())
    assert f'--extra-options "{options}"' in readme

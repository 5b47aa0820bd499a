"""The JSON Schemas that editors use agree with the files and with the build.

Editors (yaml-language-server) read YAML 1.2: `2023` and `40000` are numbers, `2025-03-26` is text.
"""
import json
import re

import jsonschema
import pytest
import yaml
from conftest import ROOT, SITE


class Yaml12Loader(yaml.SafeLoader):
    """Reads like an editor: numbers are numbers, dates stay text."""


Yaml12Loader.yaml_implicit_resolvers = {
    k: [(tag, regexp) for tag, regexp in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

FILES = sorted((ROOT / "facts").glob("*.yaml")) + [ROOT / "sources" / "sources.yaml"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_file_names_its_schema_and_validates(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    match = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", first)
    assert match, f"{path.name} does not reference its schema on its first line"
    schema_path = (path.parent / match.group(1)).resolve()
    schema = json.loads(schema_path.read_text())
    jsonschema.validate(yaml.load(path.read_text(encoding="utf-8"), Loader=Yaml12Loader), schema)


def test_schema_accepts_numbers_or_text_for_dates_and_values():
    schema = json.loads((SITE / "schema" / "facts.schema.json").read_text())
    base = {"id": "a", "kind": "figure", "title": "t", "unit": "USD", "sources": [{"source": "s", "quote": "q w e"}]}
    for date, value in ((2023, 40000), ("2023-03", "40000"), ("1990s", 2.5)):
        jsonschema.validate([{**base, "date": date, "value": value}], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**base, "value": 1, "unti": "x"}], schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate([{**base, "kind": "statement", "value": 1}], schema)

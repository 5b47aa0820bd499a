"""facts/entities.yaml: the people, organisations, places... that facts are about and attributed to.

Each has an id, a name, a type and a description, and may list `aliases`: the other names the articles
give it ("Villatoro", "the Salvadoran minister", "family members"), checked like names, used where a
speaker's name is looked for in the cited words (timeline.inputs.wording) and searchable on the site."""
from __future__ import annotations

import os

from timeline.core import files, yamlfile
from timeline.core.validate import Checker, one_of, read_list, text_problem, too_long
from timeline.problems import Problem
from timeline.records import Entity

ENTITY_KEYS = ("id", "name", "type", "description")  # required
ENTITY_OPTIONAL = ("aliases",)
ENTITY_TYPES = ("person", "organisation", "group", "place", "facility", "law", "court")
ENTITIES_FILE = "entities.yaml"


def load_entities(facts_dir: str, where: str) -> tuple[dict[str, Entity] | None, list[Problem]]:
    checker = Checker(where)
    path = os.path.join(facts_dir, ENTITIES_FILE)
    if not os.path.exists(path):
        checker.add(1, "missing-file", f"there is no {where}: list the people, organisations and places there")
        return None, checker.problems
    data = read_list(path, checker)
    if data is None:
        return None, checker.problems  # None: nothing is known about the entities (reported here)
    entities: dict[str, Entity] = {}
    for item, line in zip(data, getattr(data, "lines", [])):
        if not isinstance(item, yamlfile.Mapping):
            checker.add(line, "not-a-mapping", "each entity is a mapping with keys " + ", ".join(ENTITY_KEYS))
            continue
        checker.keys(item, ENTITY_KEYS + ENTITY_OPTIONAL, ENTITY_KEYS, "entity")
        values = {k: checker.text(item, k) for k in ENTITY_KEYS}
        eid = checker.slug(item, "id", "entity id")
        if not eid:
            continue
        for key, lines in (("name", False), ("description", True)):
            if values[key]:  # reported, but the entity stays known: facts naming it are not reported again
                checker.visible(item, key, f"entity '{eid}'", lines=lines, required=True)
        if eid in entities:
            first = entities[eid]
            checker.add(item.line_of("id"), "duplicate-id",
                      f"entity id '{eid}' is already used on line {first['line']}: give each entity its own id")
            continue
        aliases = _aliases(item, checker, eid)
        if values["type"] and values["type"] not in ENTITY_TYPES:
            checker.add(item.line_of("type"), "bad-value",
                      f"entity type '{values['type']}' is not allowed: {one_of(values['type'], ENTITY_TYPES)}")
        # Written out, not {**values, ...}, so that mypy can check it is an Entity (the same keys, in the same order).
        entities[eid] = {"id": values["id"], "name": values["name"], "type": values["type"],
                         "description": values["description"], "aliases": aliases,
                         "file": files.story_path(path, facts_dir), "line": item.line}
    return entities, checker.problems


def _aliases(item: yamlfile.Mapping, checker: Checker, eid: str) -> list[str]:
    """The entity's other names, each checked like a name; a problem for anything that is not a list of them."""
    value = item.get("aliases")
    if value is None:
        return []
    if not isinstance(value, yamlfile.Sequence):
        checker.add(item.line_of("aliases"), "wrong-type",
                    f"entity '{eid}': 'aliases' must be a list of other names, e.g. aliases: [Villatoro, the minister]")
        return []
    out: list[str] = []
    for i, alias in enumerate(value):
        line = value.lines[i] if value.lines and i < len(value.lines) else item.line_of("aliases")
        if not isinstance(alias, str) or not alias.strip():
            checker.add(line, "wrong-type", f"entity '{eid}': each alias is a name written as text")
            continue
        if too_long(alias):
            checker.add(line, "bad-value", f"entity '{eid}': an alias is a name, not a text: shorten it")
            continue
        problem = text_problem(alias, required=True)
        if problem:
            checker.add(line, problem[0], f"entity '{eid}': alias {problem[1]}")
            continue
        if alias.strip() not in out:
            out.append(alias.strip())
    return out

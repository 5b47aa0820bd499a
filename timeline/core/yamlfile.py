"""Read YAML that guesses nothing.

Every scalar stays text (``NO`` is the text NO, ``2023`` is the text 2023, dates reach the date code
as text); only an unquoted empty value, ``~`` or ``null`` is None. Anchors, aliases, tags, duplicate
keys and multiple documents are refused. Every mapping remembers its line and the line of each key.

The tree is built from libyaml's event stream rather than its composer: the composer recurses and
crashes the process on deeply nested input, while the event parser does not.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import yaml

from timeline.core import files
from timeline.errors import Unreadable, YamlProblem

# libyaml's parser when present (fast); only its event stream is used, never its constructor.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


MAX_BYTES = 10 * 1024 * 1024  # ~60,000 facts; parsing that many takes seconds, so larger files are split
MAX_DEPTH = 20
NULLS = {"", "~", "null", "Null", "NULL"}
LINE_SEPARATORS = {"\u2028": "U+2028 LINE SEPARATOR", "\u2029": "U+2029 PARAGRAPH SEPARATOR",
                   "\x85": "U+0085 NEXT LINE"}


class Mapping(dict[str, Any]):
    """A YAML mapping that remembers where it was written."""

    line = 0
    lines: dict[str, int] | None = None  # {key: line of the key}

    def line_of(self, key: str) -> int:
        return (self.lines or {}).get(key, self.line)


class Sequence(list[Any]):
    """A YAML sequence that remembers the line of each item."""

    line = 0
    lines: list[int] | None = None


def decode(data: bytes) -> str:
    """Bytes to text: UTF-8 (a BOM is tolerated), anything else is a clear error."""
    if len(data) > MAX_BYTES:
        raise YamlProblem(1, "file-too-large", too_large(len(data)))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(data) > 1 and (data[0] == 0 or data[1] == 0)):
        raise YamlProblem(1, "bad-encoding", "file is UTF-16; save it as UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    nul = data.find(b"\x00")
    if nul != -1:
        raise YamlProblem(data.count(b"\n", 0, nul) + 1, "bad-encoding",
                          "file contains a NUL byte; it is not a text file, or it is corrupted")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise YamlProblem(line, "bad-encoding",
                          f"byte 0x{data[e.start]:02x} is not UTF-8; save the file as UTF-8") from None
    for ch, name in LINE_SEPARATORS.items():
        pos = text.find(ch)
        if pos != -1:
            raise YamlProblem(text.count("\n", 0, pos) + 1, "bad-character",
                              f"{name} would be read as a line break by YAML but not by your editor;"
                              " replace it with a normal newline or a space")
    return text


def too_large(size: int) -> str:
    """What to say of a file of `size` bytes, over MAX_BYTES."""
    mb = 1024 * 1024
    return f"file is {size / mb:.0f} MB; the limit is {MAX_BYTES // mb} MB: split it into several files"


def parse(text: str) -> Any:
    """Text to plain data (Mapping, Sequence, str, None); raises YamlProblem."""
    parser = _Parser(text)
    try:
        return _build(parser.get_event)
    except yaml.MarkedYAMLError as e:
        # An unclosed quote is noticed far away (often at the end of the file): point at where it opened.
        opened = "quoted scalar" in (e.context or "") and e.context_mark is not None
        mark = e.context_mark if opened else (e.problem_mark or e.context_mark)
        line = mark.line + 1 if mark else 1
        raise YamlProblem(line, "yaml-syntax", _syntax_message(e, text, line)) from None
    except yaml.YAMLError as e:
        raise YamlProblem(1, "yaml-syntax", f"not valid YAML: {e}") from None
    finally:
        if hasattr(parser, "dispose"):
            parser.dispose()


def load(data: bytes) -> Any:
    """Bytes of a YAML file to plain data; raises YamlProblem."""
    return parse(decode(data))


def read(path: str | os.PathLike[str]) -> Any:
    """A YAML file to plain data, reading no more than the size limit; raises YamlProblem,
    Unreadable (a pipe, a device, a symlink loop, a read error) or FileNotFoundError."""
    try:
        data = files.read_bytes(path, MAX_BYTES)
    except Unreadable as e:
        if e.too_large and e.size is not None:
            raise YamlProblem(1, "file-too-large", too_large(e.size)) from None
        raise
    return load(data)


_Scalar, _MappingStart, _SequenceStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MappingEnd, _SequenceEnd, _StreamEnd = yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.StreamEndEvent
_NO_KEY = object()


def _line(ev: yaml.Event) -> int:
    return ev.start_mark.line + 1 if ev.start_mark else 1


def _build(next_event: Callable[[], Any]) -> Any:
    """The tree of the events `next_event()` returns, up to the end of the stream.

    One flat loop (this is the hot path of every build): the open collection and its pending key are
    kept in local variables, the collections around it on `stack`.
    """
    # (container, lines, is_sequence, pending key, key line) of each enclosing collection
    stack: list[tuple[Any, Any, bool, object, int]] = []
    # The collections are Any: `is_sequence` says whether one is a Sequence or a Mapping, which mypy cannot follow.
    container: Any
    lines: Any
    node_lines: dict[str, int] | list[int]
    container = lines = None  # the innermost open collection, None at the top level
    is_sequence, key, key_line = False, _NO_KEY, 0
    root: Any = None
    documents = 0
    while True:
        ev = next_event()
        if ev is None:
            break
        kind = ev.__class__
        if kind is _Scalar:
            if ev.anchor:
                raise YamlProblem(_line(ev), "yaml-anchor",
                                  f"anchor '&{ev.anchor}' is not allowed: write each value out in full")
            tag = ev.tag
            if tag is not None and tag != "!":
                raise YamlProblem(_line(ev), "yaml-tag",
                                  f"tag '{tag}' is not allowed: remove it (values are read as plain text)")
            value = ev.value
            if not ev.style and value in NULLS:
                value = None
            if container is None:
                root = value
            elif is_sequence:
                container.append(value)
                lines.append(ev.start_mark.line + 1)  # a parser's events always have marks
            elif key is _NO_KEY:
                key = value if value is not None else ""
                if key in container:
                    raise YamlProblem(_line(ev), "duplicate-key",
                                      f"key '{key}' appears twice in this mapping (first on line "
                                      f"{lines[key]}); YAML would silently keep only the last: remove one")
                key_line = ev.start_mark.line + 1
            else:
                container[key] = value
                lines[key] = key_line
                key = _NO_KEY
        elif kind is _MappingEnd or kind is _SequenceEnd:
            node = container
            if stack:
                container, lines, is_sequence, key, key_line = stack.pop()
            else:
                container = None
                root = node
        elif kind is _MappingStart or kind is _SequenceStart:
            line = _line(ev)
            if ev.anchor:
                raise YamlProblem(line, "yaml-anchor",
                                  f"anchor '&{ev.anchor}' is not allowed: write each value out in full")
            tag = ev.tag
            if tag is not None and tag != "!":
                raise YamlProblem(line, "yaml-tag",
                                  f"tag '{tag}' is not allowed: remove it (values are read as plain text)")
            depth = len(stack) + (container is not None)
            if depth >= MAX_DEPTH:
                raise YamlProblem(line, "yaml-too-deep",
                                  f"nesting deeper than {MAX_DEPTH} levels; facts are shallow lists of mappings")
            if kind is _MappingStart:
                node, node_lines = Mapping(), {}
            else:
                node, node_lines = Sequence(), []
            node.line, node.lines = line, node_lines
            if container is not None:
                if is_sequence:
                    container.append(node)
                    lines.append(line)
                elif key is _NO_KEY:
                    raise YamlProblem(line, "yaml-syntax", "a mapping key must be plain text")
                else:
                    container[key] = node
                    lines[key] = key_line
                    key = _NO_KEY
                stack.append((container, lines, is_sequence, key, key_line))
            container, lines, is_sequence, key, key_line = node, node_lines, kind is _SequenceStart, _NO_KEY, 0
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise YamlProblem(_line(ev), "multiple-documents",
                                  "a file holds one YAML document; remove the '---' line or split the file")
        elif kind is _StreamEnd:
            break
        elif kind is yaml.AliasEvent:
            raise YamlProblem(_line(ev), "yaml-alias",
                              f"alias '*{ev.anchor}' is not allowed: write the value out in full")
    return root


def _syntax_message(error: yaml.MarkedYAMLError, text: str, line: int) -> str:
    problem = (error.problem or "").strip()
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in here[: len(here) - len(here.lstrip())] or "found character '\\t'" in problem:
        return "a tab is used for indentation; YAML needs spaces: replace the tab with spaces"
    hint = ""
    if "mapping values are not allowed" in problem:
        hint = ": a value contains ': ' — put the whole value in quotes"
    elif "while scanning a quoted scalar" in (error.context or ""):
        hint = ": a quoted value is not closed — add the closing quote"
    elif "found unknown escape" in problem:
        hint = ": in double quotes a backslash starts an escape — use single quotes, or write \\\\"
    else:
        hint = ": check the indentation and quoting of this line and the one before"
    return f"not valid YAML: {problem or error.context}{hint}"


"""The package's layout holds: its imports point one way, from a stage to the stages before it, never
round in a circle; no module imports inside a function, but for the few heavy libraries one command
needs and the command line's stages (each loaded by the command that uses it); the public API is
exactly what __init__ says (docs/architecture.md draws it)."""
import ast
import importlib

import pytest
from conftest import ROOT

import timeline

# Each layer may import its own and the layers above it in this list, never one below it.
LAYERS = [
    ("errors", "problems", "records"),  # what every stage shares
    ("core",),      # files, safe YAML, checks every reader shares, workers: no knowledge of facts
    ("text",),      # sentences, quotes, dates, mentions: text in, spans and values out
    ("inputs",),    # sources, facts, entities, curation: YAML in, checked records out
    ("across",),    # corroboration, conflicts, variants, coverage, suggest: records across sources
    ("database",),  # schema, rows, write, build, patch, cache, excerpts, history: records -> timeline.db
    ("ingest",),    # archive, extract, evidence, add_source: a page -> a pinned source
    ("site",),      # serve, asgi, publish, the Datasette plugins: timeline.db -> pages
    ("new_story", "api"),  # timeline init; the Python API over every stage
    ("cli", "__main__", ""),  # the command line; the package's __init__ (re-exports the API)
]
LAYER = {name: n for n, names in enumerate(LAYERS) for name in names}
# Imported inside a function on purpose: heavy, and needed by one command only (each place says why).
LAZY = {"warcio.archiveiterator", "warcio.exceptions", "warcio.statusandheaders", "warcio.warcwriter", "httpx", "httpcore",
        "lxml.html", "trafilatura", "htmldate", "datasette.cli", "pypdfium2", "lingua", "importlib.metadata",
        "sqlite_utils", "numpy"}
# The command line alone imports each command's stages inside the command: `timeline build` with nothing
# changed answers from the build cache before the stages that check and write are loaded (cli.py says so).
# Corroboration imports timeline.core.setjoin (numpy: 0.07 s) where it compares sentences, which a rebuild
# of one changed facts file never does; the cache names setjoin among its entries' code (cache.DEPENDS).
LAZY_PACKAGE_IMPORTS = {"cli", "across.corroboration"}


def modules():
    """{dotted name within the package: path} of every module ('' for timeline/__init__.py)."""
    out = {}
    for path in sorted((ROOT / "timeline").rglob("*.py")):
        parts = path.relative_to(ROOT / "timeline").with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def imports(path, name):
    """(line, imported module, inside a function) for every import in the module at `path`, TYPE_CHECKING
    blocks included; package modules as dotted names within the package, prefixed 'timeline.'."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def visit(node, inside):
        for child in ast.iter_child_nodes(node):
            nested = inside or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    yield child.lineno, alias.name, inside
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(["timeline"] + package[:len(package) - child.level + 1] + ([base] if base else []))
                for alias in child.names:
                    full = f"{base}.{alias.name}"
                    yield child.lineno, full if full.removeprefix("timeline.") in MODULES else base, inside
            yield from visit(child, nested)
    yield from visit(tree, False)


MODULES = modules()


def package_imports():
    """(importer, line, imported, inside a function) for every import of one package module by another."""
    for name, path in MODULES.items():
        for line, target, inside in imports(path, name):
            if target == "timeline" or target.startswith("timeline."):
                yield name, line, target.removeprefix("timeline").removeprefix("."), inside


def layer(name):
    top = name.split(".")[0]
    assert top in LAYER, f"timeline/{name.replace('.', '/')}: a module in no layer: add it to LAYERS"
    return LAYER[top]


def test_every_module_is_in_a_layer():
    for name in MODULES:
        layer(name)


def test_no_stage_imports_a_later_one():
    wrong = [f"timeline/{a.replace('.', '/') or '__init__'}.py:{line} imports timeline.{b} (layer {layer(b)} >"
             f" {layer(a)})" for a, line, b, _ in package_imports() if layer(b) > layer(a)]
    assert not wrong, "\n".join(wrong)


def test_no_import_circle():
    graph = {name: set() for name in MODULES}
    for a, _, b, _ in package_imports():
        if b in graph and b != a:
            graph[a].add(b)
    circles = [c for c in _strongly_connected(graph) if len(c) > 1]
    assert not circles, "import circles: " + "; ".join(" -> ".join(sorted(c)) for c in circles)


def test_the_circle_finder_finds_circles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert [sorted(c) for c in _strongly_connected(graph) if len(c) > 1] == [["a", "b", "c"]]


def test_no_import_inside_a_function_but_the_heavy_ones():
    found = []
    for name, path in MODULES.items():
        for line, target, inside in imports(path, name):
            if inside and target not in LAZY and not (name in LAZY_PACKAGE_IMPORTS and target.startswith("timeline.")):
                found.append(f"{path.relative_to(ROOT)}:{line}: {target}")
    assert not found, "imports inside functions:\n" + "\n".join(found)


def test_the_lazy_imports_say_why():
    for name, path in MODULES.items():
        lines = path.read_text(encoding="utf-8").split("\n")
        for line, target, inside in imports(path, name):
            if inside:
                near = " ".join(lines[max(0, line - 3):line])
                assert "#" in near, f"{path.relative_to(ROOT)}:{line}: say why {target} is imported here"


def _strongly_connected(graph):
    """Tarjan's strongly connected components of {node: set of nodes}."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def connect(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on.discard(w)
                component.add(w)
                if w == v:
                    break
            out.append(component)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return out


# ---------------------------------------------------------------- the public API and the error family

PUBLIC = {"check", "build", "add_source", "resolve_date", "init", "Inputs", "Resolved", "Added", "Problem",
          "TimelineError", "InputError", "BuildError", "DateError", "SourceRefused", "ArchiveError", "SiteError",
          "StoryExists", "GitUnavailable", "__version__"}


def test_the_package_exports_exactly_its_public_api():
    assert set(timeline.__all__) == PUBLIC
    assert list(timeline.__all__) == sorted(timeline.__all__)
    for name in timeline.__all__:
        assert getattr(timeline, name) is not None


def test_every_exception_is_a_timeline_error():
    from timeline import errors

    classes = [v for v in vars(errors).values() if isinstance(v, type) and issubclass(v, BaseException)]
    assert len(classes) >= 15
    assert all(issubclass(c, errors.TimelineError) for c in classes)
    assert issubclass(errors.DateError, ValueError)  # what a caller of a date function may already catch


@pytest.mark.parametrize("name, path", sorted(MODULES.items()))
def test_no_exception_class_outside_errors(name, path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    raised = [node.name for node in ast.walk(tree) if isinstance(node, ast.ClassDef) and any(
        getattr(b, "id", getattr(b, "attr", "")).endswith(("Error", "Exception")) for b in node.bases)]
    assert name == "errors" or not raised, f"{path.relative_to(ROOT)}: {raised} belong in timeline/errors.py"


def test_the_error_tree_in_the_docstring_is_the_real_one():
    """errors.py opens with the family drawn as a tree: every class is in it, under its own parent."""
    from timeline import errors

    drawn = []  # (column of the name, name)
    for line in errors.__doc__.split("\n"):
        words = line.replace("├──", " ").replace("└──", " ").replace("│", " ").split()
        if words and (words[0] == "TimelineError" or "──" in line):
            drawn.append((line.index(words[0]), words[0]))
    classes = {n for n, v in vars(errors).items() if isinstance(v, type) and issubclass(v, errors.TimelineError)}
    assert {name for _, name in drawn} == classes
    for n, (column, name) in enumerate(drawn[1:], start=1):
        parent = next(p for c, p in reversed(drawn[:n]) if c < column)
        assert getattr(errors, name).__mro__[1] is getattr(errors, parent), (name, parent)


def test_importing_the_package_loads_no_stage():
    """`import timeline` is cheap: a worker process (spawned, importing only what its task needs) and
    `timeline --help` do not pay for every stage; the API is loaded on first use."""
    import subprocess
    import sys

    code = "import sys, timeline; print(sorted(m for m in sys.modules if m.startswith('timeline.')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT).stdout
    assert loaded.strip() == "[]", loaded


def test_the_api_is_the_modules_own():
    assert timeline.check is importlib.import_module("timeline.api").check
    assert timeline.DateError is importlib.import_module("timeline.errors").DateError


def test_the_architecture_page_lists_every_module():
    """docs/architecture.md draws the tree one line per module: a new module is added there too."""
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    tree = page[page.index("```\ntimeline/"):]
    tree = tree[:tree.index("\n```", 4)]
    drawn = {line.split()[0] for line in tree.split("\n")[1:] if line.strip()}
    missing = [name for name, path in MODULES.items() if ".plugins." not in f".{name}."
               and path.name != "__init__.py" and path.name not in drawn]
    assert not missing, f"docs/architecture.md does not list: {missing}"

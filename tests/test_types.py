"""The package's types: mypy finds nothing wrong, and every public function says what it takes and gives.

mypy runs at the strictness set in pyproject.toml ([tool.mypy]; docs/architecture.md says why those
rules). A public function is one whose name does not start with '_', at the top of a module or in a
public class; Datasette hook implementations (@hookimpl) take the signatures of Datasette's hookspecs
and are left out."""
import ast
import subprocess
import sys

from conftest import ROOT


def test_mypy_finds_no_error_in_the_package():
    result = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", "--cache-dir", "/dev/null"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout[-6000:] + result.stderr[-2000:]


def _hook(node):
    return any((isinstance(d, ast.Name) and d.id == "hookimpl") or (isinstance(d, ast.Call) and
               getattr(d.func, "id", "") == "hookimpl") for d in node.decorator_list)


def public_functions():
    """(file, line, name) of every public function and method of the package."""
    for path in sorted((ROOT / "timeline").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        places = [(tree, "")] + [(c, c.name + ".") for c in tree.body
                                 if isinstance(c, ast.ClassDef) and not c.name.startswith("_")]
        for place, prefix in places:
            for node in place.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _hook(node) and (
                        not node.name.startswith("_") or node.name in ("__init__", "__call__")):
                    yield path.relative_to(ROOT), node.lineno, prefix + node.name, node


def unannotated(node):
    """What of the function's signature has no annotation."""
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs + [a for a in (args.vararg, args.kwarg) if a]
    missing = [a.arg for a in every if a.annotation is None and a.arg not in ("self", "cls")]
    if node.returns is None and node.name != "__init__":
        missing.append("return")
    return missing


def test_every_public_function_is_annotated():
    missing = [f"{path}:{line}: {name}: {', '.join(gaps)}" for path, line, name, node in public_functions()
               if (gaps := unannotated(node))]
    assert not missing, f"{len(missing)} public functions lack annotations:\n" + "\n".join(missing)


def test_public_functions_are_found():
    names = {name for _, _, name, _ in public_functions()}
    assert {"check", "build", "add_source", "resolve_date", "resolve_phrase", "load_facts", "Checker.add"} <= names

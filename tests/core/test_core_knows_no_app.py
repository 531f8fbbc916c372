"""The core knows no school feature: nothing under ``confidentiality/`` imports an app.

The apps (``records``, ``safeguarding``) build on the core and plug into it through
``confidentiality.extensions``; the ``demo`` app sits above them all. An import the other way,
by an ``import`` statement or by a string the core hands to Django or ``importlib`` to import
(``apps.get_model("records", ...)``, ``import_module("safeguarding.x")``), would tie the core to
a feature and is refused here, migrations included.

One exception, named below: ``confidentiality/urls.py`` is also the site's address book (the
project's ``ROOT_URLCONF``), which mounts each app's own URL module with ``include``, as
``settings.INSTALLED_APPS`` lists the apps.
"""

import ast
import re
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "confidentiality"
APPS = ("records", "safeguarding", "performance", "governance", "demo")
# A module path, app label or URL namespace of an app: "records", "records.models",
# "safeguarding:log_concern".
NAMES_AN_APP = re.compile(rf"^({'|'.join(APPS)})($|[.:])")
# (file, function): string references to an app the site's composition may make.
COMPOSITION = {("urls.py", "include")}


def _called(node: ast.Call) -> str:
    function = node.func
    if isinstance(function, ast.Attribute):
        return function.attr
    if isinstance(function, ast.Name):
        return function.id
    return ""


def app_references(source: str, filename: str = "<source>") -> list[tuple[int, str]]:
    """(line, what) for every import of an app in ``source``: import statements, and string
    arguments naming an app in any call (``import_module``, ``apps.get_model``,
    ``get_app_config``, ``include``, ``reverse``...)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            found += [
                (node.lineno, f"import {alias.name}")
                for alias in node.names
                if NAMES_AN_APP.match(alias.name)
            ]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and NAMES_AN_APP.match(node.module):
                found.append((node.lineno, f"from {node.module} import ..."))
        elif isinstance(node, ast.Call):
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            found += [
                (node.lineno, f"{_called(node)}({argument.value!r})")
                for argument in arguments
                if isinstance(argument, ast.Constant)
                and isinstance(argument.value, str)
                and NAMES_AN_APP.match(argument.value)
            ]
    return found


def _core_modules():
    return sorted(CORE.rglob("*.py"))


def test_the_core_imports_no_app():
    offences = []
    for path in _core_modules():
        relative = path.relative_to(CORE).as_posix()
        for line, what in app_references(path.read_text(), str(path)):
            called = what.partition("(")[0]
            if (relative, called) not in COMPOSITION:
                offences.append(f"confidentiality/{relative}:{line}: {what}")
    assert offences == []


def test_the_walk_covers_the_whole_core_migrations_included():
    modules = {path.relative_to(CORE).as_posix() for path in _core_modules()}
    assert {"access.py", "demo.py", "views/team.py", "migrations/0001_initial.py"} <= modules


@pytest.mark.parametrize(
    "source",
    [
        "import records",
        "import safeguarding.models as m",
        "from records.models import Student",
        "from demo.school import seed",
        "from django.apps import apps\napps.get_model('records', 'Student')",
        "apps.get_model('safeguarding.Concern')",
        "import importlib\nimportlib.import_module('records.demo')",
        "__import__('safeguarding')",
        "apps.get_app_config(app_label='records')",
        "reverse('safeguarding:log_concern')",
    ],
)
def test_every_way_of_importing_an_app_is_seen(source):
    assert app_references(source) != []


@pytest.mark.parametrize(
    "source",
    [
        "from confidentiality import roles",
        "from . import records_of_access",
        "import recordsmith",
        "apps.get_model('confidentiality', 'User')",
        "log.info('records were opened')",
        "name = 'safeguarding'",  # a plain word, not handed to an import
    ],
)
def test_the_core_talking_of_records_is_not_an_import(source):
    assert app_references(source) == []

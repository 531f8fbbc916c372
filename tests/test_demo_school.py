"""The demo school (``seed_demo``) can be seeded again, e.g. to reset its passwords: the second
run adds nothing and loses nothing, in any table of the project's apps."""

from django.apps import apps
from django.core.management import call_command

from tests.conftest import PASSWORD

PROJECT_APPS = ("confidentiality", "records", "safeguarding", "performance", "governance")


def _rows() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
    }


def test_seeding_twice_changes_nothing(demo_school):
    before = _rows()
    # The school is really there (so an empty seeding could not pass).
    assert before["records.Student"] == 60 and before["safeguarding.Concern"] >= 5
    assert before["records.ParentLink"] and before["records.Grade"] and before["records.WorkItem"]
    assert before["safeguarding.InformationShare"] and before["safeguarding.AdviceRequest"]
    call_command("seed_demo", password=PASSWORD, verbosity=0)
    after = _rows()
    changed = {label: (n, after[label]) for label, n in before.items() if after[label] != n}
    assert not changed, f"seeding again changed these tables (before, after): {changed}"

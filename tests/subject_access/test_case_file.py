"""The case file is gathered through each app's own code, as the person gathering may read it,
and gathering again keeps what was decided about every unchanged item."""

from records.models import Grade
from subject_access import casework
from subject_access.case_file import gather, items_of
from tests.subject_access.conftest import OTHER_CHILD


def test_the_file_holds_the_record_family_learning_and_safeguarding(school, dsl):
    items = gather(school, dsl)
    keys = [i["key"] for i in items]
    assert "section:medical" in keys and "contacts" in keys
    assert any(k.startswith("grade:") for k in keys)
    texts = "\n".join(i["text"] for i in items)
    assert "Peanuts (anaphylaxis)" in texts  # the medical section
    assert "with parental responsibility" in texts  # the mother
    assert "27/30" in texts  # the grade
    assert OTHER_CHILD in texts  # the concern, from the chronology


def test_someone_who_may_not_read_the_chronology_gathers_none_of_it(school, teacher):
    """Gathering follows the apps' own rules: a teacher's view has no safeguarding part."""
    items = gather(school, teacher)
    assert items and all(i["part"] != "safeguarding" for i in items)


def test_gathering_again_keeps_decisions_and_flags_what_changed(sar, dsl):
    sar = casework.gather(sar, dsl)
    grade = next(i for i in items_of(sar) if i.key.startswith("grade:"))
    medical = next(i for i in items_of(sar) if i.key == "section:medical")
    casework.add_mark(sar, grade.number, "times tables", "third_party")
    casework.decide(sar, medical.number, included=False, exemption="serious_harm", note="Why.")
    changed = Grade.objects.get(pk=grade.key.split(":")[1])
    changed.result = "28/30"
    changed.save()
    sar = casework.gather(sar, dsl)
    after = {i.key: i for i in items_of(sar)}
    assert after[grade.key].changed and after[grade.key].marks == []
    assert not after[medical.key].included and after[medical.key].exemption == "serious_harm"
    assert not after[medical.key].changed

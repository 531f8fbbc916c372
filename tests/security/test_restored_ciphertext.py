"""An older encrypted value put back with SQL access (from a backup, say) must not open silently
in place of the current one: every value is bound to its row's write generation
(``ConfidentialModel.seal_version``), raised by each save that writes encrypted values."""

from records.models import RecordSection, Student


def _medical(pupil):
    return RecordSection.objects.get(student=pupil, kind=RecordSection.Kind.MEDICAL)


def test_an_older_value_put_back_with_sql_does_not_open(pupil):
    section = _medical(pupil)
    rows = RecordSection.objects.filter(pk=section.pk)
    (old,) = rows.values_list("details", flat=True)  # the ciphertext as stored
    section.details = {"allergies": "None known"}
    section.save()
    # Someone with SQL access restores the older ciphertext of the same row and field (the
    # ORM writes the stored token as it is, exactly as an UPDATE in psql would).
    rows.update(details=old)
    assert rows.values_list("details", flat=True).get().token == old.token
    restored = _medical(pupil).details
    assert "Peanuts" not in str(restored)
    assert "cannot be opened" in str(restored)


def test_each_save_that_writes_encrypted_values_moves_the_row_on(pupil):
    section = _medical(pupil)
    before = section.seal_version
    section.details = {"allergies": "Peanuts (anaphylaxis)", "conditions": "Asthma"}
    section.save()
    section.refresh_from_db()
    assert section.seal_version == before + 1
    assert section.details["conditions"] == "Asthma"


def test_a_save_of_other_fields_keeps_the_generation_and_every_value_opens(pupil):
    pupil = Student.objects.get(pk=pupil.pk)
    before = pupil.seal_version
    pupil.first_name = "May"
    pupil.save(update_fields=["first_name"])
    fresh = Student.objects.get(pk=pupil.pk)
    assert fresh.seal_version == before
    assert fresh.nhs_number == pupil.nhs_number


def test_saving_only_one_encrypted_field_reseals_the_others_with_it(pupil):
    pupil = Student.objects.get(pk=pupil.pk)
    nhs = pupil.nhs_number
    pupil.date_of_birth = pupil.date_of_birth.replace(day=1)
    pupil.save(update_fields=["date_of_birth"])
    fresh = Student.objects.get(pk=pupil.pk)
    assert fresh.nhs_number == nhs and fresh.date_of_birth.day == 1

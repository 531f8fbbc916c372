"""What the records app's audit entries mean, in words, for the audit trail
(``confidentiality.audit.words``): ``{(area, how): words}``, "" for any area; and the names of
the records the log keeps only by a neutral label (``name_entries``)."""

ACCESS_WORDS = {
    ("", "nhs-lookup"): "looked up the NHS number of",
    ("", "family-link-ended"): "ended a parent's link to",
    ("", "family-link-restored"): "restored a parent's link to",
    ("", "support-assigned"): "assigned support staff to",
    ("", "family-shared"): "shared a section with the family of",
    ("", "family-unshared"): "stopped sharing a section with the family of",
    ("", "import-grant"): "was given access by the import to",
    ("", "mis-import"): "imported from the school's MIS the account of",
    # Looks at lists (``record_list_look``): about no one record.
    ("", "student list"): "opened the list of students",
    ("", "meeting requests"): "opened the meeting requests",
    ("", "emergency search"): "searched for a child in an emergency",
    ("", "emergency access list"): "opened the list of emergency accesses",
}


def name_entries(entries, reader) -> dict:
    """The trail's words for entries about a section of a child's record: its kind and the
    child ("SEN support – Maya Quinn"), for a reader who may read that section of that child's
    record; ``{entry.pk: words}``. The log itself keeps only "Record section" and a reference
    (``RecordSection.__str__``): a copy of it pairs no child with a kind. Anyone else reads the
    stored label. One query for the sections, one per kind for who the reader may read."""
    from confidentiality import access

    from .models import RecordSection, Student
    from .policy import SECTION_PERMISSION

    wanted = {}
    for entry in entries:
        if entry.content_type.model_class() is RecordSection:
            wanted.setdefault(entry.object_pk, []).append(entry.pk)
    if not wanted:
        return {}
    sections = RecordSection.objects.filter(pk__in=list(wanted)).select_related("student")
    by_kind = {}
    for section in sections:
        by_kind.setdefault(section.kind, []).append(section)
    names = {}
    for kind, found in by_kind.items():
        children = {s.student_id for s in found}
        if SECTION_PERMISSION[kind] in access.role_permissions(reader):
            access.require_second_factor(reader)  # as ``visible`` would
            readable = children  # their role reads this section of every child: no need to ask
        else:
            readable = set(
                access.visible(
                    reader, Student.objects.filter(pk__in=children), SECTION_PERMISSION[kind]
                ).values_list("pk", flat=True)
            )
        for section in found:
            if section.student_id in readable:
                words = f"{section.get_kind_display()} – {section.student}"
                for pk in wanted[str(section.pk)]:
                    names[pk] = words
    return names

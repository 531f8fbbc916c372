"""Importing the school's MIS (management-information-system) CSV exports: students, contacts,
classes, staff, and staff assigned to individual children. One module per kind; ``runner`` holds
what they share (reading the file, the row-by-row report, dry run and all-or-nothing)."""

from .assignments import AssignmentImporter
from .classes import ClassImporter
from .contacts import ContactImporter
from .runner import BadFile, Report
from .staff import StaffImporter
from .students import StudentImporter

# In the order a school imports them: people first, then what links them.
IMPORTERS = {
    importer.kind: importer
    for importer in (
        StudentImporter(),
        StaffImporter(),
        ClassImporter(),
        ContactImporter(),
        AssignmentImporter(),
    )
}

__all__ = ["IMPORTERS", "BadFile", "Report"]

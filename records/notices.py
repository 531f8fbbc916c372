"""A child's family notices as the portal and the staff page list them: the school's messages
(``FamilyNotice``) and notices another app keeps itself.

Safeguarding keeps the P2 notice ("we have shared information about your child") with the
information share, linked to the child by a blind reference, so that no row of the database joins
a child to a share (H3). Records never imports safeguarding: an app registers a source,
``fn(student, *, parent=None, staff_permissions=None) -> list``, whose notices have ``title``,
``body``, ``created_at`` and ``sent_by``. Each source decides who may read its notices (e.g. only
parents with parental responsibility, only staff who may read social-services detail).
"""

SOURCES: list = []


def register(source):
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def _merged(notices, extra) -> list:
    return sorted([*notices, *extra], key=lambda n: n.created_at, reverse=True)


def for_parent(student, user, notices) -> list:
    """``notices`` (the school's messages this parent may read) and every source's."""
    extra = [n for source in SOURCES for n in source(student, parent=user)]
    return _merged(notices, extra) if extra else list(notices)


def for_staff(student, permissions, notices) -> list:
    """``notices`` (what this member of staff may read) and every source's."""
    extra = [n for source in SOURCES for n in source(student, staff_permissions=permissions)]
    return _merged(notices, extra) if extra else list(notices)

"""The safeguarding records, and what a copy of the database shows of them (H3).

Nobody in a copy (a backup, a stolen disk, SQL access) without the keys can be joined to a case:

- **who** a record is about is never a plain key. The children named in a concern are sealed in
  the concern (``Concern.children``) and indexed by keyed blind references
  (``ConcernSubject.student_ref``); the adult a concern about an adult names, the child of an
  information share, of a request for advice, of a safeguarding status, a key contact and a
  meeting are blind links (``<name>_ref`` to find them, ``<name>_key`` sealed to the row to
  show them; ``confidentiality.crypto.blind_index``). The
  references use ``BLIND_INDEX_KEY`` with a purpose per column, so the same child has unrelated
  references in different tables and in the audit log;
- **what** happened is encrypted: accounts, places, body maps, reasons, notes, actions, referral
  details and contacts, what was shared and with whom, questions and answers, and the nature of a
  concern about an adult (low-level or allegation);
- the audit log names the subject of a safeguarding entry by a blind key
  (``"records.student:#<reference>"``), a look at a child's chronology names the child only by
  reference, and change entries hold references and masks, never a child's or adult's key.

**Plain, on purpose**: a concern's status, urgency, main category (the others it also falls
under are sealed: nothing counts them in SQL; ``ConcernQuerySet.in_category``), level, decision,
the referral's agency, method and clocks, lawful basis, the kind of a child's status (and a
plan's category), of a meeting and of the referral a decision not to refer considered, and every
date and timestamp. Once nobody can be joined to them they are the statistics the dashboard
counts in constant queries and the clocks the overdue checks read in SQL. The count of concerns
about children per school day and main category (``ConcernsOfTheDay``, kept by the database for
the team page) is plain too: the concerns' own plain columns already give it. Also plain: who
raised, was assigned, acted or made a referral, who received an alert or an email and who holds
a grant, because routing and the "my concerns" pages need them in SQL.

**What a copy can still infer** (known limits): that some child is named in several concerns
(equal references in one table); from the author, a teacher's class (a concern by the teacher
of 3 Oak is likely about a child in 3 Oak); from the handlers of a concern about an adult, who
it may be about (one routed to the chair of governors is about the head teacher; one routed to
the deputies, about the DSL); and from the number of concerns, roughly how busy the team is.
"""

from .adults import ConcernAboutAdult
from .advice import AdviceRequest
from .alerts import Alert, Notification
from .casework import Action, CaseNote, Referral
from .concerns import (
    Category,
    Concern,
    ConcernAttachment,
    ConcernDraft,
    ConcernSubject,
)
from .links import _keep_adults_named, _keep_children_named  # noqa: F401  (receivers)
from .meetings import CaseMeeting, DecisionNotToRefer
from .permissions import (
    ActionGroupObjectPermission,
    ActionUserObjectPermission,
    AdviceRequestGroupObjectPermission,
    AdviceRequestUserObjectPermission,
    ConcernGroupObjectPermission,
    ConcernUserObjectPermission,
)
from .profile import KeyContact, PlanCategory, SafeguardingStatus
from .sharing import InformationShare, LawfulBasis, SpecialCategoryCondition
from .tally import ConcernsOfTheDay
from .training import Course, Policy, PolicyReading, TrainingRecord, TrainingReminder

__all__ = [
    "Action",
    "ActionGroupObjectPermission",
    "ActionUserObjectPermission",
    "AdviceRequest",
    "AdviceRequestGroupObjectPermission",
    "AdviceRequestUserObjectPermission",
    "Alert",
    "CaseMeeting",
    "CaseNote",
    "Category",
    "Concern",
    "ConcernAboutAdult",
    "ConcernAttachment",
    "ConcernDraft",
    "ConcernGroupObjectPermission",
    "ConcernSubject",
    "ConcernsOfTheDay",
    "ConcernUserObjectPermission",
    "Course",
    "DecisionNotToRefer",
    "InformationShare",
    "KeyContact",
    "LawfulBasis",
    "Notification",
    "PlanCategory",
    "Policy",
    "PolicyReading",
    "Referral",
    "SafeguardingStatus",
    "SpecialCategoryCondition",
    "TrainingRecord",
    "TrainingReminder",
]

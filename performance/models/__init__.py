"""Staff performance files (P18), and what a copy of the database shows of them.

**Encrypted**: everything with content: objectives and success criteria, progress notes,
performance data entries (what each is and what it says), the notes and outcome of each review
meeting and the member of staff's comments, lesson names, ratings, strengths and areas to
develop, observation sheets and their names, and the pay recommendation with its reasons.

**Plain, on purpose**: whose file it is and for which cycle (every member of staff has one, so
it says nothing), who reviews or observes, the kind and date of each meeting, observation and
data entry, and when a review was signed off, an observation submitted or a reviewer told their
delegation ends: the overview counts overdue steps from them in SQL, and the door decides who is
related to a file from them.
"""

from .cycles import ReviewCycle
from .data import PerformanceDataEntry
from .files import (
    Delegation,
    Objective,
    PayRecommendation,
    PerformanceFile,
    ProgressNote,
    ReviewMeeting,
)
from .observations import CRITERIA, RATINGS, Observation, ObservationSheet
from .permissions import (
    ObservationGroupObjectPermission,
    ObservationUserObjectPermission,
    PerformanceFileGroupObjectPermission,
    PerformanceFileUserObjectPermission,
)

__all__ = [
    "CRITERIA",
    "RATINGS",
    "Delegation",
    "Objective",
    "Observation",
    "ObservationGroupObjectPermission",
    "ObservationSheet",
    "ObservationUserObjectPermission",
    "PayRecommendation",
    "PerformanceDataEntry",
    "PerformanceFile",
    "PerformanceFileGroupObjectPermission",
    "PerformanceFileUserObjectPermission",
    "ProgressNote",
    "ReviewCycle",
    "ReviewMeeting",
]

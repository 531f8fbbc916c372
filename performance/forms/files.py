"""The forms of a performance file: objectives, progress, review meetings, comments and
sign-off, dated performance data, the pay recommendation and delegation."""

from django import forms
from django.db import models
from django.utils import timezone

from confidentiality.forms.messages import says_what_is_missing
from confidentiality.forms.people import PersonChoiceField

from ..models import PayRecommendation, ReviewMeeting
from .fields import DATE, LONG_MAX, line, not_in_future, text


@says_what_is_missing(
    title="Enter the objective",
    success_criteria="Enter the success criteria",
)
class ObjectiveForm(forms.Form):
    title = text(
        rows=3,
        label="Objective",
        help_text="What the member of staff will achieve this year, e.g. “Raise the "
        "proportion of Year 4 pupils reading at the expected standard”.",
    )
    success_criteria = text(
        rows=3,
        label="Success criteria",
        help_text="How you will both know it has been met.",
    )


@says_what_is_missing(
    written_on="Enter the date of the note",
    note="Write the progress towards the objective",
)
class ProgressNoteForm(forms.Form):
    written_on = forms.DateField(widget=DATE, label="Date", initial=timezone.localdate)
    note = text(label="Progress towards the objective")

    def clean_written_on(self):
        return not_in_future(self.cleaned_data.get("written_on"))


@says_what_is_missing(
    kind="Choose the kind of meeting",
    held_on="Enter the date it was held",
    notes="Write the notes of the meeting",
    outcome="Write the outcome",
)
class ReviewMeetingForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Choose the meeting")] + ReviewMeeting.Kind.choices, label="Kind of meeting"
    )
    held_on = forms.DateField(widget=DATE, label="Date held")
    notes = text(LONG_MAX, rows=6, label="Notes of the meeting")
    outcome = text(
        rows=3,
        label="Outcome",
        help_text="E.g. “Objectives agreed” or “On track to meet objectives 1 and 2”.",
    )

    def clean_held_on(self):
        return not_in_future(self.cleaned_data.get("held_on"))


class StaffCommentForm(forms.Form):
    staff_comments = text(
        required=False,
        label="Your comments",
        help_text="Anything you would like recorded with this review.",
    )
    sign_off = forms.BooleanField(
        required=False,
        label="I have read this record of the review and sign it off",
        help_text="Once signed off, the record and your comments cannot be changed.",
    )

    def clean(self):
        data = super().clean()
        if not data.get("sign_off") and not (data.get("staff_comments") or "").strip():
            raise forms.ValidationError(
                "Write a comment, or tick the box to sign off the review (or both)."
            )
        return data


@says_what_is_missing(
    recorded_on="Enter the date",
    title="Say what it is",
    data="Enter the data and commentary",
)
class PerformanceDataEntryForm(forms.Form):
    recorded_on = forms.DateField(widget=DATE, label="Date", initial=timezone.localdate)
    title = line(
        label="What it is",
        help_text="E.g. “Year 6 reading outcomes” or “Phonics screening check”.",
    )
    data = text(
        LONG_MAX,
        rows=8,
        label="The data and commentary",
        help_text="E.g. pupils' progress and attainment in the class, attendance at training, "
        "evidence the member of staff has shared.",
    )

    def clean_recorded_on(self):
        day = self.cleaned_data.get("recorded_on")
        if day and day > timezone.localdate():
            raise forms.ValidationError(
                "This date is in the future: give the date of the data, today or earlier."
            )
        return day


@says_what_is_missing(
    pay_recommendation="Choose the recommendation to the pay committee",
    pay_reasons="Give the reasons for the recommendation",
)
class PayRecommendationForm(forms.Form):
    pay_recommendation = forms.ChoiceField(
        choices=PayRecommendation.choices,
        widget=forms.RadioSelect,
        label="Recommendation to the pay committee",
    )
    pay_reasons = text(label="Reasons")


@says_what_is_missing(
    reviewer="Choose the reviewer",
)
class DelegationForm(forms.Form):
    reviewer = PersonChoiceField(
        queryset=None,
        label="Reviewer",
        help_text="The member of staff's line manager, who will review this file.",
        empty_label="Choose a reviewer",
    )
    ends_on = forms.DateField(
        widget=DATE,
        required=False,
        label="Until",
        help_text="Leave empty for the rest of the review cycle.",
    )

    def __init__(self, *args, reviewers, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.cycle = cycle

    def clean_ends_on(self):
        ends_on = self.cleaned_data.get("ends_on") or self.cycle.ends_on
        if ends_on < timezone.localdate():
            raise forms.ValidationError("This date has passed: choose today or a later date.")
        if ends_on > self.cycle.ends_on:
            raise forms.ValidationError(
                f"The review cycle ends on {self.cycle.ends_on:%-d %B %Y}: choose that date "
                "or an earlier one."
            )
        return ends_on


@says_what_is_missing(
    observer="Choose the observer",
    planned_for="Enter the date of the observation",
)
class ObserverForm(forms.Form):
    observer = PersonChoiceField(queryset=None, label="Observer", empty_label="Choose an observer")
    planned_for = forms.DateField(widget=DATE, label="Date of the observation")
    lesson = line(required=False, label="Lesson (class and subject)", help_text="E.g. 4 Elm, maths")

    def __init__(self, *args, observers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["observer"].queryset = observers


@says_what_is_missing(
    objectives_due="Enter the date objectives are set by",
    mid_year_due="Enter the date of the mid-year review",
    final_due="Enter the date of the final review",
)
class CycleDatesForm(forms.Form):
    """The school's own dates for this cycle's steps (the usual ones are offered)."""

    objectives_due = forms.DateField(widget=DATE, label="Objectives set by")
    mid_year_due = forms.DateField(widget=DATE, label="Mid-year review by")
    final_due = forms.DateField(widget=DATE, label="Final review by")

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle

    def clean(self):
        data = super().clean()
        steps = [data.get(name) for name in ("objectives_due", "mid_year_due", "final_due")]
        if not all(steps):
            return data
        starts, ends = self.cycle.starts_on, self.cycle.ends_on
        for name, day in zip(("objectives_due", "mid_year_due", "final_due"), steps, strict=True):
            if not starts <= day <= ends:
                self.add_error(
                    name,
                    f"Choose a date in the cycle, between {starts:%-d %B %Y} and {ends:%-d %B %Y}.",
                )
        if not self.errors and steps != sorted(steps):
            raise forms.ValidationError(
                "The steps must come in order: objectives, then the mid-year review, then the "
                "final review."
            )
        return data


class OverviewFilterForm(forms.Form):
    """Narrows the holder's overview of the cycle: a school's staff runs to hundreds, so the
    head finds one person by name or the reviews that need chasing, a page at a time."""

    class Show(models.TextChoices):
        EVERYONE = "", "Everyone"
        OVERDUE = "overdue", "Only those with a step overdue"
        NO_FILE = "no_file", "Only those without a file this cycle"

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Find a member of staff",
        help_text="Part of their name, username or job title.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    show = forms.ChoiceField(required=False, choices=Show.choices, label="Show")

    def keeps(self, rows) -> list:
        """The rows of ``cycle_progress`` the filters ask for (all of them while the form is
        not valid: a bad filter hides nobody)."""
        if not self.is_valid():
            return list(rows)
        show, words = self.cleaned_data["show"], self.cleaned_data["q"].casefold().split()

        def kept(row) -> bool:
            if show == self.Show.OVERDUE and not row.overdue:
                return False
            if show == self.Show.NO_FILE and row.file_id is not None:
                return False
            person = row.person
            said = f"{person.get_full_name()} {person.username} {person.job_title}".casefold()
            return all(word in said for word in words)

        return [row for row in rows if kept(row)]

"""Recording a lesson of a class, and keeping the school's list of sensitive topics (P19)."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing

from ..models import Lesson, SensitiveTopic


def topic_choice() -> forms.ModelChoiceField:
    """The sensitive topics a teacher may choose: those offered now (a retired one is not)."""
    return forms.ModelChoiceField(
        queryset=SensitiveTopic.objects.offered(),
        required=False,
        label="Sensitive topic",
        empty_label="None: not a sensitive topic",
        help_text="Choose one if it is on a topic on the school's list: the page then shows "
        "the ground rules, distancing techniques and the topic's guidance.",
        # static/records/sensitive-topic.js shows the guidance for the topic picked.
        widget=forms.Select(attrs={"data-sensitive-topic": ""}),
    )


@says_what_is_missing(
    taught_on="Enter the date of the lesson",
    subject="Choose the subject",
    title="Enter the title of the lesson",
)
class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["taught_on", "subject", "title", "topic", "notes"]
        widgets = {"taught_on": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"] = topic_choice()
        self.fields["notes"].required = False
        self.fields["notes"].widget.attrs["rows"] = 5
        self.fields["notes"].help_text = (
            "What was covered and how the class responded. Stored encrypted. A disclosure by a "
            "pupil is not recorded here: log it as a safeguarding concern."
        )


@says_what_is_missing(
    name="Enter the name of the topic",
    guidance="Enter the guidance for the topic",
)
class SensitiveTopicForm(forms.ModelForm):
    class Meta:
        model = SensitiveTopic
        fields = ["name", "guidance"]
        widgets = {"guidance": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "name": {"unique": "That topic is on the list already: edit it instead."},
        }

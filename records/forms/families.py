"""Staff working with a child's family: a message to the parents (P12), an answer to a meeting
request (P7), asking permission to discuss a case with a class (P24), and ending or restoring a
parent or carer's link to the child (P12, P13)."""

from django import forms

from confidentiality.forms.messages import says_what_is_missing

from ..models import FamilyNotice, MeetingRequest


class FamilyNoticeForm(forms.ModelForm):
    class Meta:
        model = FamilyNotice
        fields = ["title", "body"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["title"].error_messages["required"] = "Enter a title for the message"
        self.fields["body"].required = True
        self.fields["body"].error_messages["required"] = "Write the message"
        self.fields["body"].help_text = (
            "The parents and carers read this in the portal; their email only says there is a "
            "new message."
        )


@says_what_is_missing(
    status="Choose whether to arrange the meeting or decline",
    reply="Write your reply to the parent",
)
class MeetingAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label="Will you meet?",
        choices=[
            (MeetingRequest.Status.ARRANGED, "Arrange the meeting"),
            (MeetingRequest.Status.DECLINED, "Decline"),
        ],
        widget=forms.RadioSelect,
    )
    reply = forms.CharField(
        label="Reply to the parent",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="When and where you will meet, or why not and what else you suggest.",
    )


@says_what_is_missing(
    teaching_group="Choose the class",
    topic="Say what would be discussed",
)
class DiscussionRequestForm(forms.Form):
    teaching_group = forms.ModelChoiceField(queryset=None, label="Class", empty_label=None)
    topic = forms.CharField(
        label="What would be discussed",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The parents read this in the portal. Say what the class would be told, and why.",
    )

    def __init__(self, *args, student, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teaching_group"].queryset = student.teaching_groups.all()


class EndParentLinkForm(forms.Form):
    """The office or the safeguarding team ends a parent or carer's link to a child."""

    reason = forms.CharField(
        label="Why is this link being ended?",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept encrypted with the record of the link. For example: “Not a carer of "
        "this child: entered in the MIS by mistake.” The DSL is told that a link was ended.",
        error_messages={
            "required": "Say why the link is ended.",
            "min_length": "Say why the link is ended (at least a sentence).",
        },
    )


class RestoreParentLinkForm(forms.Form):
    """The DSL gives back a parent or carer's link that the school ended."""

    reason = forms.CharField(
        label="Why is this link being restored?",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Kept encrypted with the record of the link. For example: “The court order "
        "was discharged on 3 March.”",
        error_messages={
            "required": "Say why the link is restored.",
            "min_length": "Say why the link is restored (at least a sentence).",
        },
    )

"""The confidentiality agreement: reading and accepting it (P11, P16, P25), and, for the head
teacher and the safeguarding team, publishing a new version and seeing who has yet to sign."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from confidentiality import access
from confidentiality.middleware import client_address
from confidentiality.models import ConfidentialityAgreement
from confidentiality.models.agreements import has_accepted_current_agreement, people_yet_to_sign
from confidentiality.roles import SAFEGUARDING_TEAM, Role
from confidentiality.views.accounts import safe_next


def may_manage_agreement(user) -> bool:
    """The head teacher and the safeguarding team publish the agreement and chase signatures."""
    return user.is_authenticated and user.has_role(*SAFEGUARDING_TEAM, Role.HEAD_TEACHER)


class AcceptForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    accept = forms.BooleanField(
        label="I have read this agreement and I accept it",
        error_messages={"required": "Tick the box to accept the agreement, or sign out."},
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_version(self):
        version = self.cleaned_data["version"]
        if self.current is None or version != self.current.version:
            raise forms.ValidationError(
                "The agreement has just been updated. Please read the new version below."
            )
        return version


@login_required
def sign(request):
    current = ConfidentialityAgreement.objects.current()
    user = request.user
    already = current is not None and has_accepted_current_agreement(user)
    next_url = safe_next(request, "/")
    form = AcceptForm(
        request.POST or None,
        current=current,
        initial={"version": current.version if current else None},
    )
    if request.method == "POST" and current is not None and form.is_valid():
        current.accept(user, address=client_address(request))
        messages.success(request, f"Thank you. You accepted version {current.version}.")
        return redirect(next_url)
    if request.method == "POST" and "version" in form.errors:
        # They read an older text: show the new one with a fresh form, not a stale error box.
        messages.warning(request, form.errors["version"][0])
        form = AcceptForm(
            current=current, initial={"version": current.version if current else None}
        )
    return render(
        request,
        "agreement/sign.html",
        {
            "agreement": current,
            "form": form,
            "already": already,
            "must_sign": user.must_sign_agreement,
            "next": next_url,
            "previously_signed": user.agreement_acceptances.exists(),
        },
    )


class PublishForm(forms.ModelForm):
    class Meta:
        model = ConfidentialityAgreement
        fields = ["text", "effective_from"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 20}),
            "effective_from": forms.DateInput(attrs={"type": "date"}),
        }


@login_required
def publish(request):
    """A new version: everyone who must sign accepts it again from its effective date."""
    if not may_manage_agreement(request.user):
        raise Http404
    access.require_second_factor(request.user)  # a stolen password alone changes nothing here
    current = ConfidentialityAgreement.objects.current()
    form = PublishForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        if current is not None and form.cleaned_data["text"].strip() == current.text.strip():
            form.add_error("text", "This is the text already in force. Change it to publish.")
        else:
            agreement = ConfidentialityAgreement.publish(
                form.cleaned_data["text"], form.cleaned_data["effective_from"], by=request.user
            )
            messages.success(
                request,
                f"Version {agreement.version} published. Everyone who must sign will be asked "
                f"to accept it from {agreement.effective_from:%d %B %Y}.",
            )
            return redirect("agreement_signatures")
    return render(request, "agreement/publish.html", {"form": form, "current": current})


@login_required
def signatures(request):
    """Who must sign and has not yet accepted the version in force."""
    if not may_manage_agreement(request.user):
        raise Http404
    access.require_second_factor(request.user)  # names, emails and addresses of signatories
    current = ConfidentialityAgreement.objects.current()
    waiting = people_yet_to_sign().prefetch_related("groups")
    signed = current.acceptances.select_related("user").order_by("-accepted_at") if current else []
    return render(
        request,
        "agreement/signatures.html",
        {"agreement": current, "waiting": waiting, "signed": signed},
    )

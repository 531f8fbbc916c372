"""The confidentiality agreement: reading and accepting it (P11, P16, P25), and, for the head
teacher and the safeguarding team, publishing a new version and seeing who has yet to sign."""

from django.contrib import messages
from django.shortcuts import redirect, render

from confidentiality import access
from confidentiality.forms.agreement import AcceptForm, PublishForm
from confidentiality.middleware import client_address
from confidentiality.models import ConfidentialityAgreement
from confidentiality.models.agreements import has_accepted_current_agreement, people_yet_to_sign
from confidentiality.roles import may_manage_agreement
from confidentiality.views.accounts import safe_next


# Anyone signed in. Never waiting on a second factor: the agreement gate comes before every
# other page, the second factor's own pages included, and the text is nothing confidential.
@access.requires(second_factor=False)
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
        status=400 if form.errors else 200,
    )


# The head teacher and the safeguarding team, with their second factor: a stolen password alone
# changes nothing here.
@access.requires(may_manage_agreement)
def publish(request):
    """A new version: everyone who must sign accepts it again from its effective date."""
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
    return render(
        request,
        "agreement/publish.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


# The same people, with their second factor: names, emails and addresses of signatories.
@access.requires(may_manage_agreement)
def signatures(request):
    """Who must sign and has not yet accepted the version in force."""
    current = ConfidentialityAgreement.objects.current()
    waiting = people_yet_to_sign().prefetch_related("groups")
    signed = current.acceptances.select_related("user").order_by("-accepted_at") if current else []
    return render(
        request,
        "agreement/signatures.html",
        {"agreement": current, "waiting": waiting, "signed": signed},
    )

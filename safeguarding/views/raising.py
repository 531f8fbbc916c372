"""Logging a concern: any member of staff, volunteer or health professional, in two minutes.

Only sign-in is needed: never a second factor or anything else that could delay a report (P3).
What is typed is kept as a draft as it is typed, and on any error (nothing is lost). Neither a
draft this server cannot open (it is set aside, and the form starts empty) nor a server that
cannot save during a key rotation (the form comes back with everything typed) blocks a report.
"""

import uuid

from django.contrib import messages
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from confidentiality import access
from confidentiality.audit import record_list_look
from confidentiality.crypto import KeyUnavailable
from confidentiality.templatetags.form_errors import error_target

from .. import body_map, raising
from ..forms.fields import (
    SEARCH_MAX_RESULTS,
    SEARCH_MIN_LETTERS,
    child_summary,
    find_children,
    findable_children,
    may_search_for_children,
    offers_child_search,
    search_words,
)
from ..forms.raising import (
    ADD,
    FIND,
    ConcernForm,
    children_posted,
    initial_from_draft,
    mark_formset,
    round_trip,
    subject_formset,
)
from ..policy import may_log_concern
from ..trail import AREA

# What the audit trail calls a search for a child from the concern form (a look at a list).
SEARCH_LOOK = "child search for a concern"
# Searches one person may make in a minute: far more than anyone types, far fewer than a
# script reading the roll two letters at a time would need.
SEARCHES_PER_MINUTE = 60


@access.requires(may_log_concern, second_factor=False)
def log_concern(request):
    restored = had_files = False
    set_aside_at = not_saved = None
    search = None
    if request.method == "POST":
        post = children_posted(request.POST)
        action = round_trip(request.POST)
        if action:
            # A press of Find, Add or Remove (without script): the form comes back with
            # everything typed, the children updated, and the matches for what was typed.
            try:
                raising.save_draft(request.user, post)
            except KeyUnavailable as refusal:
                not_saved = str(refusal)
            initial, students, mark_rows = initial_from_draft(dict(post.lists()))
            form = ConcernForm(initial=initial, user=request.user)
            subjects = subject_formset(initial=students, user=request.user)
            marks = mark_formset(initial=mark_rows)
            if action == FIND:
                search = _search(request, post.get("child_search", ""))
            elif action == ADD and not any(request.POST.getlist("add_child")):
                # Nothing ticked: the matches stay, with what to do, instead of vanishing.
                search = _search(request, post.get("child_search", ""))
                search["nothing_ticked"] = True
            return _form_page(
                request,
                form,
                subjects,
                marks,
                search=search,
                had_files=bool(request.FILES),
                not_saved=not_saved,
            )
        form = ConcernForm(post, request.FILES, user=request.user)
        subjects = subject_formset(post, user=request.user)
        marks = mark_formset(post)
        valid = form.is_valid() & subjects.is_valid() & marks.is_valid()
        form.check_children(subjects)
        if valid and form.is_valid() and form.fits(subjects):
            try:
                concern, created = raising.raise_concern(
                    request.user,
                    form.cleaned_data,
                    subjects.entries(),
                    marks.marks(),
                    form.cleaned_data["attachments"],
                )
            except PermissionError as refusal:
                messages.error(request, str(refusal))
                return redirect("safeguarding:log_concern")
            except KeyUnavailable as refusal:
                # Nothing was saved; give the form back with everything typed and say why.
                return _form_page(request, form, subjects, marks, not_saved=str(refusal))
            if created:
                messages.success(
                    request,
                    f"Thank you. Concern {concern.reference} has gone to the DSL and deputies.",
                )
            else:
                messages.info(request, f"Concern {concern.reference} was already sent.")
            return redirect("safeguarding:my_concern", pk=concern.pk)
        # Keep everything typed, whatever happens next (P3: nothing is lost).
        try:
            raising.save_draft(request.user, post)
        except KeyUnavailable as refusal:
            not_saved = str(refusal)  # the page still holds everything typed
        had_files = bool(request.FILES)
    else:
        # A draft this server cannot open is kept aside, never in the way of a new report.
        set_aside_at = raising.set_aside_unreadable_draft(request.user)
        child = _child_from_link(request)
        # Opened for a child: an unsent form about someone else is never merged into it (a
        # concern must not go out about the wrong child); the person chooses. A plain open
        # brings back the form they were writing, or else the one they last put aside.
        draft = raising.current_draft(request.user, bring_back=child is None)
        if child is not None and draft and not _draft_fits_child(draft, child):
            return _choose_draft_page(request, draft, child)
        initial, students, mark_rows = initial_from_draft(draft) if draft else ({}, [], [])
        restored = bool(draft)
        if child is not None and not any(str(row["student"]) == str(child.pk) for row in students):
            students = [*students, {"student": str(child.pk), "part": "subject"}]
        form = ConcernForm(initial=initial, user=request.user)
        subjects = subject_formset(initial=students, user=request.user)
        marks = mark_formset(initial=mark_rows)
    return _form_page(
        request,
        form,
        subjects,
        marks,
        restored=restored,
        had_files=had_files,
        set_aside_at=set_aside_at,
        not_saved=not_saved,
    )


def _child_from_link(request, source=None):
    """ "Log a concern about this child" from a child's page (``?child=<id>``): the child, if
    they are one this person may choose; any other id is ignored (None)."""
    try:
        child = uuid.UUID((source or request.GET).get("child", ""))
    except ValueError:
        return None
    if not offers_child_search(request.user):
        return None
    return findable_children(request.user).filter(pk=child).first()


# Fields whose words make a draft something the person would not want to lose or misdirect.
WORDS = ("account", "child_words", "child_named", "location", "actions_taken")


def _draft_children(draft: dict) -> list[str]:
    initial, students, _ = initial_from_draft(draft)
    return [str(row["student"]) for row in students]


def _draft_fits_child(draft: dict, child) -> bool:
    """A draft may simply carry on for ``child``: it is about them already, or it is about
    nobody yet and holds no words."""
    chosen = _draft_children(draft)
    if chosen:
        return str(child.pk) in chosen
    return not any(str(v).strip() for name in WORDS for v in draft.get(name) or [])


def _draft_about(request, draft: dict) -> str:
    """Who an unsent draft is about, in words: the children chosen, else the child named."""
    ids = []
    for value in _draft_children(draft):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    names = [
        f"{s.first_name} {s.last_name}" for s in findable_children(request.user).filter(pk__in=ids)
    ]
    named = " ".join(str(v) for v in draft.get("child_named") or []).strip()
    if named:
        names.append(named)
    if not names:
        return "no child chosen yet"
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _choose_draft_page(request, draft: dict, child):
    words = next((str(v) for v in draft.get("account") or [] if str(v).strip()), "")
    return render(
        request,
        "safeguarding/raising/choose_draft.html",
        {
            "about": _draft_about(request, draft),
            "saved_at": raising.draft_saved_at(request.user),
            "words": words,
            "child": child,
            "child_name": f"{child.first_name} {child.last_name}",
        },
    )


def _put_aside_notices(request) -> list[dict]:
    return [
        {"about": _draft_about(request, entry["typed"]), "saved_at": entry["saved_at"]}
        for entry in reversed(raising.put_aside_drafts(request.user))
    ]


def _search(request, text: str) -> dict:
    """Find children for the form without script: what was typed, the matches, and what to say."""
    text = search_words(text)
    letters = sum(c.isalnum() for c in text)
    children, more = find_children(request.user, text)
    if letters >= SEARCH_MIN_LETTERS:
        record_list_look(request, SEARCH_LOOK, text, area=AREA)
    return {
        "text": text,
        "too_short": letters < SEARCH_MIN_LETTERS,
        "children": children,
        "more": more,
    }


def _error_links(form, subjects, marks) -> list[tuple[str, str]]:
    """Every error on the page, in the page's order, each with the field it links to."""
    links = []
    for field in form:
        if field.name == "child_search":
            links += [(field.auto_id, error) for error in field.errors]
            for row in subjects:
                links += [(error_target(row["part"]), e) for e in row["student"].errors]
                links += [(error_target(row["part"]), e) for e in row["part"].errors]
            links += [("child-picker", error) for error in subjects.non_form_errors()]
            continue
        links += [(error_target(field), error) for error in field.errors]
    for row in marks:
        for field in row:
            links += [(error_target(field), error) for error in field.errors]
    links += [("concern-form", error) for error in form.non_field_errors()]
    return links


# Sections of the form shown folded: each opens when it holds an answer or an error.
FOLDED = {
    "other-categories": ("other_categories",),
    "follow-up": ("bad_time_or_place", "private_follow_up"),
    "done-already": ("actions_taken", "told_dsl_in_person"),
    "attachments-section": ("attachments",),
}


def _open_sections(form, marks, had_files) -> set:
    opened = set()
    for section, names in FOLDED.items():
        for name in names:
            field = form[name]
            if field.errors or (name != "attachments" and field.value()):
                opened.add(section)
    if had_files or form["attachments"].errors:
        opened.add("attachments-section")
    if marks.total_error_count() or any(
        row["region"].value() or row["note"].value() for row in marks
    ):
        opened.add("body-map")
    if form.may_choose_child and (form["child_named"].value() or form["child_named"].errors):
        opened.add("child-not-found")
    return opened


def _form_page(request, form, subjects, marks, **notices):
    context = {
        "restored": False,
        "had_files": False,
        "set_aside_at": None,
        "not_saved": None,
        "search": None,
        "put_aside": _put_aside_notices(request),
    }
    context.update(notices)
    errors = _error_links(form, subjects, marks) if form.is_bound else []
    context.update(
        form=form,
        subjects=subjects,
        marks=marks,
        regions=body_map.REGIONS,
        errors=errors,
        opened=_open_sections(form, marks, context["had_files"]),
        min_letters=SEARCH_MIN_LETTERS,
    )
    # A refused post answers 400, like every form of the site: the page and what was typed come
    # back, and a script or a proxy can tell it from a page that was simply shown.
    return render(request, "safeguarding/concern_form.html", context, status=400 if errors else 200)


@access.requires(may_search_for_children, second_factor=False)
@require_GET
def find_child(request):
    """The child search as the concern form types (child-picker.js): at most a few matches of
    name, class and year, for at least a few letters, among the children this person may log a
    concern about; never a date of birth or a UPN. Each search is a look at a list, audited as
    safeguarding work (the search says a concern may be coming)."""
    text = search_words(request.GET.get("q", ""))
    if sum(c.isalnum() for c in text) < SEARCH_MIN_LETTERS:
        return JsonResponse(
            {
                "children": [],
                "more": False,
                "message": f"Type at least {SEARCH_MIN_LETTERS} letters of the child's name, "
                "class or year.",
            }
        )
    if _too_many_searches(request.user):
        return JsonResponse(
            {
                "children": [],
                "more": False,
                "message": "Too many searches in a minute: wait a moment, then try again.",
            },
            status=429,
        )
    children, more = find_children(request.user, text)
    record_list_look(request, SEARCH_LOOK, text, area=AREA)
    if children:
        message = f"{len(children)} {'child' if len(children) == 1 else 'children'} found."
        if more:
            message = (
                f"More than {SEARCH_MAX_RESULTS} children match: showing the first "
                f"{SEARCH_MAX_RESULTS}. Type more of the name to narrow it down."
            )
    else:
        message = f"No child found for “{text}”. Check the spelling, or try their class or year."
    return JsonResponse(
        {"children": [child_summary(c) for c in children], "more": more, "message": message}
    )


def _too_many_searches(user) -> bool:
    key = f"concern-child-search:{user.pk}:{int(timezone.now().timestamp() // 60)}"
    if cache.add(key, 1, timeout=120):
        return False
    try:
        return cache.incr(key) > SEARCHES_PER_MINUTE
    except ValueError:
        return False


@access.requires(may_log_concern, second_factor=False)
@require_POST
def autosave(request):
    """Called by concern-form.js every few seconds while someone types."""
    try:
        draft = raising.save_draft(request.user, request.POST)
    except KeyUnavailable as refusal:
        return JsonResponse({"saved": False, "reason": str(refusal)}, status=refusal.status)
    return JsonResponse(
        {"saved": draft is not None, "at": timezone.localtime().strftime("%H:%M:%S")}
    )


@access.requires(may_log_concern, second_factor=False)
@require_POST
def discard_draft(request):
    if raising.discard_draft(request.user):
        messages.info(
            request,
            "The draft was discarded. The concern you had put aside is back: check it, then "
            "send it or discard it.",
        )
    else:
        messages.info(request, "The draft was discarded. You have a blank form.")
    return redirect("safeguarding:log_concern")


@access.requires(may_log_concern, second_factor=False)
@require_POST
def start_new_concern(request):
    """The person chose to start a new concern about a child while an unsent one was open: the
    unsent one is put aside (kept, never merged) and comes back once the new one is sent or
    discarded."""
    child = _child_from_link(request, request.POST)
    raising.put_aside_draft(request.user)
    if child is None:
        return redirect("safeguarding:log_concern")
    return redirect(f"{reverse('safeguarding:log_concern')}?child={child.pk}")

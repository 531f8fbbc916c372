"""A class's lessons, and the school's list of sensitive topics (P19).

A lesson is recorded by those who teach or support in the class, or by the safeguarding team or
the head teacher (``policy.may_record_lesson``); the class is opened through the same checks as
its page (``policy.may_open_class``), with the second factor asked first and one audit entry.
A lesson is opened through the door (``records.view_lesson``: a relation to the class, or the
role), audited once. Where its topic is on the school's list, the page shows the guidance
(``lesson_guidance``): on the lesson's page, on the work upload form when a topic is picked and
on the page that confirms the upload.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from confidentiality import access

from ..forms.lessons import LessonForm, SensitiveTopicForm
from ..lesson_guidance import guidance_for
from ..models import Lesson, SensitiveTopic, Student, TeachingGroup
from ..policy import (
    LEARNING_RECORD,
    LESSONS,
    is_school_staff,
    may_manage_sensitive_topics,
    may_record_lesson,
)


def open_class_for_lessons(request, pk) -> TeachingGroup:
    """The class ``pk`` for recording one of its lessons, audited once; 404 alike for an unknown
    class and one this person may not record lessons for (as ``classes.open_class``)."""
    access.require_second_factor(request.user)
    group = TeachingGroup.objects.filter(pk=pk).first()
    if group is None or not may_record_lesson(request.user, group):
        raise Http404
    access.record_access(request, group, how="view")
    return group


@access.requires(is_school_staff)
def record_lesson(request, pk):
    """A lesson of this class: date, subject, title, the sensitive topic if any, notes. After
    saving, the lesson's page (with the guidance, if its topic is sensitive)."""
    group = open_class_for_lessons(request, pk)
    form = LessonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lesson = form.save(commit=False)
        lesson.group, lesson.recorded_by = group, request.user
        lesson.save()
        messages.success(request, f"Lesson recorded for {group}.")
        return redirect("records:lesson_detail", pk=lesson.pk)
    return render(
        request,
        "records/lesson_form.html",
        {"group": group, "form": form, "guidance": guidance_on_form(form, request.user)},
        status=400 if form.is_bound else 200,
    )


@access.requires(is_school_staff)
def lesson_detail(request, pk):
    lesson = access.open_object(
        request, Lesson.objects.select_related("group", "topic", "recorded_by"), LESSONS, pk=pk
    )
    return render(
        request,
        "records/lesson_detail.html",
        {
            "lesson": lesson,
            "guidance": guidance_for(lesson.topic, request.user) if lesson.topic else None,
            "may_record": may_record_lesson(request.user, lesson.group),
        },
    )


@access.requires(is_school_staff)
def work_uploaded(request, pk):
    """The confirmation after uploading a child's work on a sensitive topic: the guidance again,
    now that the class has done the work (``?topic=`` names the topic chosen on the form)."""
    student = access.open_object(request, Student.objects.all(), LEARNING_RECORD, pk=pk)
    topic = SensitiveTopic.objects.filter(pk=_whole_number(request.GET.get("topic"))).first()
    return render(
        request,
        "records/work_uploaded.html",
        {"student": student, "guidance": guidance_for(topic, request.user) if topic else None},
    )


def guidance_on_form(form, user) -> dict:
    """The guidance panel of a form with a topic to pick: every offered topic's guidance ready
    for when it is picked, and the one picked already (a form sent back) showing."""
    offered = list(SensitiveTopic.objects.offered())
    picked = str(form["topic"].value() or "")
    topic = next((t for t in offered if str(t.pk) == picked), None)
    return guidance_for(topic, user, offered)


def work_uploaded_url(student, topic) -> str:
    return f"{reverse('records:work_uploaded', kwargs={'pk': student.pk})}?topic={topic.pk}"


def _whole_number(text) -> int | None:
    return int(text) if text and text.isdigit() else None


# --- the school's list of sensitive topics ------------------------------------------------------


@access.requires(may_manage_sensitive_topics)
def topic_list(request):
    """The list, those offered first, each with its guidance, to edit, retire or offer again."""
    return render(
        request,
        "records/sensitive_topics.html",
        {"topics": SensitiveTopic.objects.order_by("-active", "name")},
    )


@access.requires(may_manage_sensitive_topics)
def topic_form(request, pk=None):
    """Adding a topic to the list, or changing one's name or guidance."""
    topic = get_object_or_404(SensitiveTopic, pk=pk) if pk is not None else None
    form = SensitiveTopicForm(request.POST or None, instance=topic)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(
            request, f"“{saved}” {'saved' if topic else 'added to the list of sensitive topics'}."
        )
        return redirect("records:sensitive_topics")
    return render(
        request,
        "records/sensitive_topic_form.html",
        {"form": form, "topic": topic},
        status=400 if form.is_bound else 200,
    )


@access.requires(may_manage_sensitive_topics)
@require_POST
def topic_offered(request, pk):
    """Retire a topic (no longer offered to teachers; lessons recorded on it keep it) or offer a
    retired one again."""
    topic = get_object_or_404(SensitiveTopic, pk=pk)
    topic.active = request.POST.get("offer") == "yes"
    topic.save(update_fields=["active"])
    messages.success(
        request,
        f"“{topic}” is offered to teachers again."
        if topic.active
        else f"“{topic}” is retired: no longer offered to teachers.",
    )
    return redirect("records:sensitive_topics")

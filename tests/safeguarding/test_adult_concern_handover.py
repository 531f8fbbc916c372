"""Who handles a concern about an adult follows the school's roles as they are now, not as they
were when it was raised (P3, P8): when the DSL hands over, or a new head teacher or chair of
governors takes office, the former holder loses the concern and the new one gains it; the adult
named never holds it."""

import uuid

import pytest
from django.utils import timezone

from confidentiality import roles
from confidentiality.roles import Role
from safeguarding import adults
from safeguarding.grants import sync_adult_concern_grants
from tests.conftest import sign_in


def raise_about(author, person):
    concern, _ = adults.raise_adult_concern(
        author,
        {
            "idempotency_key": uuid.uuid4(),
            "person": person,
            "nature": "allegation",
            "category": "other",
            "urgency": "routine",
            "account": "Gave a pupil his phone number.",
            "happened_at": timezone.now(),
        },
    )
    return concern


def opens(client, user, concern) -> int:
    sign_in(client, user, verified=True)
    return client.get(f"/safeguarding/concerns/{concern.pk}/").status_code


def listed(client, user, concern) -> bool:
    sign_in(client, user, verified=True)
    return concern.reference in client.get("/safeguarding/adults/").content.decode()


@pytest.fixture
def new_dsl(make_user):
    return make_user("new_dsl", Role.TEACHER)


@pytest.fixture
def chair(make_user):
    chair = make_user("chair", Role.GOVERNOR, job_title="Chair of governors")
    chair.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    return chair


def test_when_the_dsl_hands_over_the_new_dsl_gains_it_and_the_old_one_loses_it(
    client, teacher, other_teacher, dsl, head, new_dsl
):
    concern = raise_about(teacher, other_teacher)
    assert opens(client, dsl, concern) == 200
    assert opens(client, new_dsl, concern) == 404
    roles.appoint_dsl(new_dsl)
    dsl.groups.add(roles.group_for(Role.TEACHER))  # the former DSL goes back to teaching
    assert opens(client, dsl, concern) == 404
    assert opens(client, new_dsl, concern) == 200
    assert listed(client, new_dsl, concern)
    assert opens(client, head, concern) == 200  # the head is unaffected


def test_a_dsl_who_hands_over_to_the_person_named_leaves_it_with_nobody_named(
    client, teacher, other_teacher, dsl, deputy, head
):
    concern = raise_about(teacher, other_teacher)
    roles.appoint_dsl(other_teacher)  # the adult named becomes the DSL
    assert opens(client, other_teacher, concern) == 404
    assert opens(client, dsl, concern) == 404
    # Now it is about the DSL: the head and the deputies handle it.
    assert opens(client, head, concern) == 200
    assert opens(client, deputy, concern) == 200


def test_a_new_head_teacher_takes_over_and_the_old_one_loses_it(
    client, teacher, other_teacher, dsl, head, make_user
):
    concern = raise_about(teacher, other_teacher)
    new_head = make_user("new_head", Role.TEACHER)
    assert opens(client, new_head, concern) == 404
    head.groups.remove(roles.group_for(Role.HEAD_TEACHER))
    new_head.groups.add(roles.group_for(Role.HEAD_TEACHER))
    assert opens(client, head, concern) == 404
    assert opens(client, new_head, concern) == 200
    assert opens(client, dsl, concern) == 200


def test_a_new_chair_takes_over_a_concern_about_the_head(
    client, teacher, dsl, head, chair, governor
):
    concern = raise_about(teacher, head)
    assert opens(client, chair, concern) == 200
    assert opens(client, governor, concern) == 404
    chair.groups.remove(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    governor.groups.add(roles.group_for(Role.CHAIR_OF_GOVERNORS))
    assert opens(client, chair, concern) == 404
    assert opens(client, governor, concern) == 200
    assert opens(client, head, concern) == 404  # never the head it names


def test_a_handler_who_leaves_loses_it(client, teacher, other_teacher, dsl, head):
    concern = raise_about(teacher, other_teacher)
    head.is_active = False
    head.save()
    from safeguarding.models import ConcernUserObjectPermission

    holders = set(
        ConcernUserObjectPermission.objects.filter(
            content_object=concern, permission__codename="handle_adult_concern"
        ).values_list("user_id", flat=True)
    )
    assert holders == {dsl.pk}


def test_signing_in_does_not_redo_the_grants(teacher, other_teacher, dsl, head, monkeypatch):
    raise_about(teacher, other_teacher)
    calls = []
    monkeypatch.setattr(
        "safeguarding.grants.sync_adult_concern_grants", lambda: calls.append(1) or 0
    )
    dsl.last_login = timezone.now()
    dsl.save(update_fields=["last_login"])
    assert calls == []
    dsl.is_active = False
    dsl.save(update_fields=["is_active"])
    assert calls == [1]  # but someone leaving does (they hand over what they handled)


def test_the_sync_is_idempotent(teacher, other_teacher, dsl, head):
    raise_about(teacher, other_teacher)
    assert sync_adult_concern_grants() == 0

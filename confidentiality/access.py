"""The access policy: the one door to every confidential object.

Who may do what to which object is answered here and nowhere else:

- **role permissions** (model permissions on the role's group, e.g. the safeguarding team may view
  every student) apply to every object of the model;
- **object grants** (django-guardian, direct foreign-key tables) come from school relationships —
  the teacher of a class, the parent of a child, the nurse assigned to a pupil — and are created
  and removed by the apps when those relationships change;
- **break-glass** access (P10): a short-lived grant a member of staff takes in an emergency, with
  a written reason, that the DSL is told about;
- **relations** (``relational_permissions`` on the model): rights that follow from who a person
  is to the object at the moment of asking (the member of staff a performance file is about, a
  reviewer during their delegation, a governor who attended a meeting), decided when asked so
  that a relation that ends (a delegation past its date) ends the right with it, with nothing
  stored to forget to remove.

Superuser status opens nothing here: the technician who runs the server is not entitled to read
children's records (deny by default).

Every view declares what it needs with ``requires`` (or ``public`` for the few pages anyone may
reach, such as signing in); a test walks every URL and fails on a view that does not. Inside,
views use ``visible`` for lists and ``open_object`` for one object: a refusal is a 404, because
even the existence of a record is confidential, and every opening writes one audit entry.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connections, router, transaction
from django.db.models import CharField, Exists, F, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.http import Http404
from django.utils.functional import empty
from django_otp import user_has_device
from guardian.shortcuts import get_objects_for_user
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from confidentiality import signals
from confidentiality.audit import record_access
from confidentiality.models import BreakGlassAccess
from confidentiality.models.break_glass import BREAK_GLASS_PER_DAY, clean_reason
from confidentiality.roles import SAFEGUARDING_TEAM, SAFEGUARDING_TEAM_OR_HEAD

log = logging.getLogger(__name__)


class SecondFactorRequired(Exception):
    """Raised by the door; ``SecondFactorMiddleware`` turns it into a redirect to verify."""


# --- who the person is -------------------------------------------------------------------------


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _itself(user):
    """The user object behind the request's lazy wrappers (the sign-in's, the second factor's):
    what is kept for the request is kept there, where the user's own methods (``has_role``)
    see it too."""
    while (inner := getattr(user, "_wrapped", None)) is not None and inner is not empty:
        user = inner
    return user


def role_permissions(user) -> frozenset[str]:
    """Model permissions from the user's roles (groups) and own grants; not superuser-implied."""
    if not _active(user):
        return frozenset()
    user = _itself(user)
    cached = user.__dict__.get("_role_permissions")
    if cached is None:
        know_roles_and_permissions(user)
        cached = user.__dict__["_role_permissions"]
    return cached


def know_roles_and_permissions(user) -> None:
    """Who the person is, for the rest of the request: their roles (``user.roles``) and the
    model permissions of those roles and of their own (``role_permissions``), in one query
    instead of one each. Every page asks both, several times; the answer is kept on this
    request's user object only, so a change of role counts from the next request."""
    if not _active(user):
        return
    user = _itself(user)
    if "_role_permissions" in user.__dict__:
        return
    from confidentiality.roles import role_from_group_name

    # A role's row with its permissions (a role without any still gives one row, for its name),
    # then the person's own permissions with no role name; the columns in the same order.
    by_role = (
        Group.objects.filter(user=user)
        .order_by()
        .values_list("permissions__content_type__app_label", "permissions__codename", "name")
    )
    own = (
        Permission.objects.filter(user=user)
        .order_by()
        .annotate(role=Value("", output_field=CharField()))
        .values_list("content_type__app_label", "codename", "role")
    )
    # And their running emergency accesses (kind of record, record), marked as such.
    glass = (
        BreakGlassAccess.objects.active()
        .filter(user=user)
        .order_by()
        .annotate(
            kind=Cast("content_type_id", CharField()),
            record=F("object_pk"),
            mark=Value(_BREAK_GLASS, output_field=CharField()),
        )
        .values_list("kind", "record", "mark")
    )
    names, perms, running = set(), set(), {}
    for first, second, name in by_role.union(own, glass, all=True).order_by():
        if name == _BREAK_GLASS:
            running.setdefault(int(first), []).append(second)
            continue
        if name:
            names.add(name)
        if first and second:
            perms.add(f"{first}.{second}")
    if "roles" not in user.__dict__:
        user.__dict__["roles"] = frozenset(filter(None, map(role_from_group_name, names)))
    user.__dict__["_role_permissions"] = frozenset(perms)
    user.__dict__["_break_glass"] = running


# Marks the emergency accesses' rows in that query; no role is called this.
_BREAK_GLASS = "#break-glass"


def running_break_glass(user) -> dict:
    """``{content type id: [object_pk, ...]}`` of this person's running emergency accesses, as
    read with their roles for this request (``know_roles_and_permissions``); asked again after
    one is opened in this request."""
    user = _itself(user)
    running = user.__dict__.get("_break_glass")
    if running is None:
        running = {}
        rows = BreakGlassAccess.objects.active().filter(user=user)
        for kind, record in rows.values_list("content_type_id", "object_pk"):
            running.setdefault(kind, []).append(record)
        user.__dict__["_break_glass"] = running
    return running


def require_second_factor(user, always: bool = False) -> None:
    """The safeguarding team and the head teacher open confidential objects only when verified;
    with ``always``, so does anyone else (e.g. a governor handling a concern about the head)."""
    # Outside a request (no OTP middleware) nobody counts as verified: fail closed.
    verified = getattr(user, "is_verified", None)
    if (always or user.needs_second_factor) and not (verified and verified()):
        raise SecondFactorRequired


def has_second_factor(user) -> bool:
    """Whether the person has a second factor set up (kept for the request). One they confirmed
    in this session is proof enough without asking the database again."""
    if not _active(user):
        return False
    user = _itself(user)
    cached = user.__dict__.get("_has_second_factor")
    if cached is None:
        device = getattr(user, "otp_device", None)
        cached = bool(device is not None and device.confirmed) or user_has_device(user)
        user.__dict__["_has_second_factor"] = cached
    return cached


def may_read_audit_trail(user) -> bool:
    return _active(user) and user.has_role(*SAFEGUARDING_TEAM_OR_HEAD)


def signed_in(user) -> bool:
    """The rule of pages for anyone signed in (each shows only that person's own things)."""
    return _active(user)


# --- the door: what a view needs before it runs at all ------------------------------------------

BY_ROLE = "by role"  # the second factor of the roles that always need one (the default)
# As BY_ROLE, and anyone else who has set one up must use it: pages that change how an account
# signs in, where a stolen password alone must not be enough.
IF_SET_UP = "by role, and anyone who has set one up"


@dataclass(frozen=True)
class Door:
    """What a view declared it needs; read by the URL-walk test and by nothing else."""

    rule: Callable | None  # fn(user) -> bool; None for a public page
    second_factor: bool | str  # True: everyone; BY_ROLE: the roles that need one; IF_SET_UP:
    # those roles and anyone with a second factor set up; False: never

    @property
    def public(self) -> bool:
        return self.rule is None


def requires(rule: Callable = signed_in, *, second_factor: bool | str = BY_ROLE):
    """Declare what a view needs: a signed-in, active person whom ``rule(user)`` admits.

    Anyone else gets a 404 (an anonymous visitor is sent to sign in), the same answer for
    every id in the URL, because the check runs before any object is looked up. Then the
    second factor: by default the safeguarding team and the head teacher must have confirmed
    theirs (``second_factor=True``: everyone must; ``IF_SET_UP``: also anyone who has set one
    up; ``False``: nobody, for the pages that must never wait on one, such as logging a concern,
    P3, and setting up the second factor itself).
    Objects inside are still opened with ``open_object`` or listed with ``visible``.
    """

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not _active(user) or not rule(user):
                raise Http404
            if second_factor:
                always = second_factor is True or (
                    second_factor == IF_SET_UP and has_second_factor(user)
                )
                require_second_factor(user, always=always)
            return view(request, *args, **kwargs)

        guarded.door = Door(rule, second_factor)
        return guarded

    return decorate


def public(view):
    """Declare a page anyone may reach, signed in or not (signing in, a password reset, the
    health check). It must show nothing confidential."""
    view.door = Door(None, False)
    return view


class RequiresMixin:
    """``requires`` for a class-based view: set ``rule`` (and ``second_factor``) on the class."""

    rule: Callable = staticmethod(signed_in)
    second_factor: bool | str = BY_ROLE

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        return requires(cls.rule, second_factor=cls.second_factor)(view)


# --- one object --------------------------------------------------------------------------------


def _break_glass_codenames(model) -> frozenset[str]:
    return frozenset(getattr(model, "break_glass_permissions", ()))


def permission_holder(obj):
    """The object whose permissions decide access to ``obj``.

    A model that is part of another's record (a grade is part of a student's record) names the
    relation in ``permissions_from``; it is then opened exactly when its holder may be.
    """
    path = getattr(type(obj), "permissions_from", None)
    return getattr(obj, path) if path else obj


def _relations(model, user) -> dict:
    """``{codename: Q}`` of the rows of ``model`` the user holds each codename on through a
    relation (``model.relational_permissions(user)``); empty for most models."""
    rule = getattr(model, "relational_permissions", None)
    return rule(user) if rule else {}


def _relations_held(user, obj) -> list[str]:
    """The codenames ``user`` holds on ``obj`` through a relation, all asked in one query (an
    ``Exists`` for each, the same question as ``filter(relation, pk=obj.pk).exists()``): a file
    with five relational rights would otherwise cost five queries on every page of it.

    The rights share their relations (a file's reader is its subject, its holder or its
    reviewer; its holder alone manages it), so each distinct relation is asked once and a right
    is held when any of its relations is: three questions for a file's five rights, not nine."""
    relations = _relations(type(obj), user)
    if not relations:
        return []
    distinct, parts_of = [], {}
    for codename, condition in relations.items():
        parts_of[codename] = []
        for part in _either(condition):
            if part not in distinct:
                distinct.append(part)
            parts_of[codename].append(distinct.index(part))
    manager = type(obj)._base_manager
    asked = {
        f"holds_{number}": Exists(manager.filter(part, pk=obj.pk))
        for number, part in enumerate(distinct)
    }
    answers = manager.filter(pk=obj.pk).annotate(**asked).values_list(*asked).order_by()
    row = next(iter(answers), None) or [False] * len(distinct)
    return [codename for codename, parts in parts_of.items() if any(row[n] for n in parts)]


def _either(condition: Q) -> list[Q]:
    """``condition`` as the conditions it is "any of" (itself, unless it is an OR)."""
    if condition.connector != Q.OR or condition.negated:
        return [condition]
    return [part if isinstance(part, Q) else Q(part) for part in condition.children]


def object_permissions(user, obj) -> frozenset[str]:
    """Every ``app.codename`` the user holds on ``obj``, from all three sources (cached)."""
    if not _active(user):
        return frozenset()
    obj = permission_holder(obj)
    cache = user.__dict__.setdefault("_object_permissions", {})
    key = (obj._meta.label_lower, str(obj.pk))
    if key in cache:
        return cache[key]
    app = obj._meta.app_label
    perms = {p for p in role_permissions(user) if p.startswith(f"{app}.")}
    codenames = _granted_codenames(user, obj)
    # A running emergency access, from those read with the person's roles for this request
    # (``running_break_glass``; opening one forgets them).
    glass = _break_glass_codenames(type(obj))
    if glass:
        kind = ContentType.objects.get_for_model(obj).pk
        if str(obj.pk) in running_break_glass(user).get(kind, ()):
            codenames.update(glass)
    perms.update(f"{app}.{c}" for c in codenames)
    perms.update(f"{app}.{c}" for c in _relations_held(user, obj))
    cache[key] = frozenset(perms)
    return cache[key]


def _granted_codenames(user, obj) -> set[str]:
    """The codenames granted on ``obj`` to the person or to a group of theirs, in one query:
    guardian's direct tables, written out as ``_granted_keys`` writes them for a list (every
    page opens an object, and building this union through the ORM cost a millisecond)."""
    by_user, by_group = get_user_obj_perms_model(obj), get_group_obj_perms_model(obj)
    if by_user.objects.is_generic() or by_group.objects.is_generic():
        granted = [
            by_user.objects.filter(user=user, content_object=obj).values_list(
                "permission__codename"
            ),
            by_group.objects.filter(group__user=user, content_object=obj).values_list(
                "permission__codename"
            ),
        ]
        return {c for (c,) in granted[0].order_by().union(granted[1].order_by(), all=True)}
    db = connections[router.db_for_read(type(obj), instance=obj)]
    quote = db.ops.quote_name
    permissions = quote(Permission._meta.db_table)
    key = by_user._meta.get_field("content_object").target_field.get_db_prep_value(
        obj.pk, db, prepared=False
    )

    def granted(model, who):
        table = quote(model._meta.db_table)
        return (
            f"SELECT {permissions}.{quote('codename')} FROM {table} INNER JOIN {permissions} "  # noqa: S608
            f"ON {permissions}.{quote('id')} = {table}.{_column(quote, model, 'permission')} "
            f"WHERE {table}.{_column(quote, model, 'content_object')} = %s AND {who}"
        )

    mine = f"{_column(quote, by_user, 'user')} = %s"
    theirs = f"{_column(quote, by_group, 'group')} IN {_their_groups(quote)}"
    with db.cursor() as cursor:
        cursor.execute(
            f"{granted(by_user, mine)} UNION ALL {granted(by_group, theirs)}",
            [key, user.pk, key, user.pk],
        )
        return {codename for (codename,) in cursor.fetchall()}


def _as_tuple(perms) -> tuple[str, ...]:
    return (perms,) if isinstance(perms, str) else tuple(perms)


def has_permission(user, perms, obj) -> bool:
    """True if the user holds ``perms`` (one ``app.codename``, or any of several) on ``obj``."""
    held = object_permissions(user, obj)
    return any(p in held for p in _as_tuple(perms))


def open_object(
    request, queryset, perm, how: str = "view", second_factor=False, blind=False, **lookup
):
    """Fetch one confidential object for this request: 404 unless permitted; audited once.

    ``second_factor=True`` demands a verified second factor of anyone, not only of the roles
    that always need one (casework on concerns, whoever handles it). ``blind=True``: the entry
    names the object by reference only (``record_access``)."""
    user = request.user
    if not _active(user):
        raise Http404
    require_second_factor(user)
    obj = queryset.filter(**lookup).first()
    if obj is None or not has_permission(user, perm, obj):
        raise Http404
    if second_factor:  # only now: an outsider learns nothing, not even that a check exists
        require_second_factor(user, always=True)
    record_access(request, obj, how=how, blind=blind)
    return obj


# --- many objects ------------------------------------------------------------------------------


def _restrict(queryset, user, perms):
    """The objects of ``queryset`` the user holds ``perms`` on (any of them), as one query.
    Internal: pages and panels use ``visible``, which checks the second factor first."""
    perms = _as_tuple(perms)
    if not _active(user):
        return queryset.none()
    if any(p in role_permissions(user) for p in perms):
        return queryset
    path = getattr(queryset.model, "permissions_from", None)
    if path:  # e.g. grades: those of the students the user may open
        holders = queryset.model._meta.get_field(path).related_model._default_manager.all()
        return queryset.filter(**{f"{path}__in": _restrict(holders, user, perms).values("pk")})
    codenames = {p.split(".", 1)[1] for p in perms}
    # A grant counts only for a permission of the list's own app (``object_permissions`` asks
    # the same of one object): a permission named with another app's label opens nothing.
    app = queryset.model._meta.app_label
    granted = _granted(
        queryset, user, {p.split(".", 1)[1] for p in perms if p.startswith(f"{app}.")}
    )
    related = [q for c, q in _relations(queryset.model, user).items() if c in codenames]
    if related:
        # Through the model's own manager, as a subquery: a relation across a join (a file's
        # delegations) must not repeat rows.
        condition = related[0]
        for q in related[1:]:
            condition |= q
        by_relation = queryset.model._base_manager.filter(condition).values("pk")
        granted = queryset.filter(Q(pk__in=granted.values("pk")) | Q(pk__in=by_relation))
    if not codenames & _break_glass_codenames(queryset.model):
        return granted
    # Usually none or one row: read the ids, then filter by real primary keys (UUIDs are stored
    # differently on each database, so comparing them as text would not be portable).
    pks = running_break_glass(user).get(ContentType.objects.get_for_model(queryset.model).pk)
    if not pks:
        return granted
    return queryset.filter(Q(pk__in=granted.values("pk")) | Q(pk__in=pks))


def _granted(queryset, user, codenames):
    """The objects of ``queryset`` granted to the user, or to a group of theirs, for any of
    ``codenames``: guardian's direct tables, read as ``object_permissions`` reads them for one
    object. guardian's ``get_objects_for_user`` answers the same (tested) but spends about
    2 ms of Python building its query on every call, and a dashboard asks for a dozen lists;
    this asks the same tables as one written statement (``_granted_keys``). A model without
    direct tables is left to guardian."""
    if not codenames:  # (guardian would read no permission as any permission)
        return queryset.none()
    model = queryset.model
    by_user = get_user_obj_perms_model(model)
    by_group = get_group_obj_perms_model(model)
    if by_user.objects.is_generic() or by_group.objects.is_generic():
        return get_objects_for_user(
            user,
            [f"{model._meta.app_label}.{c}" for c in codenames],
            klass=queryset,
            any_perm=True,
            accept_global_perms=False,
            with_superuser=False,
        )
    ids = permission_ids(model, codenames, queryset.db)
    if not ids:
        return queryset.none()
    keys = _granted_keys(by_user, by_group, user.pk, ids, connections[queryset.db])
    return queryset.filter(pk__in=RawSQL(*keys))  # noqa: S611 - names from models, values as parameters


def _granted_keys(by_user, by_group, user_id: int, ids: list[int], db) -> tuple[str, list]:
    """The keys of the objects granted to the person or to a group of theirs for any of the
    permissions ``ids``, as one statement, written from the tables' and columns' own names.

    One list of keys (a UNION), not two joined by OR: with OR the database tests every row of
    the table against both (a count of a teacher's 40 pupils read all 30,000: 7 ms); with one
    list it looks the granted rows up by key. The permissions go in by id, not joined by name:
    a dashboard's counts are a dozen such lists in one query, and each join multiplied the time
    the database spent planning it. Written out rather than built with the ORM (a union of two
    filtered managers and a subquery of memberships): a page asks for several such lists, and
    building each through the ORM cost a millisecond of Python; this costs none. Every value
    is a parameter."""
    quote = db.ops.quote_name

    def column(model, name):
        return _column(quote, model, name)

    marks = ", ".join(["%s"] * len(ids))
    sql = (
        f"SELECT {column(by_user, 'content_object')} FROM {quote(by_user._meta.db_table)} "  # noqa: S608
        f"WHERE {column(by_user, 'user')} = %s AND {column(by_user, 'permission')} IN ({marks}) "
        "UNION ALL "
        f"SELECT {column(by_group, 'content_object')} FROM {quote(by_group._meta.db_table)} "
        f"WHERE {column(by_group, 'permission')} IN ({marks}) AND {column(by_group, 'group')} IN "
        + _their_groups(quote)
    )
    return sql, [user_id, *ids, *ids, user_id]


def _column(quote, model, name: str) -> str:
    """The quoted column of ``model``'s field ``name``."""
    return quote(model._meta.get_field(name).column)


def _their_groups(quote) -> str:
    """The person's groups (the person a parameter), as a subquery of their memberships."""
    memberships = get_user_model().groups.through
    group, user = (_column(quote, memberships, name) for name in ("group", "user"))
    return f"(SELECT {group} FROM {quote(memberships._meta.db_table)} WHERE {user} = %s)"  # noqa: S608


# The id of each object permission, per database: made once by the migrations, never renamed,
# so asked once per process (forgotten when the migrations run again, as after a test's flush).
_permission_ids: dict[tuple[str, int, str], int] = {}


def permission_ids(model, codenames, using: str) -> list[int]:
    """The ids of those of ``codenames`` that are permissions of ``model``."""
    kind = ContentType.objects.db_manager(using).get_for_model(model).pk
    missing = [c for c in codenames if (using, kind, c) not in _permission_ids]
    if missing:
        found = Permission.objects.using(using).filter(content_type_id=kind, codename__in=missing)
        for codename, pk in found.values_list("codename", "pk"):
            _permission_ids[(using, kind, codename)] = pk
    return [
        _permission_ids[key]
        for c in sorted(codenames)
        if (key := (using, kind, c)) in _permission_ids
    ]


def forget_permission_ids(**kwargs) -> None:
    _permission_ids.clear()


def visible(who, queryset, perm):
    """What this person (a request, or a user outside a request) may open of ``queryset``, as
    one query, after the second-factor check: for list pages, dashboard panels and counts."""
    user = getattr(who, "user", who)
    require_second_factor(user)
    return _restrict(queryset, user, perm)


# --- who holds a permission ----------------------------------------------------------------------


def holders_of(obj, perm, *, through_role: bool = True):
    """The active people who may do ``perm`` (``app.codename``) on ``obj``: through their role
    (a group's model permission), an object grant to them or to a group of theirs, or a running
    emergency access. For telling people about an object, never for opening it.

    ``through_role=False``: only those given it on this very object (the teachers of a child,
    not the whole safeguarding team that holds it on every child)."""
    obj = permission_holder(obj)
    app, codename = perm.split(".", 1)
    ct = ContentType.objects.get_for_model(obj)
    user_model = get_user_obj_perms_model(obj)
    group_model = get_group_obj_perms_model(obj)
    by_role = Q(groups__permissions__codename=codename, groups__permissions__content_type=ct) | Q(
        user_permissions__codename=codename, user_permissions__content_type=ct
    )
    granted = user_model.objects.filter(content_object=obj, permission__codename=codename).values(
        "user_id"
    )
    group_granted = group_model.objects.filter(
        content_object=obj, permission__codename=codename
    ).values("group__user")
    condition = Q(pk__in=granted) | Q(pk__in=group_granted)
    if through_role:
        condition |= by_role
    if codename in _break_glass_codenames(type(obj)):
        running = BreakGlassAccess.objects.active().for_object(obj).values("user_id")
        condition |= Q(pk__in=running)
    people = get_user_model()._default_manager.filter(condition, is_active=True)
    return get_user_model()._default_manager.filter(pk__in=people.values("pk"))


# --- break-glass (P10) ---------------------------------------------------------------------------


def may_break_glass(user) -> bool:
    return _active(user) and user.is_school_staff


def active_break_glass(user, obj) -> BreakGlassAccess | None:
    """This person's running emergency access to ``obj``, if any."""
    if not _active(user):
        return None
    return BreakGlassAccess.objects.active().for_object(obj).filter(user=user).first()


@transaction.atomic
def break_glass(request, obj, reason: str) -> BreakGlassAccess:
    """Open ``obj`` in an emergency: a time-limited grant, an audit entry and a DSL alert.

    One grant per person and object at a time: while one runs, it is returned unchanged (asking
    again never extends it). A new one needs a new reason, at most ``BREAK_GLASS_PER_DAY`` a
    day, and none on an object whose grant the safeguarding team ended today. Raises
    ``ValidationError`` with a message for the person."""
    user = request.user
    if not may_break_glass(user) or not _break_glass_codenames(type(obj)):
        raise Http404
    # One request at a time per person: two at once cannot both pass the checks below.
    get_user_model()._default_manager.select_for_update().filter(pk=user.pk).first()
    reason = clean_reason(reason)
    existing = active_break_glass(user, obj)
    if existing is not None:
        return existing
    mine_today = BreakGlassAccess.objects.filter(user=user).granted_today()
    if mine_today.ended_early().for_object(obj).exists():
        raise ValidationError(
            "The safeguarding team ended your emergency access to this record today. "
            "Please speak to the DSL or a deputy."
        )
    if mine_today.count() >= BREAK_GLASS_PER_DAY:
        raise ValidationError(
            f"You have already opened {BREAK_GLASS_PER_DAY} records in an emergency today, the "
            "most allowed. Please ask the DSL or a deputy, who can open the record with you."
        )
    grant = BreakGlassAccess.objects.create(
        user=user, content_type=ContentType.objects.get_for_model(obj), object_pk=str(obj.pk)
    )
    grant.record_reason(reason)
    user.__dict__.pop("_object_permissions", None)
    _itself(user).__dict__.pop("_break_glass", None)
    # The reason stays encrypted with the grant; the trail shows it from there to its readers.
    record_access(request, obj, how="break-glass", extra={"grant": grant.pk})
    _tell_of_break_glass(grant)
    return grant


def may_end_break_glass(user) -> bool:
    """The DSL and deputies see every running emergency access and may end it (P10)."""
    return _active(user) and user.has_role(*SAFEGUARDING_TEAM)


@transaction.atomic
def end_break_glass(request, grant: BreakGlassAccess) -> None:
    """The safeguarding team ends a running grant: its holder loses the access at once, and
    the ending is audited against the object it opened."""
    if not may_end_break_glass(request.user):
        raise Http404
    require_second_factor(request.user)
    grant.end()
    opened = grant.opened
    if opened is not None:
        record_access(request, opened, how="break-glass ended")


def _tell_of_break_glass(grant) -> None:
    """P10: the DSL hears of every break-glass, and nothing about telling them may stop the
    member of staff getting the record. The apps' receivers alert the team (in the app, and by
    email with retries); only if there is none, or every one failed, does the core email the
    team itself after the commit."""
    from confidentiality.notifications import tell_safeguarding_team_of_break_glass_safely

    results = signals.break_glass_used.send_robust(sender=BreakGlassAccess, grant=grant)
    for receiver, result in results:
        if isinstance(result, Exception):  # its type only: the message may carry details
            log.error("Break-glass alert %r failed: %s", receiver, type(result).__name__)
    if not results or all(isinstance(result, Exception) for _, result in results):
        transaction.on_commit(lambda: tell_safeguarding_team_of_break_glass_safely(grant))

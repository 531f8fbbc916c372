from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete


class ConfidentialityConfig(AppConfig):
    """The core: people and roles, encrypted fields, the access policy and the audit trail."""

    name = "confidentiality"
    verbose_name = "Confidentiality core"

    def ready(self):
        from auditlog.models import LogEntry

        # The menu and panels register; the start-up checks too.
        from . import checks, idle_clock, navigation, panels, pipeline_panel, roles  # noqa: F401
        from .audit.chain import seal_entry

        User = self.get_model("User")
        m2m_changed.connect(
            roles.refuse_second_holder, sender=User.groups.through, dispatch_uid="one-dsl"
        )
        # Every change of who holds which role, by any route, is a sealed audit entry.
        m2m_changed.connect(
            roles.audit_role_change, sender=User.groups.through, dispatch_uid="role-audit"
        )
        pre_delete.connect(
            roles.audit_roles_of_deleted_user, sender=User, dispatch_uid="role-audit-delete"
        )
        post_save.connect(seal_entry, sender=LogEntry, dispatch_uid="audit-chain")
        # Long lists of keys in a query, as one array on PostgreSQL.
        from . import long_lists

        long_lists.register()
        # The school calendar is kept in the cache: a change to it is read afresh at once.
        from .school_calendar import forget

        for model in (self.get_model("Term"), self.get_model("Closure")):
            post_save.connect(forget, sender=model, dispatch_uid=f"calendar-{model.__name__}")
            post_delete.connect(forget, sender=model, dispatch_uid=f"calendar-{model.__name__}")
        post_migrate.connect(_after_migrate, sender=self, dispatch_uid="core-after-migrate")
        # Each role's group id is kept per process: a group made or removed (a test's database
        # flushed and its groups made again) is asked afresh.
        from django.contrib.auth.models import Group

        from .models.users import forget_group_ids

        post_save.connect(forget_group_ids, sender=Group, dispatch_uid="role-group-ids")
        post_delete.connect(forget_group_ids, sender=Group, dispatch_uid="role-group-ids")
        # So is each object permission's id (``access.permission_ids``).
        from django.contrib.auth.models import Permission

        from .access import forget_permission_ids

        for signal in (post_save, post_delete):
            signal.connect(forget_permission_ids, sender=Permission, dispatch_uid="perm-ids")
        # And both, with the content types', whenever the process opens a new connection to
        # PostgreSQL: a database restored under a running server (whose ids may differ) is
        # reached only through a new connection, as the old ones fail their health check. (A
        # connection lives a minute there; SQLite's live one request, so there they would be
        # asked again on every page, and a restore there replaces the file with the server
        # stopped.)
        from django.db.backends.signals import connection_created

        connection_created.connect(_forget_ids, dispatch_uid="ids-on-new-connection")


def _forget_ids(connection=None, **kwargs):
    if connection is None or connection.vendor == "sqlite":
        return
    from django.contrib.contenttypes.models import ContentType

    from .access import forget_permission_ids
    from .models.users import forget_group_ids

    forget_group_ids()
    forget_permission_ids()
    ContentType.objects.clear_cache()


def _after_migrate(using="default", **kwargs):
    from django.db import connections

    from .access import forget_permission_ids
    from .audit import triggers
    from .models.users import forget_group_ids
    from .roles import ensure_groups

    forget_group_ids()
    forget_permission_ids()
    ensure_groups()
    triggers.install(connections[using])
    # P11, P16, P25: there is always an agreement to accept (also after a test flush).
    from .models import ConfidentialityAgreement

    if ConfidentialityAgreement._meta.db_table in connections[using].introspection.table_names():
        ConfidentialityAgreement.ensure_first_version()

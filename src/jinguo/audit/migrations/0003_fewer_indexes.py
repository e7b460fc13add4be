"""Drop two audit indexes that every entry paid for and no query needs.

- actor_id alone: audit_actor_idx (actor_id, at DESC) serves every lookup by actor.
- hash: unique=True gave PostgreSQL a second, pattern-ops index beside the unique one. The
  uniqueness is now a named constraint; on PostgreSQL the existing one is renamed and the
  pattern-ops index dropped. SQLite never had the second index, and its inline UNIQUE stays.

The fields are changed in the migration state only: on SQLite, Django would otherwise rebuild
the table, copying every entry and losing the append-only triggers of 0002.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ACTOR_INDEX = "audit_auditentry_actor_id_8ab278be"
POSTGRES_UP = [
    "ALTER TABLE audit_auditentry RENAME CONSTRAINT audit_auditentry_hash_key TO audit_hash_unique",
    "DROP INDEX audit_auditentry_hash_718ebbcd_like",
]
POSTGRES_DOWN = [
    "ALTER TABLE audit_auditentry RENAME CONSTRAINT audit_hash_unique TO audit_auditentry_hash_key",
    "CREATE INDEX audit_auditentry_hash_718ebbcd_like ON audit_auditentry "
    "(hash varchar_pattern_ops)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only_triggers"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX "{ACTOR_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{ACTOR_INDEX}" ON "audit_auditentry" ("actor_id")',
                ),
                migrations.RunPython(_run(POSTGRES_UP), _run(POSTGRES_DOWN)),
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="auditentry",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="actor",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditentry",
                    name="hash",
                    field=models.CharField(max_length=64, verbose_name="hash"),
                ),
                migrations.AddConstraint(
                    model_name="auditentry",
                    constraint=models.UniqueConstraint(fields=("hash",), name="audit_hash_unique"),
                ),
            ],
        ),
    ]

"""Drop two person indexes that every insert paid for and no query needs.

- residence_id alone: (residence_id, name) serves every lookup by residence.
- merged_into_id: held a NULL for every unmerged person; only merged records are looked up by
  it, so a partial index holds just those.

The fields' db_index is changed in the migration state only. On SQLite, Django would otherwise
rebuild the whole table to drop an index; DROP INDEX is all that is needed, on both databases.
"""

import django.db.models.deletion
from django.db import migrations, models

INDEXES = {
    "people_person_residence_id_4f8ff9a9": "residence_id",
    "people_person_merged_into_id_138bbee4": "merged_into_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("orgunits", "0001_initial"),
        ("people", "0002_person_search_indexes_by_county"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "people_person" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_people",
                        to="people.person",
                        verbose_name="merged into",
                    ),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="residence",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="residents",
                        to="orgunits.orgunit",
                        verbose_name="village or community of residence",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="person",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="person_merged_into_idx",
            ),
        ),
    ]

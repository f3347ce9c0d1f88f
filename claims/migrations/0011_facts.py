"""Facts: every claim becomes the one appearance of a fact of its own (the same statement,
quantity and verdict); matches between claims and facts; on PostgreSQL, the full-text column
and index matching finds its candidates with."""

import claims.models
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
import simple_history.models
from django.conf import settings
from django.db import migrations, models


# The columns a fact takes from its first appearance (copied here, so this migration does not
# change with the application's code).
COPIED = ("statement", "kind", "subject", "value", "unit", "qualifier", "as_of", "as_of_precision")
REVIEWED = ("verified", "disputed", "false", "unverifiable")


def facts_for_claims(apps, schema_editor):
    """One fact per claim, with the claim's statement, quantity and verdict."""
    Claim = apps.get_model("claims", "Claim")
    Fact = apps.get_model("claims", "Fact")
    db = schema_editor.connection.alias
    claims = Claim.objects.using(db).filter(fact__isnull=True).order_by("pk")
    while batch := list(claims[:2000]):
        facts = Fact.objects.using(db).bulk_create(
            [
                Fact(
                    **{name: getattr(claim, name) for name in COPIED},
                    status="unreviewed" if claim.status == "dismissed" else claim.status,
                    reviewed_by_id=claim.reviewed_by_id if claim.status in REVIEWED else None,
                    reviewed_at=claim.reviewed_at if claim.status in REVIEWED else None,
                )
                for claim in batch
            ]
        )
        for claim, fact in zip(batch, facts, strict=True):
            claim.fact_id = fact.pk
        Claim.objects.using(db).bulk_update(batch, ["fact"])


# Matching's candidates on PostgreSQL: a fact's words as a stored tsvector (computed by the
# database on every write) under a GIN index. Recomputing to_tsvector from an expression index
# for each matching row, and trigram similarity over whole statements, took seconds per claim on
# 100,000 facts; the stored column reads in milliseconds.
ADD_SEARCH_VECTOR = """
ALTER TABLE claims_fact ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    to_tsvector('english'::regconfig, coalesce(statement, '') || ' ' || coalesce(subject, ''))
) STORED;
CREATE INDEX fact_search_vector_idx ON claims_fact USING gin (search_vector);
"""
DROP_SEARCH_VECTOR = """
DROP INDEX IF EXISTS fact_search_vector_idx;
ALTER TABLE claims_fact DROP COLUMN IF EXISTS search_vector;
"""


def add_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD_SEARCH_VECTOR)


def remove_search_vector(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SEARCH_VECTOR)


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0010_evidence_url_validator'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Fact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('statement', models.TextField(help_text='The fact stated so it stands alone, e.g. "Japan approved a record defense budget of $50 billion for 2020."', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='statement')),
                ('kind', models.CharField(choices=[('quantitative', 'Quantitative'), ('factual', 'Factual')], default='quantitative', max_length=20, verbose_name='kind')),
                ('subject', models.CharField(blank=True, help_text='What the fact is about, e.g. "Japan".', max_length=200, verbose_name='subject')),
                ('value', models.DecimalField(blank=True, decimal_places=6, help_text='The figure, in the unit below, e.g. 50000000000 for $50 billion.', max_digits=24, null=True, validators=[claims.models.validate_storable_value], verbose_name='value')),
                ('unit', models.CharField(blank=True, choices=[('USD', 'US dollars'), ('EUR', 'euros'), ('GBP', 'pounds sterling'), ('JPY', 'yen'), ('KRW', 'won'), ('percent', 'percent'), ('point', 'percentage points'), ('ratio', 'ratio (times)'), ('count', 'count'), ('km', 'kilometres'), ('meter', 'metres'), ('mile', 'miles'), ('mm', 'millimetres'), ('kg', 'kilograms'), ('tonne', 'tonnes'), ('barrel', 'barrels'), ('degree_c', 'degrees Celsius'), ('second', 'seconds'), ('minute', 'minutes'), ('hour', 'hours'), ('day', 'days'), ('week', 'weeks'), ('month', 'months'), ('years', 'years (duration)'), ('decade', 'decades'), ('century', 'centuries'), ('year', 'year (calendar)'), ('ordinal', 'ordinal (nth)')], max_length=20, validators=[claims.models.validate_unit], verbose_name='unit')),
                ('qualifier', models.CharField(blank=True, choices=[('exact', 'exactly'), ('about', 'about'), ('at_least', 'at least'), ('more_than', 'more than'), ('at_most', 'at most'), ('less_than', 'less than')], max_length=20, verbose_name='qualifier')),
                ('as_of', models.DateField(blank=True, help_text='The date the figure refers to.', null=True, verbose_name='as of')),
                ('as_of_precision', models.CharField(blank=True, choices=[('day', 'day'), ('month', 'month'), ('year', 'year'), ('decade', 'decade')], max_length=10, verbose_name='as-of precision')),
                ('status', models.CharField(choices=[('unreviewed', 'Unreviewed'), ('in_review', 'In review'), ('verified', 'Verified'), ('disputed', 'Disputed'), ('false', 'False'), ('unverifiable', 'Unverifiable')], db_index=True, default='unreviewed', help_text="The fact's verdict, which every confirmed appearance shows.", max_length=20, verbose_name='verdict')),
                ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='reviewed at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('updated_at', models.DateTimeField(auto_now=True, db_index=True, verbose_name='updated at')),
                ('reviewed_by', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='reviewed_facts', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
            ],
            options={
                'verbose_name': 'fact',
                'verbose_name_plural': 'facts',
                'ordering': ['id'],
            },
        ),
        migrations.AddField(
            model_name='claim',
            name='fact',
            field=models.ForeignKey(help_text='The fact this claim is an appearance of.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='claims.fact', verbose_name='fact'),
        ),
        migrations.RunPython(facts_for_claims, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name='claim',
            name='fact',
            field=models.ForeignKey(blank=True, editable=False, help_text='The fact this claim is an appearance of.', on_delete=django.db.models.deletion.PROTECT, related_name='claims', to='claims.fact', verbose_name='fact'),
        ),
        migrations.AddField(
            model_name='historicalclaim',
            name='fact',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text='The fact this claim is an appearance of.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.fact', verbose_name='fact'),
        ),
        migrations.CreateModel(
            name='FactMatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('relation', models.CharField(choices=[('same', 'Same fact'), ('conflicts', 'Conflicts')], max_length=20, verbose_name='relation')),
                ('score', models.FloatField(help_text='How likely the claim states this fact, 0 to 1.', verbose_name='score')),
                ('reasons', models.CharField(blank=True, help_text='What matching saw, for the editor.', max_length=500, verbose_name='why')),
                ('state', models.CharField(choices=[('suggested', 'Suggested'), ('confirmed', 'Confirmed'), ('rejected', 'Rejected')], default='suggested', max_length=20, verbose_name='state')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                ('claim', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='claims.claim', verbose_name='claim')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='fact_matches_decided', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                ('fact', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='matches', to='claims.fact', verbose_name='fact')),
            ],
            options={
                'verbose_name': 'fact match',
                'verbose_name_plural': 'fact matches',
                'ordering': ['claim_id', '-score', 'fact_id'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalFact',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('statement', models.TextField(help_text='The fact stated so it stands alone, e.g. "Japan approved a record defense budget of $50 billion for 2020."', max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='statement')),
                ('kind', models.CharField(choices=[('quantitative', 'Quantitative'), ('factual', 'Factual')], default='quantitative', max_length=20, verbose_name='kind')),
                ('subject', models.CharField(blank=True, help_text='What the fact is about, e.g. "Japan".', max_length=200, verbose_name='subject')),
                ('value', models.DecimalField(blank=True, decimal_places=6, help_text='The figure, in the unit below, e.g. 50000000000 for $50 billion.', max_digits=24, null=True, validators=[claims.models.validate_storable_value], verbose_name='value')),
                ('unit', models.CharField(blank=True, choices=[('USD', 'US dollars'), ('EUR', 'euros'), ('GBP', 'pounds sterling'), ('JPY', 'yen'), ('KRW', 'won'), ('percent', 'percent'), ('point', 'percentage points'), ('ratio', 'ratio (times)'), ('count', 'count'), ('km', 'kilometres'), ('meter', 'metres'), ('mile', 'miles'), ('mm', 'millimetres'), ('kg', 'kilograms'), ('tonne', 'tonnes'), ('barrel', 'barrels'), ('degree_c', 'degrees Celsius'), ('second', 'seconds'), ('minute', 'minutes'), ('hour', 'hours'), ('day', 'days'), ('week', 'weeks'), ('month', 'months'), ('years', 'years (duration)'), ('decade', 'decades'), ('century', 'centuries'), ('year', 'year (calendar)'), ('ordinal', 'ordinal (nth)')], max_length=20, validators=[claims.models.validate_unit], verbose_name='unit')),
                ('qualifier', models.CharField(blank=True, choices=[('exact', 'exactly'), ('about', 'about'), ('at_least', 'at least'), ('more_than', 'more than'), ('at_most', 'at most'), ('less_than', 'less than')], max_length=20, verbose_name='qualifier')),
                ('as_of', models.DateField(blank=True, help_text='The date the figure refers to.', null=True, verbose_name='as of')),
                ('as_of_precision', models.CharField(blank=True, choices=[('day', 'day'), ('month', 'month'), ('year', 'year'), ('decade', 'decade')], max_length=10, verbose_name='as-of precision')),
                ('status', models.CharField(choices=[('unreviewed', 'Unreviewed'), ('in_review', 'In review'), ('verified', 'Verified'), ('disputed', 'Disputed'), ('false', 'False'), ('unverifiable', 'Unverifiable')], db_index=True, default='unreviewed', help_text="The fact's verdict, which every confirmed appearance shows.", max_length=20, verbose_name='verdict')),
                ('reviewed_at', models.DateTimeField(blank=True, editable=False, null=True, verbose_name='reviewed at')),
                ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='created at')),
                ('updated_at', models.DateTimeField(blank=True, db_index=True, editable=False, verbose_name='updated at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
            ],
            options={
                'verbose_name': 'historical fact',
                'verbose_name_plural': 'historical facts',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddIndex(
            model_name='fact',
            index=models.Index(fields=['unit', 'value'], name='fact_unit_value_idx'),
        ),
        migrations.AddIndex(
            model_name='fact',
            index=models.Index(django.db.models.functions.text.Upper('subject'), name='fact_subject_upper_idx'),
        ),
        migrations.AddIndex(
            model_name='fact',
            index=models.Index(fields=['status', 'updated_at'], name='fact_status_updated_idx'),
        ),
        migrations.AddConstraint(
            model_name='fact',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'factual'), models.Q(('unit__gt', ''), ('value__isnull', False)), _connector='OR'), name='fact_quantitative_has_value_and_unit'),
        ),
        migrations.AddConstraint(
            model_name='fact',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('as_of__isnull', True), ('as_of_precision', '')), models.Q(('as_of__isnull', False), ('as_of_precision__gt', '')), _connector='OR'), name='fact_as_of_has_precision'),
        ),
        migrations.AddConstraint(
            model_name='fact',
            constraint=models.CheckConstraint(condition=models.Q(('status', 'dismissed'), _negated=True), name='fact_status_not_dismissed'),
        ),
        migrations.AddIndex(
            model_name='factmatch',
            index=models.Index(fields=['claim', 'state', 'relation'], name='match_claim_state_idx'),
        ),
        migrations.AddIndex(
            model_name='factmatch',
            index=models.Index(fields=['fact', 'state', 'relation'], name='match_fact_state_idx'),
        ),
        migrations.AddConstraint(
            model_name='factmatch',
            constraint=models.UniqueConstraint(fields=('claim', 'fact'), name='match_one_per_claim_and_fact'),
        ),
        migrations.AddConstraint(
            model_name='factmatch',
            constraint=models.CheckConstraint(condition=models.Q(('score__gte', 0), ('score__lte', 1)), name='match_score_between_0_and_1'),
        ),
        migrations.RunPython(add_search_vector, remove_search_vector),
    ]

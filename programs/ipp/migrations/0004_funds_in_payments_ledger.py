"""The IPP funds book moves into the payments ledger's state account (payments 0007): each
entry becomes a ledger entry with no organisation, program "ipp", the program year's calendar
year and its submission as the source; then the book, its trigger and function go."""

from django.db import migrations

KINDS = {
    "receipt": "state_receipt",
    "return": "state_return",
    "offset_payment": "state_offset_payment",
    "offset_capitation": "state_offset_capitation",
}

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS ipp_funds_no_update_delete ON ipp_ippfundsentry;
DROP FUNCTION IF EXISTS ipp_funds_refuse_change();
"""


def copy_into_ledger(apps, schema_editor):  # type: ignore[no-untyped-def]
    FundsEntry = apps.get_model("ipp", "IppFundsEntry")
    LedgerEntry = apps.get_model("payments", "LedgerEntry")
    LedgerEntry.objects.bulk_create(
        LedgerEntry(
            facility=None,
            program="ipp",
            program_year=entry.program_year.starts_on.year,
            kind=KINDS[entry.kind],
            amount=entry.amount,
            value_date=entry.on_date,
            memo=entry.memo,
            source_type="ipp.submission",
            source_id=str(entry.submission_id),
            posted_at=entry.posted_at,
            posted_by_id=entry.posted_by_id,
        )
        for entry in FundsEntry.objects.select_related("program_year").order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ipp", "0003_needs_survey"),
        ("payments", "0007_state_account"),
    ]

    operations = [
        migrations.RunPython(copy_into_ledger, migrations.RunPython.noop),
        migrations.RunSQL(DROP_TRIGGER, migrations.RunSQL.noop),
        migrations.DeleteModel(name="IppFundsEntry"),
    ]

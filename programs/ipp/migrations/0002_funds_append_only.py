"""The IPP funds book is append-only in the database: UPDATE and DELETE of ipp_ippfundsentry
raise (TRUNCATE is left alone: Django's test flush uses it)."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ipp_funds_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ipp_ippfundsentry is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Corrections are new entries.';
END;
$$;

CREATE TRIGGER ipp_funds_no_update_delete
    BEFORE UPDATE OR DELETE ON ipp_ippfundsentry
    FOR EACH ROW EXECUTE FUNCTION ipp_funds_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ipp_funds_no_update_delete ON ipp_ippfundsentry;
DROP FUNCTION IF EXISTS ipp_funds_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ipp", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]

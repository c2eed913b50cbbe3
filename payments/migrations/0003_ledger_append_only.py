"""The ledger is append-only in the database itself: UPDATE, DELETE and TRUNCATE of
payments_ledgerentry raise, whatever the client. Hand-written SQL, kept in its own migration.

TRUNCATE is let through only when the session sets ``wqip.allow_ledger_truncate = on``; the
test settings set it so Django's test flush (which truncates every table) keeps working.
Production never sets it.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION wqip_ledger_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND coalesce(current_setting('wqip.allow_ledger_truncate', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'payments_ledgerentry is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Corrections are new ledger entries.';
END;
$$;

CREATE TRIGGER ledger_no_update_delete
    BEFORE UPDATE OR DELETE ON payments_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION wqip_ledger_refuse_change();

CREATE TRIGGER ledger_no_truncate
    BEFORE TRUNCATE ON payments_ledgerentry
    FOR EACH STATEMENT EXECUTE FUNCTION wqip_ledger_refuse_change();
"""

REVERSE = """
DROP TRIGGER IF EXISTS ledger_no_truncate ON payments_ledgerentry;
DROP TRIGGER IF EXISTS ledger_no_update_delete ON payments_ledgerentry;
DROP FUNCTION IF EXISTS wqip_ledger_refuse_change();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]

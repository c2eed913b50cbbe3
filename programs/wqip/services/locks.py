"""PostgreSQL advisory lock keys of WQIP's writes (one place, so that services share them
without importing each other)."""

CLAIMS_LOCK_KEY = 7_340_001  # claims import exclusive, bed-day computation shared
BED_DAYS_LOCK_KEY = 7_340_002  # one computation per program year at a time

from payments.models.ledger import LedgerEntry, LedgerImmutableError
from payments.models.runs import PaymentLine, PaymentRun

__all__ = ["LedgerEntry", "LedgerImmutableError", "PaymentLine", "PaymentRun"]

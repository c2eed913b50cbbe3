from payments.models.ledger import LedgerEntry, LedgerImmutableError
from payments.models.runs import PaymentLine, PaymentRun
from payments.models.state import StateTransfer

__all__ = ["LedgerEntry", "LedgerImmutableError", "PaymentLine", "PaymentRun", "StateTransfer"]

"""Member identifiers as provider users see them (contract §6): only the last four characters.
One helper for every program (WQIP member IDs, ECM CINs)."""


def mask_member_id(member_id: str) -> str:
    return "*" * max(len(member_id) - 4, 0) + member_id[-4:]

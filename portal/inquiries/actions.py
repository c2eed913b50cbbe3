"""What other apps offer on an inquiry's page, registered at start-up (the core imports no
app above it). Disputes registers "Turn into a dispute" for claims and payment inquiries."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portal.inquiries.models import Inquiry
    from portal.models import User

# (user, inquiry) -> [(label, url)]
InquiryAction = Callable[["User", "Inquiry"], list[tuple[str, str]]]
INQUIRY_ACTIONS: list[InquiryAction] = []


def register_inquiry_action(action: InquiryAction) -> None:
    if action not in INQUIRY_ACTIONS:
        INQUIRY_ACTIONS.append(action)


def actions_for(user: User, inquiry: Inquiry) -> list[tuple[str, str]]:
    return [link for action in INQUIRY_ACTIONS for link in action(user, inquiry)]

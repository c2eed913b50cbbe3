"""ECM QIP, the plan's quality incentive program for its Enhanced Care Management providers.

It plugs into the core through this AppConfig (docs/architecture.md) and never imports
another program (import-linter contract).
"""

from __future__ import annotations

from portal.programs import ProgramConfig


class EcmConfig(ProgramConfig):
    name = "programs.ecm"
    label = "ecm"
    verbose_name = "ECM Quality Incentive Program (ECM QIP)"
    title = "ECM QIP"
    provider_kinds = ("ecm_provider",)
    nav_order = 11

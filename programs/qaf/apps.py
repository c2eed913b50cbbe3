"""The SNF Quality Assurance Fee (QAF): plugs into the core through this AppConfig
(docs/architecture.md, docs/qaf.md). It never imports another program."""

from __future__ import annotations

from portal.programs import ProgramConfig


class QafConfig(ProgramConfig):
    name = "programs.qaf"
    label = "qaf"
    verbose_name = "SNF Quality Assurance Fee (QAF)"
    title = "Quality Assurance Fee"
    provider_kinds = ("snf",)
    nav_order = 11

"""Dispute pages: filing (facility side and the shared case page), case_work (liaisons), money
(finance). Each module is one audience's pages."""

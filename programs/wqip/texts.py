"""Versioned texts a facility accepts on the opt-in form. Change the version with the text."""

ATTESTATION_VERSION = "2025.1"
ATTESTATION_TEXT = (
    "I attest that I am authorised to enrol this facility in the SNF Workforce & Quality "
    "Incentive Program with this health plan, that the information in this form and its "
    "documents is true and complete, and that I will tell the plan promptly of any change."
)

TERMS_VERSION = "2025.1"
TERMS_TEXT = (
    "The facility agrees to the WQIP program terms: payments follow DHCS per-diem exhibits and "
    "qualifying managed-care bed days; CDPH Class AA and A citations reduce or remove payment; "
    "amounts paid in error are recouped; questions about scores go to DHCS."
)

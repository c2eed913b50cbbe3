"""RTF and OTF files: their columns (docs/ecm-files.md) and the validation of every value."""

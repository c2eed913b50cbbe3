"""SNF Quality Assurance Fee (AB 1629; H&S §§1324.20-1324.30): docs/qaf.md."""

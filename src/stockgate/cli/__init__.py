"""The stockgate command line (names pinned by supplier.md section 2)."""

"""Pure business rules: no I/O, nothing but the standard library."""

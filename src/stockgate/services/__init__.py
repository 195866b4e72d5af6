"""Use cases: one function each, keyword arguments, one transaction through the Database port."""

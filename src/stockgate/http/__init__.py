"""HTTP entry points: the app factory, ghost API routes, auth, the error table."""

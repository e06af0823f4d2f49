"""The verbs of the product. Services change state, write history and flush; they
never commit: the caller (a view, a CLI command, a test) owns the transaction."""

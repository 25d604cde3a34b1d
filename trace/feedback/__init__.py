"""Consumers' reports of labels they suspect, and the position a visitor chose to share."""

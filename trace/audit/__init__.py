"""Append-only records of who changed what, written in the same transaction as the change."""

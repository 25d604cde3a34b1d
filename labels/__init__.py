"""Renders labels: QR + text -> PNG and print-ready PDF sheets; knows nothing of the database."""

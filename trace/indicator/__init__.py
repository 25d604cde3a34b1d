"""Indicator 13.4: whether a commune's key products are traced, as pages, CSV, PDF and a command."""

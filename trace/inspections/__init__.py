"""Inspections: what a market inspector found when checking a batch or one unit of it."""

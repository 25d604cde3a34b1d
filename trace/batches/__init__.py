"""Batches (lots): registering them, their events and label codes, recall, tracing, EPCIS."""

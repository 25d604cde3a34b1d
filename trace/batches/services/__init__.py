"""The rules of batches and events, as plain functions taking a session."""

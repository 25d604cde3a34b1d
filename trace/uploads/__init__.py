"""Uploaded files: images and scans, checked by content and stored under generated names."""

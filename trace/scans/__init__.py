"""Scans: each opening of a label URL, a code's scan history, and the coarse place of a scan."""

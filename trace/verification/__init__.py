"""Label verification: the one check of a code, online and offline, the verify page and command."""

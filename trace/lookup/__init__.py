"""The public page at every label URL, and the GS1 resolver's answers around it."""

"""Registry rules, one module per entity; ``common`` holds what they share."""

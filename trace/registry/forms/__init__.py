"""Flask-WTF forms of the registry pages, one module per record kind."""

"""What every domain may use: field errors, pagination, input schemas, the Vietnam clock,
spreadsheets and Excel CSV, command helpers. Nothing here imports a domain."""

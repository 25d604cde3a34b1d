"""People on the web: operators invite, change, disable and re-enable accounts; staff invite
colleagues; one-time links with which a person sets their own password."""

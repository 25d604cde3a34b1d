"""Accounts: users with one role each, sign-in, API tokens and the tenant scope of every query."""

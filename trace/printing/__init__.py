"""Printing a batch's labels: the options, the run (batch copies or serialised units), its pages."""

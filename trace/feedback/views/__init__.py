"""The feedback pages: what consumers send from the public page, and the inspectors' queue."""

"""Pre-printed rolls: serialised codes printed ahead of packing, activated onto a batch."""

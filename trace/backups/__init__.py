"""Backups and restores: ``flask --app trace backup`` and ``restore`` (DESIGN section 7).

One archive is a plain (uncompressed) tar file; its members are compressed one by one, so a
restore can check the manifest and read any part without unpacking the whole:

- ``database/trace.sqlite3.gz`` or ``database/trace.pgdump``: the native snapshot, a copy
  made by SQLite's online backup API (never a file copy) or ``pg_dump --format=custom``.
  Operators may restore it by hand (``gunzip``, ``pg_restore``) for an exact copy;
- ``data/<table>.jsonl.gz``: the portable rows of every table, read from the same
  snapshot, one JSON array per row after a header line naming the columns. ``restore``
  loads these, so an archive of either engine restores into either engine;
- ``uploads/<storage key>``: the file of every upload the snapshot's ``uploads`` rows name;
- ``manifest.json``, last: the format version, the schema revision, the snapshot's UTC time,
  the engine, the app version, the rows of each table and the SHA-256 of every other member.

Consistency. SQLite: one read transaction is opened on the live database, its time noted,
and the online backup copies the pages in one step inside it, so every commit before that
time is in the copy and none after. PostgreSQL: one REPEATABLE READ, READ ONLY transaction
exports its snapshot (``pg_export_snapshot()``), hands it to ``pg_dump --snapshot=`` and
reads the portable rows itself: both see the same instant. Without a ``pg_dump`` of the
server's major version, the archive holds the portable rows only, and says so. Uploads are
written to disk before their row commits and never changed, so the files the snapshot's
rows name are all there, whatever is uploaded meanwhile.

Never in an archive: ``TRACE_KEY_PASSPHRASE``, ``TRACE_SECRET_KEY``, or any other setting.
Private signing keys are in it as the database holds them, encrypted with the passphrase:
the restored server needs the same one.
"""

"""Upload tests store files in a temporary folder of their own, and check what is left."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from PIL import ImageFile
from sqlalchemy import func, select

from trace.uploads.models import Upload


@pytest.fixture(autouse=True)
def upload_dir(app: Flask, tmp_path: Path) -> Path:
    directory = tmp_path / "uploads"
    app.config["TRACE_UPLOAD_DIR"] = str(directory)
    return directory


@pytest.fixture
def nothing_stored(session, upload_dir):
    """Checks after the test that no row and no file were left behind."""
    yield
    assert session.scalar(select(func.count(Upload.id))) == 0
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


@pytest.fixture
def never_decoded(monkeypatch):
    """Fails the test if Pillow decodes any pixel data."""

    def refuse_to_decode(image):
        raise AssertionError(f"decoded a {image.size} image")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse_to_decode)

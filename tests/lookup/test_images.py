"""Product photos on the public page: at most 800 px wide, JPEG, cached by browsers and CDNs."""

from __future__ import annotations

import io

from PIL import Image

from tests.factories import make_upload


def photo(width, height):
    output = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(output, "PNG")
    return output.getvalue()


def test_a_large_photo_is_served_800_px_wide_and_cached(client, session, tenants, label):
    upload = make_upload(session, tenants.cooperative_a, data=photo(1600, 1200))
    tenants.product_a.image_upload_id = upload.id
    session.commit()
    markup = client.get(label.path).get_data(as_text=True)
    url = f"/p/{tenants.product_a.id}/image.jpg"
    assert f'src="{url}"' in markup
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    with Image.open(io.BytesIO(response.get_data())) as image:
        assert image.size == (800, 600)
    response.close()
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    again.close()


def test_a_small_photo_keeps_its_size(client, session, tenants, label):
    upload = make_upload(session, tenants.cooperative_a, data=photo(320, 240))
    tenants.product_a.image_upload_id = upload.id
    session.commit()
    response = client.get(f"/p/{tenants.product_a.id}/image.jpg")
    with Image.open(io.BytesIO(response.get_data())) as image:
        assert image.size == (320, 240)
    response.close()


def test_no_photo_or_no_product_is_a_404(client, tenants):
    assert client.get(f"/p/{tenants.product_a.id}/image.jpg").status_code == 404
    assert client.get("/p/999999/image.jpg").status_code == 404

"""The certificate PDF, read back as a person and a phone would read it."""
from __future__ import annotations

import io
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from ocop_rating.certificates.pdf import (
    QR_CAPTION,
    QR_CAPTION_EN,
    TITLE_EN,
    certificate_filename,
    render_certificate,
    render_certificates,
    zip_certificates,
)
from ocop_rating.pdf.stars import STAR_FILL

from . import samples
from .helpers import (
    count_blobs,
    decode_qr,
    norm,
    pdf_fonts,
    pdf_info,
    pdf_text,
    pdf_words,
    render_png,
)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_certificate(samples.certificate())


def assert_only_be_vietnam_pro(pdf: bytes) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts
    for f in fonts:
        assert "BeVietnamPro" in f["name"], f"foreign font {f['name']}"
        assert f["emb"] == "yes", f"{f['name']} not embedded"


def test_names_appear_exactly(pdf):
    text = norm(pdf_text(pdf))
    for name in samples.NAMES[:3]:
        assert unicodedata.normalize("NFC", name) in text, name


def test_expected_content(pdf):
    text = norm(pdf_text(pdf))
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH", "Số: 125/GCN-UBND",
        "GIẤY CHỨNG NHẬN SẢN PHẨM OCOP", "đạt hạng 4 sao",
        "Căn cứ Quyết định số 1234/QĐ-UBND ngày 05/03/2026",
        "Quyết định 26/2026/QĐ-TTg", "Mã sản phẩm: 22-07123-0015-2026",
        "Bộ sản phẩm số 14: Chè và các sản phẩm từ chè", samples.ADDRESS,
        "Có giá trị từ 07/03/2026 đến 06/03/2029",
        "Quảng Ninh, ngày 07 tháng 3 năm 2026", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
        QR_CAPTION,
    ):
        assert expected in text, expected
    # bilingual where a certificate is: the English line right under the Vietnamese title
    assert TITLE_EN == "OCOP PRODUCT CERTIFICATE" and QR_CAPTION_EN == "Scan to verify"
    assert f"GIẤY CHỨNG NHẬN SẢN PHẨM OCOP {TITLE_EN} đạt hạng 4 sao" in text
    assert f"{QR_CAPTION} {QR_CAPTION_EN}" in text
    assert "ĐÃ THU HỒI" not in text  # no overlay unless asked


def test_same_data_same_bytes(pdf):
    assert render_certificate(samples.certificate()) == pdf


def test_fonts_only_embedded_be_vietnam_pro(pdf):
    assert_only_be_vietnam_pro(pdf)


def test_metadata_and_page(pdf):
    info = pdf_info(pdf)
    assert info["Title"] == "Giấy chứng nhận sản phẩm OCOP số 125/GCN-UBND"
    assert info["Author"] == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH"
    assert samples.PRODUCT in info["Subject"]
    assert "qd26-2026" in info["Keywords"]
    assert info["Pages"] == "1"
    width, height = (float(x) for x in info["Page size"].split()[0:3:2])
    assert width > height  # landscape
    assert (round(width), round(height)) == (842, 595)


def test_qr_code_decodes_to_the_verification_url(pdf, tmp_path):
    assert decode_qr(render_png(pdf, 200, tmp_path)) == samples.VERIFY_URL


@pytest.mark.parametrize("star", [3, 4, 5])
def test_drawn_stars_equal_the_star(star, tmp_path):
    pdf = render_certificate(samples.certificate(star=star))
    # count the gold star shapes on the rendered page (the border's gold is another tone)
    assert count_blobs(render_png(pdf, 72, tmp_path), STAR_FILL.bitmap_rgb()) == star
    assert f"đạt hạng {star} sao" in norm(pdf_text(pdf))


@pytest.mark.parametrize("star", [0, 1, 2, 6])
def test_only_recognised_stars_get_a_certificate(star):
    with pytest.raises(ValueError):
        samples.certificate(star=star)


def test_expiry_after_issue():
    with pytest.raises(ValueError):
        samples.certificate(expires_on=date(2026, 3, 7))


def _line_box(words, phrase):
    """(yMin, yMax) of the first line whose consecutive words spell ``phrase``."""
    tokens = phrase.split()
    texts = [w[5] for w in words]
    for i in range(len(texts) - len(tokens) + 1):
        if texts[i:i + len(tokens)] == tokens:
            chunk = words[i:i + len(tokens)]
            return min(w[2] for w in chunk), max(w[4] for w in chunk)
    raise AssertionError(f"{phrase!r} not found")


@pytest.mark.parametrize("overlay", [None, "ĐÃ THU HỒI"])
def test_long_names_wrap_inside_the_page_without_overlap(overlay, tmp_path):
    long_producer = samples.PRODUCER + " và Phát triển Sản phẩm Đặc sản Vùng cao Tây Nguyên"
    long_address = ("Số 123 đường Nguyễn Tất Thành, Thôn 5, xã Ea Kao, tỉnh Đắk Lắk; chi nhánh "
                    "tại thôn Khe Hương, xã Ba Chẽ, tỉnh Quảng Ninh")
    data = samples.certificate(product_name=samples.LONG_PRODUCT, producer_name=long_producer,
                               producer_address=long_address, status_note=overlay)
    pdf = render_certificate(data)
    text = norm(pdf_text(pdf))
    for whole in (samples.LONG_PRODUCT, long_producer, long_address,
                  "Có giá trị từ 07/03/2026 đến 06/03/2029", samples.REPRESENTATIVE):
        assert whole in text, whole
    assert ("ĐÃ THU HỒI" in text) == bool(overlay)
    assert pdf_info(pdf)["Pages"] == "1"

    words = [w for w in pdf_words(pdf) if w[5] not in ("ĐÃ", "THU", "HỒI")]
    for _, x0, y0, x1, y1, word in words:  # inside the inner border (22 pt from the edge)
        assert 22 < x0 and x1 < 842 - 22 and 22 < y0 and y1 < 595 - 22, word
    # the body ends above the signature block and the QR caption
    validity_bottom = _line_box(words, "Có giá trị từ")[1]
    assert validity_bottom < _line_box(words, "Quảng Ninh, ngày")[0]
    assert validity_bottom < _line_box(words, QR_CAPTION.split()[0])[0]
    # and starts below the stars' line
    assert _line_box(words, "đạt hạng")[1] < _line_box(words, "Căn cứ Quyết định")[0]
    # the QR code still scans with the overlay on top
    assert decode_qr(render_png(pdf, 200, tmp_path)) == samples.VERIFY_URL


def test_many_certificates_in_one_pdf():
    items = [samples.certificate(certificate_number=f"{n}/GCN-UBND", star=3 + n % 3,
                                 verify_url=f"{samples.VERIFY_URL}{n}") for n in range(1, 6)]
    pdf = render_certificates(items)
    assert pdf == render_certificates(items)
    info = pdf_info(pdf)
    assert info["Pages"] == "5"
    assert info["Title"] == "Giấy chứng nhận sản phẩm OCOP (5 giấy)"
    for n in range(1, 6):
        page = norm(pdf_text(pdf).split("\f")[n - 1])
        assert f"Số: {n}/GCN-UBND" in page
        assert f"đạt hạng {3 + n % 3} sao" in page
    assert_only_be_vietnam_pro(pdf)
    with pytest.raises(ValueError):
        render_certificates([])


@pytest.mark.parametrize("number, name", [
    ("125/GCN-UBND", "125_GCN-UBND.pdf"),
    ("15/QĐ-UBND", "15_QD-UBND.pdf"),
    ("Số 7: Trà/Chè ..", "So_7_Tra_Che.pdf"),
    ("../../etc/passwd", "etc_passwd.pdf"),
])
def test_certificate_filenames_are_portable(number, name):
    assert certificate_filename(number) == name


def test_zip_has_one_valid_pdf_per_certificate_and_is_stable():
    items = [samples.certificate(certificate_number="125/GCN-UBND"),
             samples.certificate(certificate_number="126/GCN-UBND", star=5,
                                 verify_url=samples.VERIFY_URL + "b"),
             samples.certificate(certificate_number="125\\GCN-UBND", star=3,
                                 verify_url=samples.VERIFY_URL + "c")]
    data = zip_certificates(items)
    assert data == zip_certificates(items)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        names = zf.namelist()
        assert names == ["125_GCN-UBND.pdf", "126_GCN-UBND.pdf", "125_GCN-UBND-2.pdf"]
        for info, item in zip(zf.infolist(), items):
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            pdf = zf.read(info)
            assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
            assert pdf == render_certificate(item)
            assert pdf_info(pdf)["Pages"] == "1"
            assert f"Số: {item.certificate_number}" in norm(pdf_text(pdf))


def test_rendering_in_threads_gives_the_same_bytes():
    items = [samples.certificate(certificate_number=f"{n}/GCN-UBND",
                                 verify_url=f"{samples.VERIFY_URL}{n}") for n in range(12)]
    expected = [render_certificate(item) for item in items]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(render_certificate, items)) == expected

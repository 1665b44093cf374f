"""Certificate PDF throughput: one certificate, then a batch of 1,000 as one PDF and as a ZIP.

Run: .venv/bin/python benchmarks/bench_certificate_pdf.py   (prints figures, asserts nothing)
"""
from __future__ import annotations

import time
from datetime import date

from ocop_rating.certificates.pdf import (
    CertificateData,
    render_certificate,
    render_certificates,
    zip_certificates,
)
from ocop_rating.pdf import register_fonts

BATCH = 1000
SINGLE_RUNS = 50


def certificate(n: int) -> CertificateData:
    return CertificateData(
        certificate_number=f"{n}/GCN-UBND",
        issued_on=date(2026, 3, 7),
        expires_on=date(2029, 3, 6),
        decision_number="1234/QĐ-UBND",
        decision_date=date(2026, 3, 5),
        authority_name="ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
        place_name="Quảng Ninh",
        product_name=f"Trà hoa vàng Ba Chẽ thượng hạng loại {n}",
        product_code=f"22-07123-{n:04d}-2026",
        product_set_name="Bộ sản phẩm số 14: Chè và các sản phẩm từ chè",
        producer_name="Hợp tác xã Nông nghiệp Dịch vụ Tổng hợp Đắk Lắk Xanh",
        producer_address="Thôn Khe Hương, xã Ba Chẽ, tỉnh Quảng Ninh",
        star=3 + n % 3,
        rulebook_code="qd26-2026",
        rulebook_label="Quyết định 26/2026/QĐ-TTg",
        signer_name="Nguyễn Thị Thuỳ Dương",
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        verify_url=f"https://ocop.example.gov.vn/xac-thuc/{n:08d}-8f3KxQ2mZpL7vN4tR9wYbC",
    )


def timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def main() -> None:
    _, seconds = timed(register_fonts)
    print(f"font registration (first call): {seconds * 1000:.1f} ms")
    render_certificate(certificate(0))  # warm-up: font parsing, style caches

    items = [certificate(n) for n in range(1, SINGLE_RUNS + 1)]
    start = time.perf_counter()
    sizes = [len(render_certificate(item)) for item in items]
    per = (time.perf_counter() - start) / SINGLE_RUNS
    print(f"render_certificate: {per * 1000:.1f} ms per certificate "
          f"(mean of {SINGLE_RUNS}; {sum(sizes) / len(sizes) / 1024:.0f} KiB each)")

    batch = [certificate(n) for n in range(1, BATCH + 1)]
    pdf, seconds = timed(render_certificates, batch)
    print(f"render_certificates x{BATCH}: {seconds:.2f} s, {BATCH / seconds:.0f} certificates/s, "
          f"{len(pdf) / 1024 / 1024:.1f} MiB")

    data, seconds = timed(zip_certificates, batch)
    print(f"zip_certificates x{BATCH}: {seconds:.2f} s, {BATCH / seconds:.0f} certificates/s, "
          f"{len(data) / 1024 / 1024:.1f} MiB")


if __name__ == "__main__":
    main()

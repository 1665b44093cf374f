"""Sample data for the PDF tests: long, tone-heavy Vietnamese names on purpose."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal as D

from ocop_rating.certificates.pdf import CertificateData
from ocop_rating.dossiers.pdf import (
    LOCAL_ITEM_LABELS,
    RESULT_FORWARD,
    ChecklistLine,
    Form01Data,
    Form02Data,
    Form03Data,
    LocalAssessment,
    ProducerInfo,
    Representative,
    ScorePart,
    ScoreRow,
    ScoreSection,
)

PRODUCER = "Hợp tác xã Nông nghiệp Dịch vụ Tổng hợp Đắk Lắk Xanh"
PRODUCT = "Trà hoa vàng Ba Chẽ thượng hạng"
REPRESENTATIVE = "Nguyễn Thị Thuỳ Dương"
ETHNICITY = "Ê Đê"
ADDRESS = "Thôn Khe Hương, xã Ba Chẽ, tỉnh Quảng Ninh"
VERIFY_URL = "https://ocop.example.gov.vn/xac-thuc/8f3KxQ2mZpL7vN4tR9wYbCq1"
# 200 characters, spaces included, many tones
LONG_PRODUCT = ("Trà hoa vàng Ba Chẽ thượng hạng sấy lạnh nguyên bông đóng hộp quà tặng "
                "Tết truyền thống của đồng bào Dao Thanh Phán vùng cao Đông Bắc Tổ quốc, "
                "được chế biến thủ công theo bí quyết gia truyền lâu đời ở")
assert len(LONG_PRODUCT) == 200, len(LONG_PRODUCT)

NAMES = (PRODUCER, PRODUCT, REPRESENTATIVE, ETHNICITY)


def certificate(**changes) -> CertificateData:
    data = CertificateData(
        certificate_number="125/GCN-UBND",
        issued_on=date(2026, 3, 7),
        expires_on=date(2029, 3, 6),
        decision_number="1234/QĐ-UBND",
        decision_date=date(2026, 3, 5),
        authority_name="ỦY BAN NHÂN DÂN TỈNH QUẢNG NINH",
        place_name="Quảng Ninh",
        product_name=PRODUCT,
        product_code="22-07123-0015-2026",
        product_set_name="Bộ sản phẩm số 14: Chè và các sản phẩm từ chè",
        producer_name=PRODUCER,
        producer_address=ADDRESS,
        star=4,
        rulebook_code="qd26-2026",
        rulebook_label="Quyết định 26/2026/QĐ-TTg",
        signer_name=REPRESENTATIVE,
        signer_title="KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        verify_url=VERIFY_URL,
    )
    return replace(data, **changes)


def producer() -> ProducerInfo:
    return ProducerInfo(
        name=PRODUCER, kind_label="Hợp tác xã", registration_number="5701234567",
        address=ADDRESS, phone="0203 3888 999", email="htx.daklakxanh@example.vn",
        representative=Representative(name=REPRESENTATIVE, gender_label="Nữ",
                                      ethnicity=ETHNICITY, position="Giám đốc",
                                      disability_label="Không"),
    )


def form01(**changes) -> Form01Data:
    data = Form01Data(
        commune_name="xã Ba Chẽ", province_name="tỉnh Quảng Ninh", producer=producer(),
        product_name=PRODUCT, product_set_number=14,
        product_set_name="Chè và các sản phẩm từ chè", group_label="II. Đồ uống",
        subgroup_label="II.3. Chè và sản phẩm từ chè",
        evaluation_kind_label="Đánh giá lại (phân hạng lại)",
        registered_on=date(2026, 2, 3), place_name="Ba Chẽ", signer_name=REPRESENTATIVE,
        signer_title="ĐẠI DIỆN CHỦ THỂ\nGIÁM ĐỐC", current_star=3,
        current_certificate_number="88/GCN-UBND",
        production_address="Thôn Nam Kim, xã Ba Chẽ, tỉnh Quảng Ninh",
        main_markets="Quảng Ninh, Hà Nội, Thành phố Hồ Chí Minh; xuất khẩu Nhật Bản",
        attachments=("Phiếu tự đánh giá, phân hạng sản phẩm (Mẫu số 02)",
                     "Giấy chứng nhận đăng ký hợp tác xã (bản sao)",
                     "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm (bản sao)"),
    )
    return replace(data, **changes)


def _row(code, label, chosen, points, max_points, *evidence):
    return ScoreRow(code=code, label=label, chosen_label=chosen,
                    points=None if points is None else D(points), max_points=D(max_points),
                    evidence=tuple(evidence))


def sheet_parts() -> tuple[ScorePart, ...]:
    a = ScorePart(code="A", label="Sản phẩm và sức mạnh của cộng đồng", max_points=D(40),
                  sections=(
        ScoreSection(code="1", label="TỔ CHỨC SẢN XUẤT", max_points=D(18), rows=(
            _row("1.1", "Nguồn gốc ý tưởng sản phẩm",
                 "Sản phẩm được nâng cấp, cải tiến từ sản phẩm truyền thống", "2.5", 3,
                 "y-tuong-san-pham-tra-hoa-vang.pdf", "anh-vuon-tra-Ba-Che.jpg"),
            _row("1.2", "Sử dụng nguyên liệu địa phương",
                 "Trên 75% nguyên liệu từ địa phương (cấp tỉnh)", 3, 3,
                 "hop-dong-bao-tieu-nguyen-lieu-2025.pdf"),
            _row("1.3", "Liên kết sản xuất", None, None, 4),
            ScoreRow(code="1.4", label="Bảo vệ môi trường trong quá trình sản xuất",
                     is_heading=True, max_points=D(4)),
            _row("1.4.1", "Đánh giá tác động môi trường / cam kết bảo vệ môi trường",
                 "Có kế hoạch bảo vệ môi trường được phê duyệt", 2, 2,
                 "ke-hoach-bao-ve-moi-truong.pdf"),
            _row("1.4.2", "Sử dụng năng lượng tái tạo", "Không", 0, 2),
        )),
        ScoreSection(code="3", label="SỨC MẠNH CỘNG ĐỒNG", max_points=D(22), rows=(
            _row("3.2", "Sử dụng lao động nữ, người dân tộc thiểu số, người khuyết tật",
                 "Người đại diện theo pháp luật là nữ, người dân tộc thiểu số", 4, 5,
                 "danh-sach-lao-dong.xlsx"),
        )),
    ))
    b = ScorePart(code="B", label="Khả năng tiếp thị", max_points=D(25), sections=(
        ScoreSection(code="4", label="TIẾP THỊ", max_points=D(25), rows=(
            _row("4.1", "Mẫu mã bao bì", "Bao bì đẹp, đồng bộ, có thông tin truy xuất", 3, 4,
                 "nhan-mac-bao-bi.pdf"),
        )),
    ))
    c = ScorePart(code="C", label="Chất lượng sản phẩm", max_points=D(35), sections=(
        ScoreSection(code="6", label="CHẤT LƯỢNG SẢN PHẨM", max_points=D(35), rows=(
            _row("6.1", "Tính đặc biệt (cảm quan)", "Có nét đặc trưng, khác biệt", "7.5", 10,
                 "phieu-danh-gia-cam-quan.pdf"),
        )),
    ))
    return (a, b, c)


def form02(**changes) -> Form02Data:
    data = Form02Data(
        producer=producer(), product_name=PRODUCT, product_code="22-07123-0015-2026",
        product_set_number=14, product_set_name="Chè và các sản phẩm từ chè",
        rulebook_label="Quyết định 26/2026/QĐ-TTg", parts=sheet_parts(), projected_star=3,
        blocking_minimums=("1.3 Liên kết sản xuất: chưa chọn (tối thiểu cho 4 sao)",
                           "6.1 Tính đặc biệt: cần từ mức “Nổi bật” (tối thiểu cho 4 sao)"),
        assessed_on=date(2026, 2, 3), place_name="Ba Chẽ", signer_name=REPRESENTATIVE,
        extra_facts=(("Số thành viên", "27"), ("Số lao động thường xuyên", "45")),
    )
    return replace(data, **changes)


def form03(**changes) -> Form03Data:
    data = Form03Data(
        commune_name="xã Ba Chẽ", province_name="tỉnh Quảng Ninh", producer=producer(),
        product_name=PRODUCT, product_set_number=14,
        product_set_name="Chè và các sản phẩm từ chè", received_on=date(2026, 2, 4),
        checklist=(
            ChecklistLine(label="Phiếu đăng ký sản phẩm (Mẫu số 01)", present=True),
            ChecklistLine(label="Phiếu tự đánh giá, phân hạng sản phẩm (Mẫu số 02)",
                          present=True, note="Có minh chứng cho 7/8 tiêu chí"),
            ChecklistLine(label="Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
                          present=False, note="Bổ sung trước ngày 20/02/2026"),
        ),
        local_items=tuple(LocalAssessment(label=label, assessment=text) for label, text in zip(
            LOCAL_ITEM_LABELS,
            ("Nguyên liệu trà hoa vàng trồng tại các thôn Khe Hương, Nam Kim của xã.",
             "Sử dụng 45 lao động địa phương, trong đó 30 lao động nữ người Dao, Ê Đê.",
             "Ý tưởng từ tri thức bản địa của đồng bào Dao Thanh Phán.",
             "Sản phẩm gắn với vùng trà hoa vàng đặc hữu Ba Chẽ."))),
        conclusion="Hồ sơ cơ bản đáp ứng yêu cầu; đề nghị chủ thể bổ sung giấy chứng nhận "
                   "cơ sở đủ điều kiện an toàn thực phẩm.",
        result_label=RESULT_FORWARD, officer_name="Hoàng Văn Đức",
        officer_title="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH",
        assessed_on=date(2026, 2, 12), place_name="Ba Chẽ", document_number="15/PĐG-UBND",
    )
    return replace(data, **changes)

"""The pages a producer and a council member work on — the self-assessment and the scoring
sheet — speak English through the rulebook's English layer in every heading (part, section,
product set, group and subgroup), the Vietnamese legal text beside it; in Vietnamese they show
the legal text alone, as before."""
import re
from datetime import date

from ocop_rating.accounts.roles import Role
from ocop_rating.councils import services as councils
from ocop_rating.councils.models import RoundState
from ocop_rating.evaluation import services as scoring
from tests.conftest import form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    accepted_dossier,
    complete_dossier,
    make_council,
    make_dossier,
    make_producer,
    make_product,
)

HEADING = re.compile(r"<h([23])[^>]*>(.*?)</h\1>", re.S)
PART_A_VI = "SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 Điểm)"
PART_A_EN = "PRODUCT AND COMMUNITY STRENGTH (40 points)"


def browser_of(app, user, lang: str):
    browser = app.test_client()
    assert form_post(browser, "/login", {"username": user.username,
                                         "password": DEFAULT_PASSWORD}).status_code == 302
    assert form_post(browser, "/language", {"lang": lang, "next": "/"},
                     form_page="/").status_code == 302
    return browser


def sheet_headings(html: str) -> list[str]:
    """The part (Phần X.) and section (X.n.) headings of a scoring sheet page."""
    return [text for _level, text in HEADING.findall(html)
            if re.match(r"\s*(Phần|Part) [A-C]\.|\s*[A-C]?\d+\. ", re.sub(r"<[^>]+>", "", text))]


def without_legal_vietnamese(html: str) -> str:
    return re.sub(r'<span class="legal-vi" lang="vi">.*?</span>', "", html, flags=re.S)


def assert_english_headings(html: str) -> None:
    headings = sheet_headings(html)
    assert len(headings) >= 10, headings  # 3 parts and their sections
    for heading in headings:
        assert '<span lang="en">' in heading and 'lang="vi">' in heading, heading
        shown = re.sub(r"<[^>]+>", "", without_legal_vietnamese(heading))
        assert not re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", shown,
                             re.I), heading
    assert f"Part A. <span lang=\"en\">{PART_A_EN}</span>" in html


def assert_vietnamese_headings(html: str) -> None:
    headings = sheet_headings(html)
    assert len(headings) >= 10, headings
    assert f"Phần A. {PART_A_VI}" in html
    assert 'class="legal-vi"' not in html and PART_A_EN not in html


def test_the_self_assessment_speaks_english_and_keeps_the_vietnamese_page(app, db):
    producer, owner = make_producer()
    dossier = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    db.session.commit()
    url = f"/dossiers/{dossier.id}/self-assessment"
    english = browser_of(app, owner, "en").get(url).get_data(as_text=True)
    assert_english_headings(english)
    vietnamese = browser_of(app, owner, "vi").get(url).get_data(as_text=True)
    assert_vietnamese_headings(vietnamese)


def test_the_scoring_sheet_speaks_english_and_keeps_the_vietnamese_page(app, db):
    council, office, members = make_council(members=3)
    dossier = accepted_dossier()
    round_ = councils.create_round(council, name="Đợt 1", proposals_by=date(2026, 4, 30),
                                   finish_by=date(2026, 6, 30),
                                   is_extra=True, actor=office)
    councils.move_round(round_, RoundState.open, actor=office)
    evaluation = councils.add_to_round(round_, dossier, actor=office)
    councils.move_round(round_, RoundState.scoring, actor=office)
    member = members[0].user
    scoring.open_sheet(evaluation, actor=member)
    db.session.commit()
    url = f"/councils/evaluations/{evaluation.id}/score"
    english = browser_of(app, member, "en").get(url).get_data(as_text=True)
    assert_english_headings(english)
    # the product set's name and the knock-outs through the layer too
    assert ('<span lang="en">Fresh vegetables, tubers, fruits and nuts</span>' in english)
    assert '<span lang="en">Forged dossier</span>' in english
    vietnamese = browser_of(app, member, "vi").get(url).get_data(as_text=True)
    assert_vietnamese_headings(vietnamese)
    assert "Rau, củ, quả, hạt tươi" in vietnamese and "Giả mạo hồ sơ" in vietnamese


def test_the_sheet_page_names_its_group_and_subgroup_in_english(client):
    assert client.get("/language/en?next=/rulebooks/qd26-2026/sets/1").status_code == 302
    english = client.get("/rulebooks/qd26-2026/sets/1").get_data(as_text=True)
    [line] = re.findall(r'<p class="text-muted" id="sheet-group">(.*?)</p>', english, re.S)
    assert ('I. <span lang="en">Food</span> <span class="legal-vi" lang="vi">Thực phẩm</span>'
            ' — <span lang="en">Fresh food</span>') in line
    assert '<span lang="en">Forged dossier</span>' in english  # the knock-out list
    assert client.get("/language/vi?next=/").status_code == 302
    vietnamese = client.get("/rulebooks/qd26-2026/sets/1").get_data(as_text=True)
    [line] = re.findall(r'<p class="text-muted" id="sheet-group">(.*?)</p>', vietnamese, re.S)
    assert "I. Thực phẩm — Thực phẩm tươi sống" in line and "Food" not in line


def test_office_and_public_pages_name_product_sets_and_groups_in_english(app, db, client):
    """Statistics, oversight, re-evaluation, the certificate and its public verification
    page: set and group names through the English layer (the Vietnamese kept as authority
    where a certificate states it); the same pages in Vietnamese unchanged."""
    from tests.factories import issued_certificate

    certificate, office = issued_certificate(star=4)
    db.session.commit()
    english = browser_of(app, office, "en")
    fresh = "Fresh vegetables, tubers, fruits and nuts"
    statistics = english.get("/statistics/").get_data(as_text=True)
    assert "I. Food" in statistics and f"1. {fresh}" in statistics
    assert "Thực phẩm" not in statistics and "Rau, củ, quả, hạt tươi" not in statistics
    oversight = english.get("/oversight/").get_data(as_text=True)
    assert f"1. {fresh}" in oversight and "1. 1." not in oversight
    page = english.get(f"/certificates/{certificate.id}").get_data(as_text=True)
    assert (f'<span lang="en">1. {fresh}</span> <span class="legal-vi" lang="vi">'
            '1. Rau, củ, quả, hạt tươi</span>') in page
    assert client.get("/language/en?next=/").status_code == 302
    verify = client.get(f"/verify/{certificate.token}").get_data(as_text=True)
    assert f'<span lang="en">1. {fresh}</span>' in verify

    vietnamese = browser_of(app, office, "vi")
    statistics = vietnamese.get("/statistics/").get_data(as_text=True)
    assert "I. Thực phẩm" in statistics and "Food" not in statistics
    assert "1. Rau, củ, quả, hạt tươi" in vietnamese.get(
        f"/certificates/{certificate.id}").get_data(as_text=True)

"""Each addressee reads a notification in their own language (``User.locale``, Vietnamese by
default), whatever the language of the person whose action caused it: in the list in the
application and in the e-mail received by a real SMTP server."""
import re

import pytest
from flask_babel import force_locale

from ocop_rating.accounts.roles import Role
from ocop_rating.dossiers import services as dossiers
from ocop_rating.dossiers.checklist import LOCAL_ITEMS, checklist_for
from ocop_rating.notifications.models import Notification
from tests.conftest import committed, form_post
from tests.factories import (
    DEFAULT_PASSWORD,
    complete_dossier,
    concluded_evaluation,
    make_dossier,
    make_producer,
    make_product,
    make_user,
)


def forwarded_dossier(owner_locale: str | None):
    """A dossier with the province, of a producer whose account reads ``owner_locale``."""
    producer, owner = make_producer()
    owner.locale = owner_locale
    dossier = complete_dossier(make_dossier(make_product(producer, owner), owner), owner)
    dossiers.submit(dossier, actor=owner)
    commune = make_user(Role.commune)
    dossiers.save_commune_check(
        dossier, actor=commune, checklist={i.code: True for i in checklist_for(1)},
        assessments={f: "Đạt" for f, _label in LOCAL_ITEMS}, proposal="Đề nghị đánh giá")
    dossiers.forward_to_province(dossier, actor=commune)
    return dossier, owner


def mail_to(smtp_server, address: str, subject_part: str):
    """The one e-mail to ``address`` whose subject holds ``subject_part`` (the server has it
    once the commit that caused it returned: e-mails are sent right after the commit)."""
    found = [m for m in smtp_server.messages
             if m["To"] == address and subject_part in m["Subject"]]
    assert len(found) == 1, [(m["To"], m["Subject"]) for m in smtp_server.messages]
    return found[0]


def log_in(app, user, lang: str | None = None):
    """A browser of its own for ``user``; ``lang`` switched with the navigation bar's form."""
    browser = app.test_client()
    response = form_post(browser, "/login", {"username": user.username,
                                             "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    if lang:
        assert form_post(browser, "/language", {"lang": lang, "next": "/"},
                         form_page="/").status_code == 302
    return browser


@pytest.mark.parametrize("officer_lang, owner_lang, expected, foreign", [
    ("vi", "en", ("Dossier returned: Thiếu ảnh nhãn sản phẩm", "Province requested supplement"),
     ("Hồ sơ bị trả lại", "Kính gửi")),
    ("en", None, ("Hồ sơ bị trả lại: Thiếu ảnh nhãn sản phẩm", "Tỉnh yêu cầu bổ sung"),
     ("Dossier returned", "Dear ")),
])
def test_a_returned_dossier_reaches_the_producer_in_the_producers_language(
        app, db, smtp_server, officer_lang, owner_lang, expected, foreign):
    dossier, owner = forwarded_dossier(owner_lang)
    officer = make_user(Role.province)
    officer.locale = officer_lang
    db.session.commit()
    browser = log_in(app, officer, officer_lang)
    page = browser.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert f'<html lang="{officer_lang}">' in page  # the officer works in their language
    response = form_post(browser, f"/dossiers/{dossier.id}/return",
                         {"reason": "Thiếu ảnh nhãn sản phẩm"},
                         form_page=f"/dossiers/{dossier.id}")
    assert response.status_code == 302
    committed(db)

    subject, status = expected
    row = db.session.scalars(db.select(Notification).filter_by(  # the newest: the return
        user_id=owner.id, kind="dossier_status").order_by(Notification.id.desc())).first()
    assert row.subject == subject and status in row.body
    assert not any(word in row.subject + row.body for word in foreign)

    message = mail_to(smtp_server, owner.email, subject)
    text = message.get_body(("plain",)).get_content()
    assert status in text and not any(word in text for word in foreign)

    inbox = log_in(app, owner, owner_lang).get("/notifications/").get_data(as_text=True)
    assert subject in inbox and not any(word in inbox for word in foreign[:1])


def test_the_score_is_written_the_way_the_addressee_writes_numbers(db):
    """The council's result: "85,50 điểm" for a Vietnamese reader, "85.50 points" for an
    English one — each rendered for its reader, whatever language the chair works in."""
    english_owner = make_producer()
    english_owner[1].locale = "en"
    with force_locale("vi"):
        concluded_evaluation(star=4, owner=english_owner)
    vietnamese_owner = make_producer()
    with force_locale("en"):
        concluded_evaluation(star=4, owner=vietnamese_owner)

    def result_line(user):
        return db.session.scalar(db.select(Notification.subject).where(
            Notification.user_id == user.id, Notification.kind == "dossier_status",
            Notification.subject.contains("sao") | Notification.subject.contains("star")))

    assert re.fullmatch(r"Evaluation result: \d+\.\d\d points, 4 star\(s\)",
                        result_line(english_owner[1]))
    assert re.fullmatch(r"Kết quả đánh giá: \d+,\d\d điểm, 4 sao",
                        result_line(vietnamese_owner[1]))

"""Oversight stays within the office's territory (issues 12 and 16 §3): with concluded
evaluations and a central review in two provinces, province B's office finds none of
province A's councils, members, products or reviews on any oversight page, whatever filter
it asks for, and gets 404 on A's member and review pages; a commune officer has no oversight
page at all."""
from __future__ import annotations

import pytest

from ocop_rating.accounts.roles import Role
from ocop_rating.oversight import services
from tests.factories import (
    DI_LINH,
    LAM_DONG,
    QUANG_NINH,
    VAN_DON,
    concluded_evaluation,
    make_council,
    make_user,
)
from tests.surveillance.helpers import logged_in


def _province(tag: str, province_code: str, commune_code: str, ministry):
    council, _office, _people = make_council(province_code=province_code, members=3)
    council.name = f"Hội đồng {tag}"
    for i, member in enumerate(council.active_members):
        member.user.full_name = f"Thành viên {tag} {i}"
    evaluation, office = concluded_evaluation(star=4, council=council,
                                              commune_code=commune_code)
    evaluation.dossier.product.name = f"Sản phẩm {tag}"
    services.sync()  # the oversight index follows the seals (as the pages do before reading)
    review = services.select_for_review(evaluation, reason=f"Điểm lệch lớn {tag}",
                                        actor=ministry)
    return {"tag": tag, "council": council, "evaluation": evaluation, "office": office,
            "member": council.active_members[0], "review": review}


@pytest.fixture()
def two_provinces(db):
    ministry = make_user(Role.ministry)
    a = _province("Ánh Dương", QUANG_NINH, VAN_DON, ministry)
    b = _province("Bình Minh", LAM_DONG, DI_LINH, ministry)
    db.session.commit()
    return a, b, ministry


def _pages(items) -> list[str]:
    return [f"/oversight/members/{items['member'].id}",
            f"/oversight/reviews/{items['review'].id}"]


def _lists(other_province: str) -> list[str]:
    """Every list, plain and with the filters a curious office would try."""
    return ["/oversight/", f"/oversight/?province={other_province}",
            "/oversight/?from=2000&to=2100", "/oversight/?set=1", "/oversight/reviews",
            f"/oversight/reviews?province={other_province}"]


def _text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


def test_province_b_sees_none_of_province_as_oversight(app, db, two_provinces):
    a, b, ministry = two_provinces
    office_b = logged_in(app, db, b["office"])
    for url in _lists(QUANG_NINH):
        page = _text(office_b, url)
        assert a["tag"] not in page, url
        assert f'data-review="{a["review"].id}"' not in page, url
    # B's own figures are there (the lists are not simply empty).
    index = _text(office_b, "/oversight/")
    assert f"Hội đồng {b['tag']}" in index and f"Thành viên {b['tag']}" in index
    assert f'data-review="{b["review"].id}"' in _text(office_b, "/oversight/reviews")
    for url in _pages(a):
        assert office_b.get(url).status_code == 404, url
        # a filter naming A's province changes nothing
        assert office_b.get(f"{url}?province={QUANG_NINH}").status_code == 404, url
    for url in _pages(b):
        page = _text(office_b, url)
        assert b["tag"] in page and a["tag"] not in page, url
    # B cannot conclude a review (its own or A's): only the ministry does.
    from tests.conftest import form_post

    for items in (a, b):
        url = f"/oversight/reviews/{items['review'].id}"
        answer = form_post(office_b, url, {"outcome": "confirmed", "findings": "B"},
                           form_page="/oversight/reviews")
        assert answer.status_code in (403, 404), url
    # The ministry, which oversees both, sees both.
    national = logged_in(app, db, ministry)
    page = _text(national, "/oversight/reviews")
    assert a["tag"] in page and b["tag"] in page


def test_a_commune_officer_has_no_oversight_page(app, db, two_provinces):
    a, _b, _ministry = two_provinces
    client = logged_in(app, db, make_user(Role.commune, commune_code=VAN_DON))
    for url in _lists(QUANG_NINH) + _pages(a):
        assert client.get(url).status_code == 403, url

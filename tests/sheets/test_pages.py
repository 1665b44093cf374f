from markupsafe import escape

from ocop_rating.rulebook import get_rulebook


def test_rulebook_index_lists_all_26_sets(client):
    text = client.get("/rulebooks/").get_data(as_text=True)
    assert "Quyết định 26/2026/QĐ-TTg" in text
    for n in range(1, 27):
        assert f"/rulebooks/qd26-2026/sets/{n}\"" in text


def test_sheet_page_shows_every_item_option_and_star_marker(client):
    sheet = get_rulebook("qd26-2026").sheet(1)
    text = client.get("/rulebooks/qd26-2026/sets/1").get_data(as_text=True)
    assert sheet.name in text
    for item in sheet.items:
        assert f'id="item-{item.code}"' in text
        for option in item.options:
            assert str(escape(option.label)) in text
    assert text.count("★★★★★</span>") == sum(
        1 for i in sheet.items for o in i.options if o.min_for_star == 5)


def test_tourism_sheet_shows_both_cases(client):
    text = client.get("/rulebooks/qd26-2026/sets/26").get_data(as_text=True)
    assert text.count("Trường hợp") >= 6


def test_unknown_sheet_is_404(client):
    assert client.get("/rulebooks/qd26-2026/sets/27").status_code == 404
    assert client.get("/rulebooks/nope/sets/1").status_code == 404


def test_flask_cli_rulebook_check_passes(cli):
    result = cli("ocop", "rulebook", "check")
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_flask_cli_rulebook_score(cli, tmp_path):
    import json

    sheet = get_rulebook("qd26-2026").sheet(1)
    choices = {item.code: len(item.options) - 1 for item in sheet.items}
    path = tmp_path / "choices.json"
    path.write_text(json.dumps(choices))
    result = cli("ocop", "rulebook", "score", "--set", "1", "--choices", str(path))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["total"] == 100 and data["star"] == 5
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"99.1": 0}))
    result = cli("ocop", "rulebook", "score", "--set", "1", "--choices", str(bad))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_english_sheet_shows_english_beside_the_vietnamese_legal_text(client):
    # an anonymous visitor switches language by the link in the layout (no form on public pages)
    assert client.get("/language/en?next=/rulebooks/qd26-2026/sets/1").status_code == 302
    text = client.get("/rulebooks/qd26-2026/sets/1").get_data(as_text=True)
    assert "Fresh vegetables, tubers, fruits and nuts" in text
    assert ('<span lang="en">PRODUCT AND COMMUNITY STRENGTH (40 points)</span> '
            '<span class="legal-vi" lang="vi">SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 Điểm)</span>'
            ) in text
    assert '<span lang="en">Origin of the product</span>' in text
    index = client.get("/rulebooks/").get_data(as_text=True)
    assert "Coffee and cocoa products" in index and "Sản phẩm cà phê, ca cao" not in index


def test_english_sheets_show_english_options_and_notes_of_every_set(client):
    """Option labels of sets 4-26 and criterion notes come from the English layer too."""
    # an anonymous visitor switches language by the link in the layout (no form on public pages)
    assert client.get("/language/en?next=/rulebooks/qd26-2026/sets/1").status_code == 302
    one = client.get("/rulebooks/qd26-2026/sets/1").get_data(as_text=True)
    assert ('<span lang="en">Requirement: 100% of the product grown within the province</span> '
            '<span class="legal-vi" lang="vi">Yêu cầu: 100% sản phẩm được trồng trên địa bàn cấp tỉnh'
            '</span>') in one
    assert '<span lang="en">Refining</span> <span class="legal-vi" lang="vi">Tinh chế</span>' in \
        client.get("/rulebooks/qd26-2026/sets/16").get_data(as_text=True)
    tourism = client.get("/rulebooks/qd26-2026/sets/26").get_data(as_text=True)
    assert ('<span lang="en">Convenient, easy to reach</span> '
            '<span class="legal-vi" lang="vi">Thuận lợi, dễ tiếp cận</span>') in tourism
    assert '<span lang="vi">' not in tourism  # no legal text of the sheet left without English


def test_vietnamese_sheet_shows_the_legal_text_alone(client):
    text = client.get("/rulebooks/qd26-2026/sets/1").get_data(as_text=True)
    assert "SẢN PHẨM VÀ SỨC MẠNH CỦA CỘNG ĐỒNG (40 Điểm)" in text
    assert "PRODUCT AND COMMUNITY STRENGTH" not in text and 'class="legal-vi"' not in text

import pytest

from ocop_rating.text import fold, vn_sort_key


def test_fold_is_accent_and_case_insensitive():
    assert fold("Cà phê ĐẮK LẮK") == "ca phe dak lak"
    assert fold("  Mật   ong  ") == "mat ong"
    assert fold(None) == ""


def test_vietnamese_alphabetical_order():
    names = ["Đắk Lắk", "Dương", "Ấp Bắc", "An Giang", "Ân Thi", "Ăn Mày", "Ơn", "Ông", "Ô Môn",
             "Zê", "Ưu", "Út"]
    assert sorted(names, key=vn_sort_key) == [
        "An Giang", "Ăn Mày", "Ân Thi", "Ấp Bắc", "Dương", "Đắk Lắk", "Ô Môn", "Ông", "Ơn",
        "Út", "Ưu", "Zê"]


@pytest.mark.parametrize("lower,higher", [("ma", "mà"), ("mà", "mả"), ("mả", "mã"),
                                          ("mã", "má"), ("má", "mạ")])
def test_tones_break_ties_in_dictionary_order(lower, higher):
    assert vn_sort_key(lower) < vn_sort_key(higher)


def test_unicode_composed_and_decomposed_forms_sort_alike():
    import unicodedata

    word = "Nguyễn"
    assert vn_sort_key(unicodedata.normalize("NFC", word)) == vn_sort_key(
        unicodedata.normalize("NFD", word))

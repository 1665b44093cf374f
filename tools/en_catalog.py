"""Maintain the English catalogue: ``python tools/en_catalog.py`` extracts every Vietnamese
message from the code and templates, merges it into translations/en/messages.po, adds the
English texts from EN below for new messages, and lists any message still untranslated.

Vietnamese is the source language (msgids are Vietnamese); English is the second language.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "ocop_rating/translations/en/LC_MESSAGES/messages.po"


def extract() -> Catalog:
    pot = ROOT / "build" / "messages.pot"
    pot.parent.mkdir(exist_ok=True)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "--ignore-dirs",
                    ".* __pycache__ build", "--no-location", "--sort-output", "-o", str(pot),
                    "."], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    with pot.open("rb") as f:
        return read_po(f)


def main() -> int:
    template = extract()
    if PO.exists():
        with PO.open("rb") as f:
            catalog = read_po(f, locale="en")
    else:
        catalog = Catalog(locale="en", project="ocop-rating")
    catalog.update(template, no_fuzzy_matching=True)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if not message.string and message.id in EN:
            message.string = EN[message.id]
        if not message.string:
            missing.append(message.id)
    catalog.obsolete.clear()
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True, sort_output=True,
                 width=100)
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    print(f"{len(catalog)} messages, {len(missing)} untranslated")
    return 1 if missing else 0


# English for new messages; once written to the .po the .po is the reference.
EN: dict[str, str] = {
    # files and notifications
    'hoặc': 'or',
    'Chưa chọn tệp nào.': 'No file was chosen.',
    'Tệp “%(name)s” vượt quá dung lượng cho phép (tối đa %(limit)s).': 'The file “%(name)s” is larger than allowed (at most %(limit)s).',
    'Tệp “%(name)s” không có nội dung.': 'The file “%(name)s” is empty.',
    'Tệp “%(name)s” không phải %(kinds)s.': 'The file “%(name)s” is not a %(kinds)s file.',
    'Không tìm thấy nội dung của tệp “%(name)s” trên máy chủ. Vui lòng báo văn phòng OCOP.': 'The content of the file “%(name)s” is missing on the server. Please tell the OCOP office.',
    'Vui lòng chọn một tệp.': 'Please choose a file.',
    'Bạn không thể thao tác trên thông báo của người khác.': "You cannot change someone else's notifications.",
    'Kính gửi %(name)s,': 'Dear %(name)s,',
    'Xem chi tiết: %(url)s': 'Details: %(url)s',
    'Xem chi tiết': 'View details',
    'Đăng nhập hệ thống OCOP để xem chi tiết.': 'Log in to the OCOP system to see the details.',
    'Thư này được gửi tự động từ Hệ thống đánh giá, phân hạng OCOP. Vui lòng không trả lời thư này.': 'This message was sent automatically by the OCOP rating system. Please do not reply to it.',
    'Thông báo': 'Notifications',
    'Thông báo chưa đọc: %(n)d': 'Unread notifications: %(n)d',
    'Đã đánh dấu %(n)d thông báo là đã đọc.': 'Marked %(n)d notification(s) as read.',
    'Đánh dấu tất cả là đã đọc': 'Mark all as read',
    'Đánh dấu đã đọc': 'Mark as read',
    'Mới': 'New',
    'Xem': 'View',
    'Bạn chưa có thông báo nào.': 'You have no notifications yet.',
    'Trang': 'Pages',
    'Trước': 'Previous',
    'Sau': 'Next',
   'Biểu mẫu đã hết hạn hoặc thiếu mã bảo vệ (CSRF). Vui lòng tải lại trang và gửi lại.': 'The form '
                                                                                        'has '
                                                                                        'expired '
                                                                                        'or is '
                                                                                        'missing '
                                                                                        'its '
                                                                                        'protection '
                                                                                        'code '
                                                                                        '(CSRF). '
                                                                                        'Please '
                                                                                        'reload '
                                                                                        'the page '
                                                                                        'and '
                                                                                        'submit '
                                                                                        'again.',
 'Bạn không có quyền quản lý tài khoản này.': 'You may not manage this account.',
 'Bạn không có quyền xem hoặc thực hiện thao tác này.': 'You are not allowed to view this or to do '
                                                        'this.',
 'Bạn không thể tạo tài khoản với vai trò hoặc địa bàn này.': 'You cannot create an account with '
                                                              'this role or in this area.',
 'Bạn không thể tự khóa tài khoản của mình.': 'You cannot deactivate your own account.',
 'Bạn đã thử quá nhiều lần. Vui lòng đợi một lát rồi thử lại.': 'Too many attempts. Please wait a '
                                                                'moment and try again.',
 'Bạn đã đăng xuất.': 'You have logged out.',
 'Bỏ qua đến nội dung chính': 'Skip to main content',
 'Chương trình Mỗi xã một sản phẩm (OCOP) — Hệ thống đánh giá, phân hạng sản phẩm': 'One Commune '
                                                                                    'One Product '
                                                                                    '(OCOP) '
                                                                                    'programme — '
                                                                                    'product '
                                                                                    'evaluation '
                                                                                    'and rating '
                                                                                    'system',
 'Chỉ dùng chữ không dấu, chữ số và các ký tự . _ -': 'Use only unaccented letters, digits and . _ '
                                                      '-',
 'Chủ thể OCOP': 'OCOP producer',
 'Cán bộ cấp xã': 'Commune officer',
 'Cán bộ cấp xã phải gắn với một xã/phường.': 'A commune officer must belong to a commune.',
 'E-mail': 'E-mail',
 'Ghi nhớ đăng nhập trên máy này': 'Keep me logged in on this device',
 'Hai mật khẩu không khớp nhau.': 'The two passwords do not match.',
 'Hoạt động': 'Active',
 'Hệ thống đánh giá, phân hạng OCOP': 'OCOP evaluation and rating system',
 'Hệ thống đánh giá, phân hạng sản phẩm OCOP': 'OCOP product evaluation and rating system',
 'Họ và tên': 'Full name',
 'Khóa': 'Deactivate',
 'Khóa tài khoản này?': 'Deactivate this account?',
 'Không có người dùng nào.': 'No users.',
 'Không có quyền truy cập': 'Access denied',
 'Không thể chuyển từ trạng thái “%(a)s” sang “%(b)s”.': 'Cannot move from “%(a)s” to “%(b)s”.',
 'Không tìm thấy trang': 'Page not found',
 'Lọc': 'Filter',
 'Lỗi hệ thống': 'System error',
 'Mật khẩu': 'Password',
 'Mật khẩu hiện tại': 'Current password',
 'Mật khẩu hiện tại không đúng.': 'The current password is wrong.',
 'Mật khẩu không được trùng với tên đăng nhập.': 'The password must not be the username.',
 'Mật khẩu mới': 'New password',
 'Mật khẩu mới phải khác mật khẩu hiện tại.': 'The new password must differ from the current one.',
 'Mật khẩu này chỉ hiển thị một lần. Người dùng phải đổi mật khẩu ngay khi đăng nhập.': 'This '
                                                                                        'password '
                                                                                        'is shown '
                                                                                        'only '
                                                                                        'once. The '
                                                                                        'user must '
                                                                                        'change it '
                                                                                        'at the '
                                                                                        'next '
                                                                                        'login.',
 'Mật khẩu phải có ít nhất %(n)d ký tự.': 'The password must have at least %(n)d characters.',
 'Mật khẩu tạm thời': 'Temporary password',
 'Mật khẩu tạm thời của %(name)s (%(user)s) là:': 'The temporary password of %(name)s (%(user)s) '
                                                  'is:',
 'Mở khóa': 'Reactivate',
 'Mở menu': 'Open menu',
 'Người dùng': 'Users',
 'Nhập lại mật khẩu mới': 'Repeat the new password',
 'Phương thức không được hỗ trợ': 'Method not allowed',
 'Quá nhiều yêu cầu': 'Too many requests',
 'Quản trị hệ thống': 'System administrator',
 'Thao tác này không được hỗ trợ tại địa chỉ này.': 'This action is not supported at this address.',
 'Thao tác xung đột với trạng thái hiện tại của dữ liệu.': 'This action conflicts with the current '
                                                           'state of the record.',
 'Thành viên hội đồng': 'Council member',
 'Trang chính': 'Home',
 'Trang hoặc bản ghi bạn tìm không tồn tại.': 'The page or record you are looking for does not '
                                              'exist.',
 'Trạng thái': 'Status',
 'Tài khoản này đã bị khóa. Vui lòng liên hệ văn phòng OCOP.': 'This account is deactivated. '
                                                               'Please contact the OCOP office.',
 'Tên đăng nhập': 'Username',
 'Tên đăng nhập hoặc mật khẩu không đúng.': 'Wrong username or password.',
 'Tên đăng nhập “%(u)s” đã được dùng.': 'The username “%(u)s” is already taken.',
 'Tìm theo tên': 'Search by name',
 'Tạo mật khẩu tạm thời mới cho tài khoản này?': 'Create a new temporary password for this '
                                                 'account?',
 'Tạo tài khoản': 'Create account',
 'Tất cả': 'All',
 'Tệp quá lớn': 'File too large',
 'Tệp tải lên vượt quá dung lượng cho phép.': 'The uploaded file is larger than allowed.',
 'Tỉnh/thành phố': 'Province',
 'Tỉnh/thành phố không tồn tại.': 'No such province.',
 'Tối thiểu %(min)d ký tự.': 'At least %(min)d characters.',
 'Tối đa %(max)d ký tự.': 'At most %(max)d characters.',
 'Vai trò': 'Role',
 'Vui lòng chọn một giá trị.': 'Please choose a value.',
 'Vui lòng nhập thông tin này.': 'Please fill in this field.',
 'Vui lòng sửa các lỗi sau:': 'Please correct the following:',
 'Vui lòng đăng nhập để tiếp tục. Nếu bạn vừa đăng nhập, phiên làm việc có thể đã hết hạn.': 'Please '
                                                                                             'log '
                                                                                             'in '
                                                                                             'to '
                                                                                             'continue. '
                                                                                             'If '
                                                                                             'you '
                                                                                             'were '
                                                                                             'logged '
                                                                                             'in, '
                                                                                             'your '
                                                                                             'session '
                                                                                             'may '
                                                                                             'have '
                                                                                             'expired.',
 'Vui lòng đổi mật khẩu tạm thời trước khi tiếp tục.': 'Please change your temporary password '
                                                       'before continuing.',
 'Văn phòng OCOP Bộ': 'Ministry OCOP office',
 'Văn phòng OCOP tỉnh': 'Provincial OCOP office',
 'Văn phòng OCOP tỉnh phải gắn với một tỉnh.': 'A provincial OCOP office must belong to a '
                                               'province.',
 'Về danh sách người dùng': 'Back to the users',
 'Về trang chính': 'Back to home',
 'Xin chào %(name)s!': 'Hello %(name)s!',
 'Xin chào, %(name)s': 'Hello, %(name)s',
 'Xung đột dữ liệu': 'Conflict',
 'Xã/phường': 'Commune',
 'Xã/phường không thuộc tỉnh đã chọn.': 'The commune is not in the chosen province.',
 'Xã/phường không tồn tại.': 'No such commune.',
 'Yêu cầu không hợp lệ': 'Bad request',
 'Yêu cầu không hợp lệ. Vui lòng kiểm tra lại và thử lại.': 'The request is not valid. Please '
                                                            'check and try again.',
 'Đã có lỗi xảy ra phía máy chủ. Dữ liệu của bạn không bị thay đổi; vui lòng thử lại sau.': 'Something '
                                                                                            'went '
                                                                                            'wrong '
                                                                                            'on '
                                                                                            'the '
                                                                                            'server. '
                                                                                            'Your '
                                                                                            'data '
                                                                                            'was '
                                                                                            'not '
                                                                                            'changed; '
                                                                                            'please '
                                                                                            'try '
                                                                                            'again '
                                                                                            'later.',
 'Đã khóa': 'Deactivated',
 'Đã khóa tài khoản %(u)s.': 'Account %(u)s deactivated.',
 'Đã mở khóa tài khoản %(u)s.': 'Account %(u)s reactivated.',
 'Đã tạo tài khoản %(u)s. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu.': 'Account %(u)s '
                                                                              'created. The user '
                                                                              'must change the '
                                                                              'password at the '
                                                                              'first login.',
 'Đã đổi mật khẩu.': 'Password changed.',
 'Đóng': 'Close',
 'Đăng nhập': 'Log in',
 'Đăng nhập gần nhất': 'Last login',
 'Đăng xuất': 'Log out',
 'Đặt lại mật khẩu': 'Reset password',
 'Địa bàn': 'Area',
 'Địa chỉ e-mail không hợp lệ.': 'Not a valid e-mail address.',
 'Đổi mật khẩu': 'Change password',
 'Độ dài phải từ %(min)d đến %(max)d ký tự.': 'Must be %(min)d to %(max)d characters long.',
 '— Chọn tỉnh —': '— Choose a province —',
 '— Chọn xã/phường —': '— Choose a commune —'}

if __name__ == "__main__":
    sys.exit(main())

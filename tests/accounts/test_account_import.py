"""Importing accounts from Excel/CSV (services.accounts_import_check, then accounts_import): all or nothing."""

from __future__ import annotations

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied

from dti.accounts import services
from dti.accounts.models import User
from dti.audit.models import AuditEntry
from dti.core.errors import ServiceError
from dti.core.roles import Role
from tests.accounts.conftest import accounts_state

MSG_ADMINS = "Chỉ quản trị hệ thống mới được tạo, sửa hoặc khóa tài khoản quản trị hệ thống."


def problems(exc: pytest.ExceptionInfo[services.AccountImportInvalid]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def check(path, by) -> services.ImportPreview:
    return services.accounts_import_check(path_or_file=path, by=by)


def test_a_valid_file_is_previewed_and_nothing_written(world, xlsx):
    organiser = world["users"]["organiser"]
    path = xlsx(
        [
            ["Nguyễn Văn An", "Cán bộ nhập liệu", "UBND huyện Một", "An.NV@MotNhat.gov.vn", ""],
            ["Trần Thị Bình", "leader", "ubnd  huyện một", "", "motnhat.lanhdao"],
            ["Đỗ Đức Cường", "Người xem", None, None, None],
        ]
    )
    before = accounts_state()
    preview = check(path, organiser)
    assert accounts_state() == before
    assert preview.file == "tai-khoan.xlsx"
    got = [
        (p.row, p.values.username, p.values.role, p.values.unit, p.values.email, p.generated) for p in preview.accounts
    ]
    assert got == [
        (2, "annv", "reporter", world["unit"], "an.nv@motnhat.gov.vn", True),
        (3, "motnhat.lanhdao", "leader", world["unit"], "", False),
        (4, "cuongdd", "viewer", None, "", True),
    ]
    assert [p.role_label for p in preview.accounts] == [
        "Cán bộ nhập liệu của đơn vị",
        "Lãnh đạo đơn vị (duyệt và gửi)",
        "Người xem",
    ]


def test_confirming_creates_every_account_with_a_password_and_audit(world, xlsx):
    organiser = world["users"]["organiser"]
    path = xlsx(
        [
            ["Nguyễn Văn An", "nhập liệu", "UBND huyện Một", "", ""],
            ["Trần Thị Bình", "lãnh đạo", "UBND huyện Hai", "", ""],
        ]
    )
    issued = services.accounts_import(token=check(path, organiser).token, invite=False, by=organiser)
    assert [(i.user.username, i.user.unit, i.invited) for i in issued] == [
        ("annv", world["unit"], False),
        ("binhtt", world["other_unit"], False),
    ]
    for item in issued:
        user = User.objects.get(username=item.user.username)
        assert user.check_password(item.password) and user.must_change_password
    entries = AuditEntry.objects.filter(action="account.create").order_by("pk")
    assert [e.new["username"] for e in entries] == ["annv", "binhtt"]
    assert {e.comment for e in entries} == {"Nhập từ tệp tai-khoan.xlsx"}
    assert {e.actor for e in entries} == {organiser}


def test_invitations_go_to_rows_with_an_e_mail(world, xlsx, mailoutbox, django_capture_on_commit_callbacks):
    organiser = world["users"]["organiser"]
    path = xlsx(
        [
            ["Nguyễn Văn An", "nhập liệu", "UBND huyện Một", "an@motnhat.gov.vn", ""],
            ["Trần Thị Bình", "xem", "", "", ""],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True):
        issued = services.accounts_import(token=check(path, organiser).token, invite=True, by=organiser)
    assert [(i.user.username, i.invited, bool(i.password)) for i in issued] == [
        ("annv", True, False),
        ("binhtt", False, True),
    ]
    assert [m.to for m in mailoutbox] == [["an@motnhat.gov.vn"]]
    assert not User.objects.get(username="annv").has_usable_password()


def test_generated_usernames_avoid_stored_ones_and_each_other(world, csv_file):
    User.objects.create_user("annv")
    path = csv_file("Họ và tên,Vai trò,Đơn vị\nNguyễn Văn An,xem,\nNgô Văn An,xem,\nAn,xem,\n")
    preview = check(path, world["users"]["admin"])
    assert [p.values.username for p in preview.accounts] == ["annv2", "annv3", "an"]


def test_a_csv_file_with_semicolons(world, csv_file):
    path = csv_file("Họ và tên;Vai trò;Đơn vị;E-mail\nNguyễn Văn An;reporter;UBND huyện Một;an@motnhat.gov.vn\n")
    assert [p.values.email for p in check(path, world["users"]["organiser"]).accounts] == ["an@motnhat.gov.vn"]


# -- files that are refused: every problem, nothing written --------------------------------------


def test_wrong_columns(world, xlsx):
    path = xlsx([["Nguyễn Văn An", "xem"]], header=["Tên", "Quyền hạn"])
    with pytest.raises(services.AccountImportInvalid) as refused:
        check(path, world["users"]["organiser"])
    found = problems(refused)
    assert len(found) == 3
    assert found[0].startswith("dòng tiêu đề: Không có cột “Họ và tên” (các cột trong tệp: “Tên”, “Quyền hạn”).")
    assert "Không có cột “Vai trò”" in found[1] and "Không có cột “Đơn vị”" in found[2]
    assert "Hãy dùng tệp mẫu: Họ và tên, Vai trò, Đơn vị, E-mail, Tên đăng nhập." in found[0]
    assert refused.value.message == "Tệp có 3 lỗi; chưa có tài khoản nào được tạo. Hãy sửa tệp rồi nhập lại."


def test_every_problem_by_row_and_column(world, xlsx):
    User.objects.filter(username="leader").update(email="leader@motnhat.gov.vn")
    world["other_unit"].is_active = False
    world["other_unit"].save()
    path = xlsx(
        [
            ["Nguyễn Văn An", "thư ký", "UBND huyện Một", "", ""],  # 2: unknown role
            ["Trần Thị Bình", "nhập liệu", "UBND huyện Không Có", "", ""],  # 3: unknown unit
            ["Lê Văn Cường", "nhập liệu", "", "", ""],  # 4: a reporter needs a unit
            ["Phạm Thị Dung", "xem", "", "", "reporter"],  # 5: username taken
            ["Hoàng Văn Em", "xem", "", "", "hoang.em"],  # 6
            ["Hoàng Văn Em", "xem", "", "", "HOANG.EM"],  # 7: username twice in the file
            ["Vũ Thị Giang", "xem", "", "LEADER@motnhat.gov.vn", ""],  # 8: e-mail taken
            ["Đặng Văn Hải", "xem", "", "hai@motnhat.gov.vn", ""],  # 9
            ["Bùi Thị Hoa", "xem", "", "hai@motnhat.gov.vn", ""],  # 10: e-mail twice in the file
            ["Mai Văn Khoa", "xem", "", "khong-phai-email", ""],  # 11: not an address
            ["", "xem", "", "", "khong.ten"],  # 12: no name
            ["Trịnh Văn Long", "xem", "", "", "trịnh.long"],  # 13: accents in a username
            ["Lý Thị Mai", "lãnh đạo", "UBND huyện Hai", "", ""],  # 14: a unit that stopped
        ]
    )
    before = accounts_state()
    with pytest.raises(services.AccountImportInvalid) as refused:
        check(path, world["users"]["organiser"])
    assert accounts_state() == before
    found = problems(refused)
    expected = [
        "dòng 2, cột B (Vai trò): Không có vai trò “thư ký”. Các vai trò (mã hoặc tên): reporter (Cán bộ nhập liệu);",
        "dòng 3, cột C (Đơn vị): Không có đơn vị “UBND huyện Không Có” trong danh sách đơn vị (trang Đơn vị).",
        "dòng 4, cột C (Đơn vị): Cần chọn đơn vị: cán bộ nhập liệu và lãnh đạo đơn vị phải thuộc một đơn vị.",
        "dòng 5, cột E (Tên đăng nhập): Tên đăng nhập “reporter” đã có người dùng.",
        "dòng 7, cột E (Tên đăng nhập): Tên đăng nhập “hoang.em” trùng với dòng 6.",
        "dòng 8, cột D (E-mail): E-mail “leader@motnhat.gov.vn” đã dùng cho tài khoản “leader”.",
        "dòng 10, cột D (E-mail): E-mail “hai@motnhat.gov.vn” trùng với dòng 9.",
        "dòng 11, cột D (E-mail): Địa chỉ e-mail “khong-phai-email” không hợp lệ.",
        "dòng 12, cột A (Họ và tên): Thiếu họ và tên.",
        "dòng 13, cột E (Tên đăng nhập): Tên đăng nhập “trịnh.long” không hợp lệ",
        "dòng 14, cột C (Đơn vị): Đơn vị “UBND huyện Hai” đã ngừng hoạt động.",
    ]
    assert len(found) == len(expected), found
    for got, start in zip(found, expected, strict=True):
        assert got.startswith("trang 'Tài khoản', " + start.rstrip(";")), (got, start)


def test_an_organiser_may_not_import_an_administrator(world, xlsx):
    path = xlsx([["Quản Trị Hai", "Quản trị hệ thống", "", "", ""]])
    with pytest.raises(services.AccountImportInvalid) as refused:
        check(path, world["users"]["organiser"])
    assert problems(refused) == [f"trang 'Tài khoản', dòng 2, cột B (Vai trò): {MSG_ADMINS}"]
    assert [p.values.role for p in check(path, world["users"]["admin"]).accounts] == [Role.ADMIN]


def test_too_many_rows(world, csv_file, monkeypatch):
    monkeypatch.setattr(services, "MAX_IMPORT_ROWS", 3)
    path = csv_file("Họ và tên,Vai trò,Đơn vị\n" + "".join(f"Người {n},xem,\n" for n in range(4)))
    with pytest.raises(services.AccountImportInvalid) as refused:
        check(path, world["users"]["organiser"])
    assert problems(refused) == ["Tệp có 4 dòng tài khoản, mỗi lần nhập tối đa 3; hãy chia thành nhiều tệp."]


def test_the_default_limit_is_a_thousand_rows():
    assert services.MAX_IMPORT_ROWS == 1000


def test_no_rows(world, csv_file):
    with pytest.raises(services.AccountImportInvalid) as refused:
        check(csv_file("Họ và tên,Vai trò,Đơn vị\n"), world["users"]["organiser"])
    assert problems(refused) == ["Tệp chỉ có dòng tiêu đề, không có dòng dữ liệu nào."]


def test_not_a_table(world, tmp_path):
    path = tmp_path / "tai-khoan.xlsx"
    path.write_bytes(b"\x00\x01\x02 not a workbook")
    with path.open("rb") as upload, pytest.raises(services.AccountImportInvalid) as refused:
        check(upload, world["users"]["organiser"])
    assert "có đuôi .xlsx nhưng nội dung không phải tệp Excel" in problems(refused)[0]


@pytest.mark.parametrize("persona", ["reporter", "leader", "appraiser", "chair", "viewer"])
def test_other_roles_are_refused(world, xlsx, persona):
    path = xlsx([["Nguyễn Văn An", "xem", "", "", ""]])
    with pytest.raises(PermissionDenied):
        check(path, world["users"][persona])
    token = check(path, world["users"]["organiser"]).token
    with pytest.raises(PermissionDenied):
        services.accounts_import(token=token, invite=False, by=world["users"][persona])
    assert not User.objects.filter(username="annv").exists()


# -- the confirmation checks again --------------------------------------------------------------


def test_a_username_taken_since_the_preview_refuses_everything(world, xlsx):
    organiser = world["users"]["organiser"]
    token = check(xlsx([["Nguyễn Văn An", "xem", "", "", ""], ["Trần Thị Bình", "xem", "", "", ""]]), organiser).token
    User.objects.create_user("binhtt")
    before = accounts_state()
    with pytest.raises(services.AccountImportInvalid) as refused:
        services.accounts_import(token=token, invite=False, by=organiser)
    assert problems(refused) == ["dòng 3 (Tên đăng nhập): Tên đăng nhập “binhtt” đã có người dùng."]
    assert accounts_state() == before


def test_a_token_is_only_for_the_person_who_checked_the_file(world, xlsx):
    token = check(xlsx([["Nguyễn Văn An", "xem", "", "", ""]]), world["users"]["organiser"]).token
    with pytest.raises(ServiceError, match="Bản xem trước đã hết hạn hoặc không hợp lệ"):
        services.accounts_import(token=token, invite=False, by=world["users"]["admin"])
    assert not User.objects.filter(username="annv").exists()


def test_a_tampered_or_expired_token_is_refused(world, xlsx, monkeypatch):
    organiser = world["users"]["organiser"]
    token = check(xlsx([["Nguyễn Văn An", "xem", "", "", ""]]), organiser).token
    with pytest.raises(ServiceError, match="Bản xem trước đã hết hạn hoặc không hợp lệ"):
        services.accounts_import(token=token[:-2] + "xx", invite=False, by=organiser)
    monkeypatch.setattr(services, "PREVIEW_SECONDS", -1)
    with pytest.raises(ServiceError, match="Bản xem trước đã hết hạn"):
        services.accounts_import(token=token, invite=False, by=organiser)
    assert not User.objects.filter(username="annv").exists()


def test_the_token_holds_no_password(world, xlsx):
    token = check(xlsx([["Nguyễn Văn An", "xem", "", "", ""]]), world["users"]["organiser"]).token
    payload = signing.loads(token, salt="dti.accounts.import")
    assert payload["rows"] == [[2, "annv", "Nguyễn Văn An", "", "viewer", None]]

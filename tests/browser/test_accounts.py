"""Accounts in a real browser, on the demo data: the organiser imports accounts from Excel, prints the
initial passwords, and a new person signs in with theirs and must change it first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

ORGANISER = "tochuc"
NEW_PASSWORD = "Mat-khau-cua-An-2024"


@pytest.fixture(autouse=True)
def _generated_passwords_checkable(_test_settings: None, settings: Any) -> None:
    """The tests' fast hasher, plus the one generated passwords are hashed with (as in settings)."""
    settings.PASSWORD_HASHERS = [*settings.PASSWORD_HASHERS, "dti.accounts.hashers.GeneratedPasswordHasher"]


def account_file(folder: Path, rows: list[list[str]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Tài khoản"
    sheet.append(["Họ và tên", "Vai trò", "Đơn vị", "E-mail", "Tên đăng nhập"])
    for row in rows:
        sheet.append(row)
    path = folder / "tai-khoan-bac-ninh.xlsx"
    workbook.save(path)
    return path


def test_bulk_import_then_first_sign_in(demo, open_page, login, shot, tmp_path, mailoutbox):
    from dti.accounts.models import User

    page = open_page()
    login(page, ORGANISER)
    page.get_by_role("navigation").get_by_role("link", name="Tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tài khoản người dùng")
    page.get_by_role("link", name="Nhập từ Excel…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nhập tài khoản từ Excel")

    # A file with mistakes: every problem by row and column, nothing created.
    bad = account_file(tmp_path, [["Nguyễn Văn An", "Thư ký", "UBND huyện Gia Bình", "", ""]])
    page.locator("#file").set_input_files(bad)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.locator(".msg.error")).to_contain_text("Tệp có 1 lỗi; chưa có tài khoản nào được tạo.")
    expect(page.locator(".problems-table")).to_contain_text("dòng 2, cột B (Vai trò)")
    expect(page.locator(".problems-table")).to_contain_text("Không có vai trò “Thư ký”")
    shot(page, "tai-khoan-01-loi")
    assert not User.objects.filter(full_name="Nguyễn Văn An").exists()

    # The corrected file: a preview, then the accounts.
    good = account_file(
        tmp_path,
        [
            ["Nguyễn Văn An", "Cán bộ nhập liệu", "UBND huyện Gia Bình", "", ""],
            [
                "Trần Thị Bình",
                "Lãnh đạo đơn vị",
                "UBND huyện Lương Tài",
                "binhtt@luongtai.bacninh.gov.vn",
                "luongtai.lanhdao2",
            ],
        ],
    )
    page.locator("#file").set_input_files(good)
    page.get_by_role("button", name="Kiểm tra tệp").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Xem trước danh sách tài khoản")
    preview = page.locator("table.preview-accounts")
    expect(preview).to_contain_text("annv")
    expect(preview).to_contain_text("luongtai.lanhdao2")
    shot(page, "tai-khoan-02-xem-truoc")
    assert not User.objects.filter(username="annv").exists()
    page.get_by_label(re.compile("Gửi thư mời qua e-mail")).check()
    page.get_by_role("button", name="Tạo 2 tài khoản").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Đã tạo 2 tài khoản")
    printed = page.locator("table.passwords tbody tr")
    expect(printed).to_have_count(1)
    expect(printed).to_contain_text("UBND huyện Gia Bình")
    expect(printed).to_contain_text("annv")
    expect(page.locator("section.invited")).to_contain_text("binhtt@luongtai.bacninh.gov.vn")
    password = page.locator("code.password").inner_text()
    assert re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", password)
    assert [m.to for m in mailoutbox] == [["binhtt@luongtai.bacninh.gov.vn"]]
    shot(page, "tai-khoan-03-mat-khau")

    # On paper: the list without the site's menus.
    page.emulate_media(media="print")
    expect(page.locator("header.topbar")).to_be_hidden()
    expect(page.get_by_role("button", name="In danh sách")).to_be_hidden()
    expect(page.locator("table.passwords")).to_be_visible()
    shot(page, "tai-khoan-03-ban-in")
    page.emulate_media(media="screen")

    # The new person signs in with the printed password and must change it first.
    newcomer = open_page()
    newcomer.goto(demo.at("/dang-nhap/"))
    newcomer.get_by_label("Tên đăng nhập").fill("annv")
    newcomer.get_by_label("Mật khẩu").fill(password)
    newcomer.get_by_role("button", name="Đăng nhập").click()
    expect(newcomer).to_have_url(re.compile(r"/tai-khoan/doi-mat-khau/"))
    expect(newcomer.locator(".msg.warning")).to_contain_text("Mật khẩu hiện tại của bạn do hệ thống tạo")
    shot(newcomer, "tai-khoan-04-doi-mat-khau")
    newcomer.get_by_label("Mật khẩu hiện tại").fill(password)
    newcomer.get_by_label("Mật khẩu mới", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Nhập lại mật khẩu mới").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Đổi mật khẩu").click()
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Xin chào, Nguyễn Văn An")
    expect(newcomer.locator(".messages")).to_contain_text("Đã đổi mật khẩu.")
    user = User.objects.get(username="annv")
    assert user.check_password(NEW_PASSWORD) and not user.must_change_password

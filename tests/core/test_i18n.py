"""Languages: Vietnamese by default for everyone, English only when the person chooses it.

The browser's Accept-Language never switches the language; the switcher in the header posts
to Django's set_language view, which stores the choice in the language cookie. Numbers and
dates keep the Vietnamese way (decimal comma, dd/mm/yyyy) in both languages. The English
catalogue must translate every message, and its compiled .mo must match the .po.
"""

from __future__ import annotations

import datetime
import gettext
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import polib
import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

from dti.assessments.models import Entry
from dti.core.management.commands.makemessages import jinja_stub

SRC = Path(__file__).resolve().parents[2] / "src" / "dti"
CATALOGUE = SRC / "locale" / "en" / "LC_MESSAGES"
PO = CATALOGUE / "django.po"
MO = CATALOGUE / "django.mo"
SET_LANGUAGE = "/i18n/setlang/"
HTMX = {"HTTP_HX_REQUEST": "true"}
# Letters that only Vietnamese text has (English pages must not show them outside data).
VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]", re.IGNORECASE)


def choose(client: Client, language: str, next_url: str = "/") -> Client:
    """Press the switcher's button for `language`."""
    response = client.post(SET_LANGUAGE, {"language": language, "next": next_url})
    assert response.status_code == 302
    assert response.url == next_url
    return client


def lang_of(body: str) -> str:
    match = re.search(r'<html lang="([^"]+)"', body)
    assert match, "the page has no <html lang>"
    return match.group(1)


def text_of(body: str) -> str:
    """What a person reads: the page without tags, scripts and the switcher's own-language names."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<(span|button)[^>]*\blang="vi"[^>]*>Tiếng Việt</\1>', " ", body)
    return re.sub(r"<[^>]+>", " ", body)


# -- choosing the language ------------------------------------------------------------------


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "fr, en;q=0.8", ""])
def test_the_default_is_vietnamese_whatever_the_browser_asks(world, accept):
    client = Client()
    body = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
    assert lang_of(body) == "vi"
    assert "Tên đăng nhập" in body and "Mật khẩu" in body
    assert "Username" not in body


def test_a_signed_in_page_is_vietnamese_for_an_english_browser(world, login):
    response = login("reporter").get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = response.content.decode()
    assert lang_of(body) == "vi"
    assert "Bản tự đánh giá của đơn vị" in body
    assert response["Content-Language"] == "vi"


def test_the_switcher_is_in_the_header_of_every_page(world, login):
    for client, url in ((Client(), "/dang-nhap/"), (login("reporter"), "/"), (Client(), "/khong-co-trang-nay/")):
        body = client.get(url).content.decode()
        form = re.search(r'<form class="lang" method="post" action="/i18n/setlang/".*?</form>', body, re.S)
        assert form, url
        assert 'name="csrfmiddlewaretoken"' in form.group(0)
        assert '<span class="current" lang="vi" aria-current="true">Tiếng Việt</span>' in form.group(0)
        assert '<button class="link" type="submit" name="language" value="en" lang="en">English</button>' in form.group(
            0
        )
        assert f'name="next" value="{url}"' in form.group(0)


def test_choosing_english_stores_the_choice_in_the_language_cookie(world):
    client = Client()
    response = client.post(SET_LANGUAGE, {"language": "en", "next": "/dang-nhap/"})
    assert response.status_code == 302 and response.url == "/dang-nhap/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_the_choice_outweighs_the_browser_and_can_be_undone(world):
    client = choose(Client(), "en", "/dang-nhap/")
    body = client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert lang_of(body) == "en" and "Username" in body
    body = choose(client, "vi", "/dang-nhap/").get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert lang_of(body) == "vi" and "Tên đăng nhập" in body


@pytest.mark.parametrize("value", ["fr", "xx", "", "en;drop table"])
def test_an_unknown_language_in_the_cookie_gives_vietnamese(world, value):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = value
    assert lang_of(client.get("/dang-nhap/", HTTP_ACCEPT_LANGUAGE="en").content.decode()) == "vi"


def test_an_unknown_language_cannot_be_chosen(world):
    client = Client()
    client.post(SET_LANGUAGE, {"language": "fr", "next": "/dang-nhap/"})  # Django knows French; dti does not
    assert lang_of(client.get("/dang-nhap/").content.decode()) == "vi"


def test_the_switcher_never_sends_to_another_site(world):
    response = Client().post(SET_LANGUAGE, {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"


def test_pages_vary_on_the_cookie_not_on_the_browser_language(world):
    response = choose(Client(), "en", "/dang-nhap/").get("/dang-nhap/")
    vary = {v.strip().lower() for v in response["Vary"].split(",")}
    assert "cookie" in vary and "accept-language" not in vary
    assert response["Content-Language"] == "en"


# -- the pages in English -------------------------------------------------------------------


def test_the_login_page_in_english(world):
    client = choose(Client(), "en", "/dang-nhap/")
    body = client.get("/dang-nhap/").content.decode()
    assert lang_of(body) == "en"
    assert "<title>Sign in · DTI</title>" in body
    assert "Username" in body and "Password" in body and "Digital Transformation Index" in body
    assert not VIETNAMESE.search(text_of(body)), VIETNAMESE.findall(text_of(body))
    refused = client.post("/dang-nhap/", {"username": "reporter", "password": "sai-mat-khau-123"}).content.decode()
    assert "Incorrect username or password. After 5 failed attempts in a row" in refused


def test_the_home_page_in_english_keeps_dates_dd_mm_yyyy(world, login):
    client = choose(login("reporter"), "en")
    body = client.get("/").content.decode()
    assert lang_of(body) == "en"
    assert "<h2>Your unit's self-assessments</h2>" in body
    assert "Home" in body and "Assessment campaigns" in body and "Sign out" in body
    assert "Data entry in progress" in body  # the assessment's status (a model choice)
    deadline = timezone.localtime(world["campaign"].submission_deadline).strftime("%H:%M %d/%m/%Y")
    assert deadline in body
    # Only data may still be Vietnamese: the unit, campaign and group names, and the framework's
    # indicator names, input labels and evidence descriptions in the unit's to-do list.
    leftover = text_of(body)
    for data in (
        "UBND huyện Một",
        "Kỳ đánh giá thử nghiệm 2023",
        "Nhóm huyện",
        "Tiếng Việt",
        "Trưởng ban chỉ đạo",
        "Xã có chuyên mục chuyển đổi số",
        "Kế hoạch chuyển đổi số",
        "Đánh giá khác",
        "Trưởng ban là",
        "Số xã có chuyên mục",
        "Đã ban hành",
        "Quyết định thành lập",
    ):
        leftover = leftover.replace(data, "")
    assert not VIETNAMESE.search(leftover), VIETNAMESE.findall(leftover)


def test_the_self_assessment_page_in_english_keeps_the_decimal_comma(world, login):
    a = world["assessment"]
    client = choose(login("reporter"), "en", f"/danh-gia/{a.pk}/")
    saved = client.post(f"/danh-gia/{a.pk}/chi-so/II.2/", {"version": "0", "score": "7,5"}, **HTMX)
    assert saved.status_code == 200
    assert "Saved at " in saved.content.decode()
    assert Entry.objects.get(assessment=a, code="II.2").score == Decimal("7.5")
    client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "15"}, **HTMX)
    body = client.get(f"/danh-gia/{a.pk}/").content.decode()
    assert lang_of(body) == "en"
    for text in (
        "General information",
        "Total score (by formula)",
        "Save the general information",
        "Score (scored directly, at most 10)",
        "Self-score",
        "Explanation",
        "Evidence",
        "Required evidence is missing.",
        "Change history",
        "e.g. 12",
        "Score by formula",
        "Data missing",
    ):
        assert text in body, text
    assert re.search(r'data-testid="score-II\.2">7,50 ', body)  # 7,5 typed, 7,50 shown
    assert re.search(r'data-testid="score-I\.2">7,50 ', body)  # 15 of 20 communes × 10
    assert re.search(r'data-testid="total">15,00 / 40<', body)
    assert 'value="7,5"' in body  # the stored score as the person types it again
    assert "7.5" not in text_of(body) and "15.00" not in text_of(body)
    deadline = timezone.localtime(world["campaign"].submission_deadline).strftime("%H:%M %d/%m/%Y")
    assert f"Submission deadline: {deadline}" in body
    assert 'data-msg-saving="Saving…"' in body


def test_a_refused_save_speaks_english(world, login):
    a = world["assessment"]
    client = choose(login("reporter"), "en", f"/danh-gia/{a.pk}/")
    response = client.post(f"/danh-gia/{a.pk}/chi-so/I.2/", {"version": "0", "a": "25"}, **HTMX)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not saved: some values are invalid (see the notes in red next to the fields)." in body
    assert "is greater than" in body and "the ratio cannot exceed 100 %, please check" in body


def test_the_vietnamese_page_is_unchanged(world, login):
    a = world["assessment"]
    client = login("reporter")
    client.post(f"/danh-gia/{a.pk}/chi-so/II.2/", {"version": "0", "score": "7,5"}, **HTMX)
    body = client.get(f"/danh-gia/{a.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert lang_of(body) == "vi"
    for text in ("Thông tin chung", "Tổng điểm (tính theo công thức)", "Điểm tự chấm", "Tài liệu kiểm chứng"):
        assert text in body, text
    assert re.search(r'data-testid="score-II\.2">7,50 ', body)
    assert "General information" not in body


def test_error_pages_in_english(world, login):
    client = choose(login("reporter"), "en")
    missing = client.get("/khong-co-trang-nay/")
    assert missing.status_code == 404
    body = missing.content.decode()
    assert lang_of(body) == "en"
    assert "<h1>Page not found</h1>" in body and "Back to the home page" in body
    refused = client.get(f"/danh-gia/{world['other_assessment'].pk}/")
    assert refused.status_code == 403
    body = refused.content.decode()
    assert lang_of(body) == "en"
    assert "<h1>Access denied</h1>" in body
    assert "You are not allowed to see this unit&#x27;s self-assessment." in body


def test_the_csrf_refusal_page_in_english(world):
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post("/dang-nhap/", {"username": "reporter", "password": "x"})
    assert response.status_code == 403
    body = response.content.decode()
    assert lang_of(body) == "en" and "The form could not be sent" in body


def test_the_other_pages_in_english(world, login):
    client = choose(login("organiser"), "en")
    campaign = world["campaign"]
    expected = {
        "/ky-danh-gia/": "Create an assessment campaign…",
        f"/ky-danh-gia/{campaign.pk}/": "Submission reopenings",
        "/ky-danh-gia/tao-moi/": "Planned publication date",
        "/bo-chi-so/": "Upload a framework…",
        f"/bo-chi-so/{world['group'].framework_id}/": "Ranking and classification",
        "/don-vi/": "Import from Excel…",
        "/don-vi/nhap-tu-excel/": "How to fill in the file",
    }
    for url, text in expected.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert lang_of(body) == "en", url
        assert text in body, url


# -- numbers and dates are Vietnamese in both languages -------------------------------------


@pytest.mark.parametrize("language", ["vi", "en"])
def test_django_formats_numbers_and_dates_the_vietnamese_way_in_both_languages(language):
    with translation.override(language):
        assert number_format(Decimal("1234.5"), 2) == "1234,50"
        assert date_format(datetime.date(2023, 9, 30), "d/m/Y") == "30/09/2023"
        field = forms.DateField()
        assert field.clean("30/09/2023") == datetime.date(2023, 9, 30)
        with pytest.raises(forms.ValidationError):
            field.clean("09/30/2023")  # never month first
        assert forms.DecimalField(localize=True).clean("1234,5") == Decimal("1234.5")


def test_english_dates_from_django_are_dd_mm_yyyy():
    with translation.override("en"):
        assert date_format(datetime.date(2023, 9, 30)) == "30/09/2023"
        assert date_format(datetime.date(2023, 9, 30), "SHORT_DATE_FORMAT") == "30/09/2023"


# -- the catalogue --------------------------------------------------------------------------


def _entries() -> list[polib.POEntry]:
    return [e for e in polib.pofile(str(PO)) if not e.obsolete]


def test_every_message_has_an_english_translation():
    entries = _entries()
    assert len(entries) > 400
    untranslated = [e.msgid for e in entries if not e.translated()]
    assert not untranslated
    assert not [e.msgid for e in entries if "fuzzy" in e.flags]
    for e in entries:
        translations = list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]
        for text in translations:
            assert text.strip(), e.msgid
            assert not VIETNAMESE.search(_without_column_names(text)), (e.msgid, text)
            placeholders = set(re.findall(r"%\((\w+)\)s", e.msgid))
            assert set(re.findall(r"%\((\w+)\)s", text)) == placeholders, e.msgid
            assert re.findall(r"</?\w+", text) == re.findall(r"</?\w+", e.msgid), e.msgid
            # Templates print translations unescaped, some inside attribute values: no new quotes or markup.
            assert text.count('"') == e.msgid.count('"'), e.msgid
            assert text.count("&") == e.msgid.count("&"), e.msgid


def _without_column_names(text: str) -> str:
    """The import files' column headers are Vietnamese in English text too (they are the file format)."""
    units = ("Tên đơn vị", "Loại đơn vị", "Đơn vị cấp trên")
    accounts = (
        "<strong>Họ và tên</strong>",
        "<strong>Vai trò</strong>",
        "<strong>Đơn vị</strong>",
        "<strong>Tên đăng nhập</strong>",
    )
    for name in (*units, *accounts):
        text = text.replace(name, "")
    return text


def test_the_header_is_not_fuzzy_and_declares_english():
    po = polib.pofile(str(PO))
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "en"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert po.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


def test_the_compiled_catalogue_matches_the_po_file():
    """django.mo is committed (a fresh install needs no gettext tools): it must say what django.po says.

    After changing django.po run `manage.py compilemessages` (docs/i18n.md).
    """
    expected: dict[Any, str] = {}
    for e in _entries():
        key = f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid
        if e.msgid_plural:
            for n, text in e.msgstr_plural.items():
                expected[(key, int(n))] = text
        else:
            expected[key] = e.msgstr
    with MO.open("rb") as handle:
        compiled = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    compiled.pop("", None)
    assert compiled == expected, "django.mo is out of date: run `manage.py compilemessages`"


def test_django_finds_the_english_catalogue():
    assert translation.check_for_language("en")
    with translation.override("en"):
        assert translation.gettext("Đăng nhập") == "Sign in"
        assert translation.pgettext("danh sách", "Đơn vị") == "Units"
        assert translation.ngettext("%(count)s mục", "%(count)s mục", 2) % {"count": 2} == "2 items"
    with translation.override("vi"):
        assert translation.gettext("Đăng nhập") == "Đăng nhập"


def _templates(kind: str) -> list[Path]:
    return sorted(p for p in SRC.glob(f"*/{kind}/**/*.html"))


def test_every_string_of_the_jinja_templates_is_in_the_catalogue():
    """The Jinja2 templates are read by dti's makemessages; a string added without it shows in Vietnamese."""
    msgids = {e.msgid for e in _entries()}
    found = set()
    for path in _templates("jinja2"):
        stub = jinja_stub(path.read_text(encoding="utf-8"), str(path))
        assert stub.count("\n") == path.read_text(encoding="utf-8").count("\n")  # line for line
        found |= {json.loads(f'"{m}"') for m in _calls(stub)}
    assert len(found) > 50
    assert not sorted(found - msgids), "run `manage.py makemessages` (docs/i18n.md)"


def _calls(stub: str) -> list[str]:
    return re.findall(r'(?:gettext|ngettext)\("((?:[^"\\]|\\.)*)"', stub)


@pytest.mark.parametrize("path", _templates("templates") + _templates("jinja2"), ids=lambda p: p.name)
def test_templates_have_no_vietnamese_text_outside_translation_tags(path):
    """Every Vietnamese word of a template goes through {% translate %}/{% blocktranslate %} or _()."""
    source = path.read_text(encoding="utf-8")
    source = re.sub(r"{%-?\s*blocktranslate\b.*?{%-?\s*endblocktranslate\s*-?%}", " ", source, flags=re.S)
    source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", source, flags=re.S)
    assert not VIETNAMESE.search(source), VIETNAMESE.findall(source)

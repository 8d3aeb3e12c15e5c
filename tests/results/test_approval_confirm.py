"""Approving asks first and says what it will do."""

from __future__ import annotations

import html
from typing import Any


def test_the_approval_form_asks_for_confirmation(appraised: dict[str, Any], login: Any) -> None:
    page = html.unescape(login("chair").get(f"/phe-duyet/{appraised['campaign'].pk}/").content.decode())
    assert (
        'data-confirm="Phê duyệt kết quả thẩm định của mọi đơn vị đã thẩm định xong, theo quyết định vừa nhập? '
        'Các đơn vị và cơ quan tổ chức được thông báo; kết quả chờ công bố."' in page
    )

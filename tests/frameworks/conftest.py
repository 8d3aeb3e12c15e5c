"""Framework texts for the tests: the shared small framework, and one with many problems."""

from __future__ import annotations

from tests.conftest import SMALL_FRAMEWORK

# A framework for the next tests, with comments that must survive a copy.
COMMENTED = "# Bộ chỉ số thử nghiệm: chú thích đầu tệp phải được giữ khi sao chép\n" + (
    SMALL_FRAMEWORK.replace("code: thu-nghiem-2023-huyen", "code: tn-2023-huyen   # mã theo tên tệp").replace(
        "year: 2023", "year: 2023 # năm ban hành"
    )
)

# Seven problems in one file: all of them must be reported together.
MANY_PROBLEMS = """
format: dti/1
code: nhieu-loi-2023
name: Bộ chỉ số nhiều lỗi
level: huyenx
year: abc
indices:
  - code: "I"
    name: A
    max: 10
    indicators:
      - code: I.1
        name: B
        max: 5
        scoring: {method: ratio, numerator: a, denominator: b}
      - code: I.1
        name: C
        max: 7
        foo: 1
        scoring: {method: nope}
"""

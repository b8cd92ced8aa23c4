"""Results published on the portal (公告, the `announce` effect), with personal data removed.

A finance department announces the result of a procurement complaint (政府采购质疑和投诉办法
第三十五条); what it publishes names the organisations, never a person: the names, phone
numbers, ID numbers and addresses of the parties who are persons are replaced, and so is any
mobile or landline number, ID card number and e-mail address left in the text."""

from __future__ import annotations

import re

from .selectors import mask_name

PATTERNS = (
    (re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])"), "******************"),  # 居民身份证号码
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "***********"),  # mobile
    (re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)"), "****-********"),  # landline
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+"), "***@***"),
)


def scrub(text: str, people=()) -> str:
    """`text` without the personal data of `people` (persons among the parties) or any phone,
    ID number or e-mail address."""
    for person in people:
        for value, masked in ((person.name, mask_name(person.name)), (person.phone, "***"),
                              (person.id_number, "***"), (person.address, "***"),
                              (person.email, "***@***")):
            if value and len(value) >= 2:
                text = text.replace(value, masked)
    for pattern, masked in PATTERNS:
        text = pattern.sub(masked, text)
    return text

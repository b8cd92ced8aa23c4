"""What text a database can hold: PostgreSQL refuses NUL, and a lone surrogate is not UTF-8."""


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

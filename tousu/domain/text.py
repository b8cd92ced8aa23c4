"""What text a database can hold: PostgreSQL refuses NUL, and a lone surrogate is not UTF-8;
and how long a free text may be."""

# The longest free text taken anywhere (a course of events, a reply, a reason, a note): about
# five printed pages. The engine refuses more; the API's document and the forms state it.
LONG_TEXT_MAX = 10_000


def is_storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

"""A preset's own words (labels, messages) in the reader's language.

A preset writes its labels in Chinese (`label`) and may add English (`label_en`); Chinese is
the default language. The engine's own words go through gettext as every other string does."""

from django.utils.translation import get_language


def localized(zh: str, en: str = "") -> str:
    """`en` when the active language is English and the preset gives it, else `zh`."""
    if en and (get_language() or "").startswith("en"):
        return en
    return zh or en


def outcome_label(kind, code: str) -> str:
    """An outcome of `kind` in the reader's language."""
    return localized(kind.outcomes.get(code, code), kind.outcomes_en.get(code, ""))


def kind_noun(kind) -> str:
    """What a case of `kind` is called inside a sentence: 客户投诉, 网络舆情, 市民诉求 (in English
    the label with a small first letter: "this customer complaint")."""
    en = kind.label_en[:1].lower() + kind.label_en[1:] if kind.label_en else ""
    return localized(kind.label, en)


def fact_label(kind, name: str, value) -> str:
    """How the value of the kind's fact `data.NAME` reads: the preset's `[kinds.X.words.NAME]`
    for a code an action writes itself (the bank's reply written in the opinion book), else the
    label of the choice of an input that offers it, else the value as it is."""
    text = "" if value is None else str(value)
    words = kind.words.get(name, {})
    if text in words:
        return localized(*words[text])
    for spec in sorted(kind.actions.values(), key=lambda s: s.order):
        for item in spec.inputs:
            if item.type == "choice" and text in dict(item.choices):
                return dict(item.choices)[text]
    return text

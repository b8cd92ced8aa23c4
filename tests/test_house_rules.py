"""The rules of the house, checked on the source: cases are read through scoped selectors and
written through the engine (cases/engine.py, and cases/actions.py's intake and worker) only,
and each app imports only from its own layer or below."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "tousu"
CASE_TABLES = re.compile(r"\b(Case|CaseEvent|Clock)\.objects\b")
WRITES = re.compile(r"\b(Case|CaseEvent)\.objects\.(create|bulk_create|update|filter\([^)]*\)\.update)\b"
                    r"|\bcase\.save\(")
# Modules outside cases/ that may query case tables, and why.
READ_ALLOWED = {
    "reports/figures.py": "aggregates over a queryset that reports/selectors.py scoped",
    "portal/tracking.py": "the complainant's own lookup: tracking code plus the phone's last digits",
}
WRITE_ALLOWED = {"cases/engine.py", "cases/actions.py", "cases/clocks.py", "cases/events.py",
                 "cases/management/commands/bench_data.py",
                 "cases/rekey.py"}  # re-hashes whole old chains once: the heads, no case fact


def sources():
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" not in rel:
            yield rel, path.read_text(encoding="utf-8")


def test_case_tables_are_read_through_selectors():
    offenders = [rel for rel, text in sources()
                 if CASE_TABLES.search(text) and not rel.startswith("cases/")
                 and not rel.endswith("selectors.py") and rel not in READ_ALLOWED]
    assert offenders == [], f"query cases through a selectors.py: {offenders}"


def test_cases_are_written_only_by_actions():
    offenders = [rel for rel, text in sources() if WRITES.search(text) and rel not in WRITE_ALLOWED]
    assert offenders == [], f"change cases through tousu/cases/engine.py: {offenders}"


# The layers, lowest first; a module may import from its own layer and the ones below it. Named
# by what follows `tousu.`: an app's folder, or a module at the top (demo.py builds demo cases
# for ops' init and demo commands; cli, settings, urls and wsgi put the project together).
LAYERS = [
    {"domain"},
    {"org"},
    {"notify"},  # below cases: actions queue outbox rows, events call notify's hooks
    {"cases"},
    {"quality", "reports", "imports", "routing"},
    {"web", "portal", "api"},
    {"ops", "demo"},
    {"cli", "settings", "urls", "wsgi"},
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}


def imported_tops(rel, text):
    """What follows `tousu.` in each module the source imports, anywhere in it (also inside a
    function), with relative imports resolved against the module's own package."""
    package = ["tousu", *rel.split("/")[:-1]]
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1]
            names = [".".join(base + ([node.module] if node.module else []))]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "tousu" and len(parts) > 1:
                yield parts[1]
            elif parts == ["tousu"] and isinstance(node, ast.ImportFrom):
                yield from (alias.name for alias in node.names)


def test_every_app_has_a_layer():
    tops = {rel.split("/")[0].removesuffix(".py") for rel, _text in sources()} - {"__init__"}
    assert tops - LEVEL.keys() == set(), f"give each app a place in LAYERS: {tops - LEVEL.keys()}"


def test_apps_import_only_from_their_layer_or_below():
    offenders = []
    for rel, text in sources():
        top = rel.split("/")[0].removesuffix(".py")
        for imported in sorted(set(imported_tops(rel, text))):
            if LEVEL.get(imported, -1) > LEVEL.get(top, len(LAYERS)):
                offenders.append(f"{rel} -> {imported}")
    assert offenders == [], f"import only from the layers below (see LAYERS): {offenders}"


# A kind of case is data: its states and outcomes are named in the presets only, and Python reads
# them from the policy (kind.states, kind.outcomes, kind.figures). The presets, the migrations
# and the benchmark seeder (which writes cases of the shipped presets by SQL) may name them.
CODES_MAY_APPEAR = ("presets/", "cases/management/commands/bench_data.py")
# A string equal to a code that means something else there, and what.
NOT_A_STATE_OR_OUTCOME = {
    ("domain/vocabulary.py", "satisfied"): "the preset key [kinds.X.figures] satisfied (FIGURE_KEYS)",
    ("domain/preset.py", "satisfied"): "reading the preset key [kinds.X.figures] satisfied",
}


def workflow_codes() -> dict[str, str]:
    """Every state and outcome code of every kind of every shipped preset, with where it is from."""
    from tousu.domain.policy import PRESET_DIR, load_preset

    codes: dict[str, str] = {}
    for path in sorted(PRESET_DIR.glob("*.toml")):
        if path.stem.startswith("_"):
            continue
        for kind in load_preset(path.stem).kinds.values():
            for code in kind.states:
                codes.setdefault(code, f"a state of {path.name}'s kind {kind.code}")
            for code in kind.outcomes:
                codes.setdefault(code, f"an outcome of {path.name}'s kind {kind.code}")
    return codes


def test_no_python_names_a_state_or_an_outcome():
    codes = workflow_codes()
    assert {"received", "closed", "satisfied"} <= codes.keys()  # the presets were read
    hits = []
    for rel, text in sources():
        if rel.startswith(CODES_MAY_APPEAR):
            continue
        for node in ast.walk(ast.parse(text)):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in codes
                    and (rel, node.value) not in NOT_A_STATE_OR_OUTCOME):
                hits.append((rel, node.lineno, node.value))
    assert hits == [], "read states and outcomes from the policy, not from literals:\n" + "\n".join(
        f"tousu/{rel}:{line}: {code!r} ({codes[code]})" for rel, line, code in sorted(hits))


# In a template: a comparison with, or a link filtering by, a literal state or outcome code
# (`state=replied` in a URL, `case.state == "closed"`).
TEMPLATE_CODE = re.compile(r"""\b(?:state|outcome|callback_result)\s*(?:==|!=|=)\s*["']?([a-z_]+)""")


def test_no_template_names_a_state_or_an_outcome():
    codes = workflow_codes()
    hits = []
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            hits += [(path.relative_to(ROOT).as_posix(), number, code)
                     for code in TEMPLATE_CODE.findall(line) if code in codes]
    assert hits == [], "take states and outcomes from the policy, not from the template:\n" + "\n".join(
        f"tousu/{rel}:{line}: {code!r} ({codes[code]})" for rel, line, code in hits)

"""`tousu routing train | evaluate | list | activate`: the category and unit suggestions."""

from __future__ import annotations

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.org.services import current_policy

from ... import learning, selectors, services
from ...evaluation import TARGETS, evaluate, labelled_rows


def quality_table(quality: dict) -> str:
    lines = [_("macro-F1 %(f1).3f  accuracy %(acc).3f  top-3 accuracy %(top3).3f  (%(size)s rows)") % {
        "f1": quality["macro_f1"], "acc": quality["accuracy"], "top3": quality["top3"], "size": quality["size"]},
        "{:<40} {:>9} {:>7} {:>6} {:>6}".format(_("class"), _("precision"), _("recall"), "F1", _("rows"))]
    for row in quality["per_class"]:
        lines.append(f"{row['label'][:40]:<40} {row['precision']:>9.3f} {row['recall']:>7.3f} "
                     f"{row['f1']:>6.3f} {row['support']:>6}")
    return "\n".join(lines)


class Command(BaseCommand):
    help = _("Category and handling-unit suggestions: train a model from past cases, evaluate on a "
             "labelled file, list the models, switch one on.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        train = sub.add_parser("train", help=_("Learn from the kind's closed and imported cases."))
        train.add_argument("--kind", default="")
        train.add_argument("--limit", type=int, default=None, help=_("Learn from the newest N cases only."))
        train.add_argument("--by", default="", help=_("The user name recorded as the trainer."))
        train.add_argument("--activate", action="store_true", help=_("Switch the new model on at once."))
        evaluate_ = sub.add_parser("evaluate", help=_("Cross-validate on a labelled .xlsx or .csv."))
        evaluate_.add_argument("file")
        evaluate_.add_argument("--folds", type=int, default=5)
        evaluate_.add_argument("--target", default="category", choices=TARGETS)
        evaluate_.add_argument("--mapping", default=None)
        evaluate_.add_argument("--map", action="append", default=[], metavar="FIELD=HEADER")
        evaluate_.add_argument("--baseline", action="store_true",
                               help=_("Also measure the baseline (TF-IDF with logistic regression)."))
        evaluate_.add_argument("--json", action="store_true")
        sub.add_parser("list", help=_("The trained models and their figures."))
        activate = sub.add_parser("activate", help=_("Switch a model on for its kind."))
        activate.add_argument("kind")
        activate.add_argument("version", type=int)

    def handle(self, *args, command, **options):
        try:
            getattr(self, f"do_{command}")(**options)
        except services.RoutingError as exc:
            raise CommandError(str(exc)) from None

    def do_train(self, *, kind, limit, by, activate, **_options):
        policy = current_policy()
        kind = kind or policy.default_kind
        actor = get_user_model().objects.filter(username=by).first() if by else None
        if by and actor is None:
            raise CommandError(_("No user is called “%(name)s”.") % {"name": by})
        model = services.train(policy, kind, actor=actor, limit=limit)
        if activate:
            services.activate(model)
        self.stdout.write(_("%(model)s: %(size)s cases in %(seconds)s s.") % {
            "model": model, "size": model.training_size, "seconds": model.seconds})
        self._figures(model)

    def _figures(self, model):
        for target, quality in model.quality.items():
            self.stdout.write(f"\n[{target}]\n" + quality_table(quality))

    def do_evaluate(self, *, file, folds, target, mapping, map, baseline, json: bool = False, **_options):
        texts, labels = labelled_rows(file, target=target, mapping_file=mapping, flags=map)
        configs = [learning.PRODUCT, *([learning.BASELINE] if baseline else [])]
        results = {c.name: evaluate(texts, labels, folds=folds, config=c).as_dict() for c in configs}
        if json:
            self.stdout.write(__import__("json").dumps(results, ensure_ascii=False))
            return
        for name, quality in results.items():
            self.stdout.write(f"[{name}] {folds}-fold\n" + quality_table(quality) + "\n")

    def do_list(self, **_options):
        for model in selectors.models_of():
            self.stdout.write(f"{model.kind} v{model.version} {'*' if model.active else ' '} "
                              f"{model.trained_at:%Y-%m-%d %H:%M} {model.training_size} "
                              + json.dumps({t: q["macro_f1"] for t, q in model.quality.items()}))

    def do_activate(self, *, kind, version, **_options):
        model = selectors.models_of(kind).filter(version=version).first()
        if model is None:
            raise CommandError(_("No model %(kind)s v%(version)s.") % {"kind": kind, "version": version})
        services.activate(model)
        self.stdout.write(_("%(model)s is on.") % {"model": model})

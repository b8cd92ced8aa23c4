import time
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from tousu.cases import chain
from tousu.cases.events import chain_key, key_id
from tousu.cases.rekey import rekey_all


class Command(BaseCommand):
    help = _("Check every case's event chain and name the first broken link.")

    def add_arguments(self, parser):
        parser.add_argument("--export-heads", metavar="FILE",
                            help=_("After a clean check, write every chain's head to FILE, to keep "
                                   "outside the database."))
        parser.add_argument("--against", metavar="FILE",
                            help=_("Check every chain and compare it with the heads anchored in FILE."))
        parser.add_argument("--since-anchor", metavar="FILE",
                            help=_("Check only the cases that changed since the heads anchored in FILE."))
        parser.add_argument("--rekey", action="store_true",
                            help=_("Key the chains written before the chain key (each is checked first)."))
        parser.add_argument("--batch", type=int, default=chain.BATCH, help=_("Cases read per query."))

    def handle(self, *args, export_heads=None, against=None, since_anchor=None, rekey=False, batch=chain.BATCH,
               **options):
        if against and since_anchor:
            raise CommandError(_("Give --against or --since-anchor, not both."))
        if batch < 1:
            raise CommandError(_("--batch must be at least 1."))
        try:
            key = chain_key()
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from None
        if rekey:
            keyed, skipped = rekey_all(batch=batch)
            self.stdout.write(_("Keyed %(keyed)d chain(s); %(skipped)d left as they were (already keyed, or "
                                "broken: the check below names them).") % {"keyed": keyed, "skipped": skipped})
        anchor = self._anchor(against or since_anchor, key) if (against or since_anchor) else None
        started = time.monotonic()
        if since_anchor:
            result, changes = chain.since_anchor(anchor, batch=batch)
            summary = _("%(changed)d case(s) changed since the anchor of %(at)s, %(unchanged)d unchanged") % {
                "changed": len(changes.changed), "at": anchor.exported_at, "unchanged": len(changes.unchanged)}
        else:
            result = chain.verify(anchor=anchor, batch=batch, keep_heads=bool(export_heads))
            summary = _("%(n)d cases") % {"n": result.checked}
        seconds = time.monotonic() - started
        if result.broken:
            for link in result.broken:
                self.stderr.write(_("Broken: %(link)s") % {"link": link})
            raise CommandError(_("%(n)d case(s) with a broken event chain; first: %(first)s")
                               % {"n": len(result.broken), "first": result.broken[0]})
        self.stdout.write(_("All event chains are whole (%(summary)s; %(events)d events checked in %(seconds).1f s).")
                          % {"summary": summary, "events": result.events, "seconds": seconds})
        if export_heads:
            chain.write_anchor(Path(export_heads), result.heads, key)
            self.stdout.write(_("Heads of %(n)d chains written to %(path)s: keep it outside the database.")
                              % {"n": len(result.heads), "path": export_heads})

    def _anchor(self, path: str, key: bytes) -> chain.Anchor:
        try:
            anchor = chain.read_anchor(Path(path))
        except chain.AnchorError as error:
            raise CommandError(str(error)) from None
        if anchor.key_id and anchor.key_id != key_id(key):
            raise CommandError(_("%(path)s was written with another chain key than the one configured now.")
                               % {"path": path})
        return anchor

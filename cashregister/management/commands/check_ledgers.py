from django.core.management.base import BaseCommand, CommandError

from cashregister.selectors import drawer_ledger_mismatches
from inventory.selectors import stock_ledger_mismatches
from kasserpro.tenancy import scopes_disabled


class Command(BaseCommand):
    help = (
        "Check that every branch's stock equals the sum of its movements and "
        "every drawer's balance equals its ledger; exit 1 naming what is off."
    )

    def handle(self, *args, **options):
        with scopes_disabled():
            problems = stock_ledger_mismatches() + drawer_ledger_mismatches()
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} ledger(s) do not balance.")
        self.stdout.write(self.style.SUCCESS("All stock and drawer ledgers balance."))

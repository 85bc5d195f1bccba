from django.core.management.base import BaseCommand

from idempotency.services import records_purge


class Command(BaseCommand):
    help = "Delete expired idempotency records in bounded batches (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, **options):
        deleted = records_purge(batch_size=batch_size)
        self.stdout.write(f"Deleted {deleted} expired idempotency record(s).")

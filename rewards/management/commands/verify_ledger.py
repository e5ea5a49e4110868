from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from rewards.ledger import ledger_verify
from tenants.models import Township


class Command(BaseCommand):
    help = "Recompute every bean balance from its ledger entries; exit non-zero on any difference."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--township", help="one township's slug (default: every township)")

    def handle(self, *args: object, **options: object) -> None:
        townships = Township.objects.order_by("schema_name")
        if options.get("township"):
            townships = townships.filter(schema_name=options["township"])
            if not townships.exists():
                raise CommandError(f"没有标识为“{options['township']}”的乡镇。")
        problems = 0
        for township in townships:
            with schema_context(township.schema_name):
                found = ledger_verify()
            for line in found:
                self.stderr.write(f"{township.schema_name}: {line}")
            problems += len(found)
            self.stdout.write(
                f"{township.schema_name}: {'OK' if not found else f'{len(found)} problem(s)'}"
            )
        if problems:
            raise CommandError(f"ledger check failed: {problems} problem(s)")

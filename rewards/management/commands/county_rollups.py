from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django_tenants.utils import schema_context

from rewards.rollups import township_month_rollup_compute
from scoring.models import Month
from tenants.models import Township


class Command(BaseCommand):
    help = "Recompute the county figures (public schema) of every final month of every township."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--township", help="one township's slug")

    def handle(self, *args: object, **options: object) -> None:
        townships = Township.objects.order_by("schema_name")
        if options.get("township"):
            townships = townships.filter(schema_name=options["township"])
        for township in townships:
            with schema_context(township.schema_name), transaction.atomic():
                months = list(Month.objects.filter(state=Month.State.FINAL).order_by("period"))
                for month in months:
                    township_month_rollup_compute(township=township, month=month)
            self.stdout.write(f"{township.schema_name}: {len(months)} month(s)")

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.errors import ApplicationError
from tenants.models import Township
from tenants.services import township_resume, township_suspend


class Command(BaseCommand):
    help = "暂停（--resume 恢复）一个乡镇的服务；数据不删除。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug")
        parser.add_argument("--reason", default="")
        parser.add_argument("--resume", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        township = Township.objects.filter(schema_name=options["slug"]).first()
        if township is None:
            raise CommandError(f"没有标识为“{options['slug']}”的乡镇。")
        try:
            if options["resume"]:
                township = township_resume(township=township, actor="manage.py")
            else:
                township = township_suspend(
                    township=township, reason=str(options["reason"]), actor="manage.py"
                )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from exc
        self.stdout.write(f"{township.name}: {township.get_status_display()}")

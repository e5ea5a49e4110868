from django.core.management.base import BaseCommand, CommandError, CommandParser

from tenants.errors import ApplicationError
from tenants.services import host_for, township_create
from tenants.township_templates import template_codes


class Command(BaseCommand):
    help = "创建乡镇（克隆模板 schema）：--slug changshan --name 长山镇 --county zouping --template changshan"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="schema and subdomain, e.g. changshan")
        parser.add_argument("--name", required=True, help="display name, e.g. 长山镇")
        parser.add_argument("--county", required=True, help="slug of an existing county")
        parser.add_argument(
            "--template", required=True, help=f"one of: {', '.join(template_codes())}"
        )
        parser.add_argument("--admin-username", default="town_admin")
        parser.add_argument(
            "--admin-password",
            default=None,
            help="first admin's password; generated and printed once when omitted",
        )

    def handle(self, *args: object, **options: str) -> None:
        try:
            result = township_create(
                slug=options["slug"],
                name=options["name"],
                county_slug=options["county"],
                template_code=options["template"],
                admin_username=options["admin_username"],
                admin_password=options["admin_password"],
                actor="manage.py create_township",
            )
        except ApplicationError as exc:
            raise CommandError(f"{exc.message} [{exc.code}]") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"已创建乡镇 {result.township.name}（{result.township.slug}），用时 {result.seconds:.2f} 秒"
            )
        )
        self.stdout.write(f"  地址: http://{host_for(result.township.slug)}")
        self.stdout.write(f"  管理员: {result.admin_username}")
        if not options["admin_password"]:
            self.stdout.write(f"  初始密码（只显示这一次）: {result.admin_password}")

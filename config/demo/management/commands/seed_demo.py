from django.core.management.base import BaseCommand

from config.demo.seed import seed_demo


class Command(BaseCommand):
    help = "创建（或补全）演示数据：邹平市、长山镇、魏桥镇及演示账号。可重复运行。"

    def handle(self, *args: object, **options: object) -> None:
        summary = seed_demo()
        if summary.created_townships:
            self.stdout.write(f"新建乡镇：{', '.join(summary.created_townships)}")
        else:
            self.stdout.write("演示数据已存在，已补全缺失部分。")

"""花名册: the upload becomes an import job whose page polls its progress with htmx; the
template and the export download. No worker runs here: the job stays pending."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from governance.models import RosterImport
from tests.frontend.conftest import count_queries, field_errors, html

pytestmark = pytest.mark.django_db

SLUG = "changshan"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def template(client) -> bytes:
    response = client.get("/roster/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    return response.content


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("town_admin", 200),
        ("info_admin", 200),
        ("village_leader", 403),
        ("group_leader", 403),
        ("resident", 403),
        ("merchant", 403),
    ],
)
def test_the_roster_page_by_role(web, username, status) -> None:
    client = web(SLUG, username)
    assert client.get("/roster/").status_code == status
    assert client.get("/roster/template.xlsx").status_code == status
    assert client.get("/roster/export.xlsx").status_code == status


def test_an_upload_becomes_a_pending_job_whose_page_polls_its_progress(web) -> None:
    client = web(SLUG, "info_admin")
    upload = SimpleUploadedFile("东关村花名册.xlsx", template(client), content_type=XLSX)
    response = client.post("/roster/", {"file": upload})
    assert response.status_code == 302
    with schema_context(SLUG):
        job = RosterImport.objects.get(filename="东关村花名册.xlsx")
        assert job.uploaded_by.username == "info_admin"
        assert job.status == RosterImport.Status.PENDING
    assert response["Location"] == f"/roster/{job.pk}/"
    page = html(client.get(response["Location"]))
    assert "排队中" in page
    assert f'hx-get="/roster/{job.pk}/progress/"' in page
    assert 'hx-trigger="every 1s"' in page
    assert "<progress" in page
    block = client.get(f"/roster/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert block.status_code == 200
    assert html(block).startswith('<div id="roster-status" data-status="pending"')
    plain = client.get(f"/roster/{job.pk}/progress/")
    assert plain.status_code == 302  # a person who opens the fragment gets the page
    listing = html(client.get("/roster/"))
    assert "东关村花名册.xlsx" in listing


def test_a_finished_job_stops_polling_and_shows_its_report(web) -> None:
    client = web(SLUG, "info_admin")
    upload = SimpleUploadedFile("有错.xlsx", template(client), content_type=XLSX)
    client.post("/roster/", {"file": upload})
    with schema_context(SLUG):
        job = RosterImport.objects.get(filename="有错.xlsx")
        job.status = RosterImport.Status.FAILED
        job.total_rows = job.processed_rows = 1
        job.error_count = 1
        job.errors = [
            {"row": 2, "column": "身份证号", "code": "example_row", "message": "第 2 行是示例"}
        ]
        job.save()
    page = html(client.get(f"/roster/{job.pk}/progress/", HTTP_HX_REQUEST="true"))
    assert "hx-trigger" not in page
    assert "未导入" in page
    assert '<tr data-code="example_row"><td class="num">2</td><td>身份证号</td>' in page


def test_a_file_that_is_not_xlsx_is_refused_next_to_the_field(web) -> None:
    client = web(SLUG, "info_admin")
    upload = SimpleUploadedFile("名单.csv", "姓名,户号\n".encode(), content_type="text/csv")
    response = client.post("/roster/", {"file": upload})
    assert response.status_code == 422
    assert field_errors(response, "file") == [
        "请上传 .xlsx 格式的花名册（旧版 .xls 请先在 Excel 中另存为 .xlsx）。"
    ]
    empty = client.post("/roster/", {})
    assert field_errors(empty, "file") == ["请选择要上传的花名册文件。"]


def test_someone_elses_job_is_404(web) -> None:
    client = web(SLUG, "town_admin")
    upload = SimpleUploadedFile("乡镇.xlsx", template(client), content_type=XLSX)
    client.post("/roster/", {"file": upload})
    with schema_context(SLUG):
        job = RosterImport.objects.get(filename="乡镇.xlsx")
    assert web(SLUG, "info_admin").get(f"/roster/{job.pk}/").status_code == 404
    assert client.get(f"/roster/{job.pk}/").status_code == 200


def test_the_export_is_the_residents_in_reach(web) -> None:
    response = web(SLUG, "info_admin").get("/roster/export.xlsx")
    assert response["Content-Type"] == XLSX
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("网格路径", "户号", "地址", "姓名")
    assert len(rows) > 1


def test_the_job_list_in_constant_queries(web) -> None:
    client = web(SLUG, "town_admin")
    content = template(client)
    for index in range(3):
        client.post("/roster/", {"file": SimpleUploadedFile(f"{index}.xlsx", content)})
    assert count_queries(client, "/roster/?page_size=1") == count_queries(
        client, "/roster/?page_size=50"
    )

"""Static checks of infra/terraform (python-hcl2; no providers, no cloud, no Django, no database).

The providers cannot be downloaded on the build machines, so `terraform validate` / `plan` do
not run in CI; infra/check.sh runs `terraform fmt -check` and checkov, and these tests pin the
properties of the deployment that matter most.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.infra._hcl import (
    MODULES,
    PRODUCTION,
    TERRAFORM,
    all_resources,
    block,
    expr,
    load,
    locals_,
    modules,
    resolve,
    resources,
    tf_files,
    variables,
)

SERVICE_MODULE = "modules/ecs_service"


def _module_dirs() -> list[Path]:
    return sorted(p for p in MODULES.iterdir() if p.is_dir())


# --------------------------------------------------------------------------------- layout


def test_layout_has_modules_and_the_production_environment() -> None:
    expected = {
        "network",
        "database",
        "cache",
        "storage",
        "secrets",
        "ecs_service",
        "alb",
        "monitoring",
    }
    assert expected <= {p.name for p in _module_dirs()}
    for directory in [*_module_dirs(), PRODUCTION]:
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf"):
            assert (directory / name).is_file(), f"{directory.name}/{name} is missing"


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(TERRAFORM)))
def test_every_variable_has_a_description(path: Path) -> None:
    for block_ in load(path).get("variable", []):
        for name, body in block_.items():
            description = body.get("description")
            assert isinstance(description, str), f"variable {name} has no description"
            assert description.strip(), f"variable {name} has an empty description"


@pytest.mark.parametrize(
    "directory", [*_module_dirs(), PRODUCTION], ids=lambda p: p.relative_to(TERRAFORM).as_posix()
)
def test_required_providers_are_pinned_by_range(directory: Path) -> None:
    terraform = load(directory / "versions.tf")["terraform"][0]
    assert terraform["required_version"].startswith(">=")
    providers = terraform["required_providers"][0]
    assert "aws" in providers
    for name, spec in providers.items():
        version = spec["version"]
        assert ">=" in version, f"{name}: no lower bound in {version!r}"
        assert "<" in version.replace("<=", ""), f"{name}: no upper bound in {version!r}"


def test_no_hard_coded_partition_in_arns() -> None:
    offenders = [
        str(p.relative_to(TERRAFORM))
        for p in tf_files()
        if "arn:aws:" in p.read_text(encoding="utf-8")
    ]
    assert offenders == [], "use data.aws_partition.current.partition instead of arn:aws:"
    partition_users = [p for p in tf_files() if 'data "aws_partition"' in p.read_text("utf-8")]
    assert partition_users, "ARNs must be built from data.aws_partition"


def test_default_tags_on_the_provider() -> None:
    provider = load(PRODUCTION / "providers.tf")["provider"][0]["aws"]
    default_tags = block(provider, "default_tags")
    assert expr(default_tags["tags"]) == "local.tags"
    tags = locals_(PRODUCTION)["tags"]
    assert "Environment" in tags
    assert "Project" in tags


def test_checkov_skips_are_inline_and_give_a_reason() -> None:
    skip = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")
    for path in tf_files():
        for line in path.read_text(encoding="utf-8").splitlines():
            match = skip.search(line)
            if match:
                assert re.fullmatch(r"CKV2?_[A-Z]+_\d+", match.group(1)), line
                assert len((match.group(2) or "").strip()) >= 30, f"skip without a reason: {line}"


# --------------------------------------------------------------------------------- database


def test_database_is_private_encrypted_and_backed_up() -> None:
    directory = MODULES / "database"
    (db,) = resources(directory, "aws_db_instance").values()

    assert db["publicly_accessible"] is False
    assert db["storage_encrypted"] is True
    assert expr(db["kms_key_id"]).startswith("module.kms.")
    assert db["deletion_protection"] is True
    assert db["iam_database_authentication_enabled"] is True
    assert db["auto_minor_version_upgrade"] is True
    assert db["performance_insights_enabled"] is True
    assert resolve(db["monitoring_interval"], directory) > 0
    assert set(db["enabled_cloudwatch_logs_exports"]) >= {"postgresql"}
    assert db["skip_final_snapshot"] is False
    assert resolve(db["multi_az"], directory) is True

    assert resolve(db["backup_retention_period"], directory) >= 7
    validation = variables(directory)["backup_retention_period"]["validation"][0]
    assert ">= 7" in validation["condition"]

    environment_value = modules(PRODUCTION)["database"]["backup_retention_period"]
    assert resolve(environment_value, PRODUCTION) >= 7


def test_database_is_reachable_only_from_the_app_services() -> None:
    directory = MODULES / "database"
    (db,) = resources(directory, "aws_db_instance").values()
    assert [expr(group) for group in db["vpc_security_group_ids"]] == ["aws_security_group.this.id"]
    for rule in resources(directory, "aws_vpc_security_group_ingress_rule").values():
        assert "referenced_security_group_id" in rule
        assert "cidr_ipv4" not in rule
    call = modules(PRODUCTION)["database"]
    assert expr(call["subnet_ids"]) == "module.network.database_subnet_ids"
    assert expr(call["allowed_security_group_ids"]) == "local.data_clients"
    clients = locals_(PRODUCTION)["data_clients"]
    assert set(clients) == {"web", "worker", "beat"}


def test_parameter_group_enforces_tls() -> None:
    (group,) = resources(MODULES / "database", "aws_db_parameter_group").values()
    parameters = {p["name"]: p["value"] for p in group["parameter"]}
    assert parameters["rds.force_ssl"] == "1"


# --------------------------------------------------------------------------------- cache


def test_redis_is_encrypted_with_an_auth_token_from_secrets_manager() -> None:
    directory = MODULES / "cache"
    (redis,) = resources(directory, "aws_elasticache_replication_group").values()
    assert redis["at_rest_encryption_enabled"] is True
    assert redis["transit_encryption_enabled"] is True
    assert expr(redis["kms_key_id"]).startswith("module.kms.")
    assert expr(redis["auth_token"]).startswith("aws_secretsmanager_secret_version.")
    assert redis["automatic_failover_enabled"] is True
    assert redis["multi_az_enabled"] is True
    assert resources(directory, "aws_secretsmanager_secret")


# --------------------------------------------------------------------------------- storage


def test_every_bucket_blocks_public_access() -> None:
    directory = MODULES / "storage"
    buckets = resources(directory, "aws_s3_bucket")
    blocks = resources(directory, "aws_s3_bucket_public_access_block")
    covered = {expr(b["bucket"]) for b in blocks.values()}
    assert covered == {f"aws_s3_bucket.{name}.id" for name in buckets}
    for name, settings in blocks.items():
        for flag in (
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ):
            assert settings[flag] is True, f"{name}.{flag}"


def test_uploads_bucket_uses_sse_kms_versioning_logging_and_tls_only() -> None:
    directory = MODULES / "storage"
    sse = resources(directory, "aws_s3_bucket_server_side_encryption_configuration")["uploads"]
    assert expr(sse["bucket"]) == "aws_s3_bucket.uploads.id"
    default = block(block(sse, "rule"), "apply_server_side_encryption_by_default")
    assert default["sse_algorithm"] == "aws:kms"
    assert expr(default["kms_master_key_id"]).startswith("module.kms.")

    versioning = resources(directory, "aws_s3_bucket_versioning")["uploads"]
    assert block(versioning, "versioning_configuration")["status"] == "Enabled"
    assert "uploads" in resources(directory, "aws_s3_bucket_logging")
    assert "uploads" in resources(directory, "aws_s3_bucket_lifecycle_configuration")

    for name, policy in resources(directory, "aws_s3_bucket_policy").items():
        assert "aws:SecureTransport" in policy["policy"], f"{name} policy is not TLS-only"


# --------------------------------------------------------------------------------- ECS


def _service_calls() -> dict[str, dict]:
    return {
        name: body
        for name, body in modules(PRODUCTION).items()
        if body["source"].rstrip("/").endswith(SERVICE_MODULE)
    }


def test_exactly_three_long_running_services_share_one_image() -> None:
    services = _service_calls()
    assert sorted(services) == ["beat", "web", "worker"]
    assert {body["name"] for body in services.values()} == {"web", "worker", "beat"}
    assert {expr(body["image"]) for body in services.values()} == {"var.image"}

    # The service module defines one aws_ecs_service, and nothing else defines any.
    assert len(resources(MODULES / "ecs_service", "aws_ecs_service")) == 1
    assert len(all_resources("aws_ecs_service")) == 1


def test_service_commands() -> None:
    services = _service_calls()
    web, worker, beat = (services[n]["command"] for n in ("web", "worker", "beat"))
    assert web[0] == "gunicorn"
    assert "config.wsgi:application" in web
    assert worker[:4] == ["celery", "-A", "config.celery_app", "worker"]
    assert beat[:4] == ["celery", "-A", "config.celery_app", "beat"]


def test_beat_runs_exactly_one_task() -> None:
    beat = _service_calls()["beat"]
    assert beat["desired_count"] == 1
    assert "autoscaling" not in beat
    # Deployments stop the old scheduler before starting the new one.
    assert beat["deployment_maximum_percent"] == 100
    assert beat["deployment_minimum_healthy_percent"] == 0


def test_web_and_worker_autoscale() -> None:
    services = _service_calls()
    assert {"min_capacity", "max_capacity", "cpu_target", "requests_per_target"} <= set(
        services["web"]["autoscaling"]
    )
    assert {"min_capacity", "max_capacity", "cpu_target"} <= set(services["worker"]["autoscaling"])
    policies = resources(MODULES / "ecs_service", "aws_appautoscaling_policy")
    metric_types = {
        block(
            block(p, "target_tracking_scaling_policy_configuration"),
            "predefined_metric_specification",
        )["predefined_metric_type"]
        for p in policies.values()
    }
    assert metric_types == {"ECSServiceAverageCPUUtilization", "ALBRequestCountPerTarget"}


def test_migration_is_a_one_off_task_with_the_parallel_executor() -> None:
    migrate = modules(PRODUCTION)["migrate"]
    assert migrate["source"].rstrip("/").endswith("modules/ecs_task")
    assert expr(migrate["image"]) == "var.image"
    assert migrate["command"] == [
        "python",
        "manage.py",
        "migrate_schemas",
        "--executor=multiprocessing",
    ]


def test_containers_get_the_production_environment_and_secrets() -> None:
    environment = locals_(PRODUCTION)["app_environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert expr(environment["JFB_BASE_DOMAIN"]) == "var.base_domain"
    assert expr(environment["AWS_STORAGE_BUCKET_NAME"]) == "module.storage.uploads_bucket_name"

    secret_keys = locals_(MODULES / "secrets")["keys"]
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "SENTRY_DSN"} <= set(
        secret_keys
    )
    for call in [*_service_calls().values(), modules(PRODUCTION)["migrate"]]:
        assert expr(call["secrets"]) == "module.secrets.container_secrets"


def test_task_definitions_harden_the_container() -> None:
    # The container definition is an HCL expression (merge of objects); python-hcl2 renders it
    # as text whose exact spelling differs between versions, hence the tolerant patterns.
    container = locals_(MODULES / "ecs_task")["container"]
    assert re.search(r"""readonlyRootFilesystem["']?\s*[=:]\s*[Tt]rue""", container)
    assert re.search(r"""privileged["']?\s*[=:]\s*[Ff]alse""", container)
    (task,) = resources(MODULES / "ecs_task", "aws_ecs_task_definition").values()
    assert task["requires_compatibilities"] == ["FARGATE"]
    assert task["network_mode"] == "awsvpc"
    assert expr(task["execution_role_arn"]) != expr(task["task_role_arn"])


def test_execution_and_task_roles_are_least_privilege() -> None:
    policies = [body["policy"] for _, _, body in all_resources("aws_iam_role_policy")]
    assert policies
    actions = [
        token
        for policy in policies
        for token in re.findall(r'"([a-z0-9-]+:[A-Za-z0-9*]+)"', policy)
        if not token.startswith(("aws:", "kms:ViaService", "s3:x-amz"))
    ]
    assert actions
    assert [a for a in actions if "*" in a] == [], "no wildcard IAM actions"
    assert not any(re.search(r'Action\s*=\s*"\*"', policy) for policy in policies)
    task_policy = resources(MODULES / "ecs_cluster", "aws_iam_role_policy")["task"]["policy"]
    assert "var.uploads_bucket_arn" in task_policy
    assert "secretsmanager" not in task_policy
    execution_policy = resources(MODULES / "ecs_cluster", "aws_iam_role_policy")["execution"][
        "policy"
    ]
    assert "secretsmanager:GetSecretValue" in execution_policy
    assert "var.app_secret_arn" in execution_policy


# --------------------------------------------------------------------------------- ALB


def test_https_listener_uses_the_wildcard_certificate_with_the_base_domain() -> None:
    directory = MODULES / "alb"
    (certificate,) = resources(directory, "aws_acm_certificate").values()
    assert certificate["domain_name"] == "*.${var.base_domain}"
    assert [expr(name) for name in certificate["subject_alternative_names"]] == ["var.base_domain"]

    listeners = resources(directory, "aws_lb_listener")
    https = next(body for body in listeners.values() if body["protocol"] == "HTTPS")
    assert https["port"] == 443
    assert expr(https["certificate_arn"]) == "local.certificate_arn"
    certificate_arn = expr(locals_(directory)["certificate_arn"])
    assert "aws_acm_certificate_validation.this[0].certificate_arn" in certificate_arn
    assert "var.certificate_arn" in certificate_arn
    (validation,) = resources(directory, "aws_acm_certificate_validation").values()
    assert expr(validation["certificate_arn"]) == "aws_acm_certificate.this[0].arn"
    assert resolve(https["ssl_policy"], directory).startswith("ELBSecurityPolicy-TLS13-")


def test_http_redirects_to_https() -> None:
    listeners = resources(MODULES / "alb", "aws_lb_listener")
    http = next(body for body in listeners.values() if body["protocol"] == "HTTP")
    assert http["port"] == 80
    action = block(http, "default_action")
    assert action["type"] == "redirect"
    redirect = block(action, "redirect")
    assert redirect["protocol"] == "HTTPS"
    assert redirect["status_code"] == "HTTP_301"


def test_load_balancer_hardening_and_access_logs() -> None:
    (alb,) = resources(MODULES / "alb", "aws_lb").values()
    assert alb["drop_invalid_header_fields"] is True
    assert alb["enable_deletion_protection"] is True
    access_logs = block(alb, "access_logs")
    assert access_logs["enabled"] is True
    assert resources(MODULES / "alb", "aws_wafv2_web_acl_association")


# --------------------------------------------------------------------------------- logs, keys


def test_log_groups_are_encrypted_and_kept_a_year() -> None:
    groups = all_resources("aws_cloudwatch_log_group")
    assert groups
    for path, name, body in groups:
        assert "kms_key_id" in body, f"{path.parent.name}: log group {name} is not encrypted"
        assert resolve(body["retention_in_days"], path.parent) >= 365
    production_retention = variables(PRODUCTION)["log_retention_days"]["default"]
    assert production_retention >= 365


def test_kms_keys_rotate() -> None:
    keys = all_resources("aws_kms_key")
    assert keys
    for path, name, body in keys:
        assert body["enable_key_rotation"] is True, f"{path.parent.name}: {name}"
        assert "policy" in body


def test_alarms_cover_5xx_database_and_worker() -> None:
    alarms = resources(MODULES / "monitoring", "aws_cloudwatch_metric_alarm")
    assert {"alb_5xx_rate", "db_cpu", "db_free_storage", "worker_cpu"} <= set(alarms)
    for name, alarm in alarms.items():
        assert expr(alarm["alarm_actions"]) == "local.actions", name
    (topic,) = resources(MODULES / "monitoring", "aws_sns_topic").values()
    assert "kms_master_key_id" in topic


def test_outputs_name_the_hosts() -> None:
    outputs = {}
    for block_ in load(PRODUCTION / "outputs.tf")["output"]:
        outputs.update(block_)
    assert outputs["base_url"]["value"] == "https://${var.base_domain}"
    assert outputs["township_url_pattern"]["value"] == "https://{slug}.${var.base_domain}"
    assert expr(outputs["alb_dns_name"]["value"]) == "module.alb.alb_dns_name"


def test_readme_documents_every_variable_and_output() -> None:
    readme = (TERRAFORM.parent / "README.md").read_text(encoding="utf-8")
    for name in variables(PRODUCTION):
        assert f"| `{name}` |" in readme, f"variable {name} missing from infra/README.md"
    for block_ in load(PRODUCTION / "outputs.tf")["output"]:
        for name in block_:
            assert f"| `{name}` |" in readme, f"output {name} missing from infra/README.md"

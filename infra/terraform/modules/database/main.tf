# PostgreSQL on RDS for the schema-per-township database.
#
# - encrypted with a dedicated customer-managed KMS key (storage, snapshots, Performance Insights)
# - automated backups kept var.backup_retention_period days; RDS point-in-time recovery is
#   implicit in automated backups (restore to any second inside the window, ~5 minutes RPO)
# - in isolated subnets, never publicly accessible; the security group admits only the app tasks
# - TLS enforced (rds.force_ssl), IAM database authentication enabled, Enhanced Monitoring,
#   Performance Insights, PostgreSQL and upgrade logs exported to CloudWatch, deletion protection
# - the master password is generated here and kept in Secrets Manager (RDS-format JSON secret)

data "aws_partition" "current" {}

data "aws_service_principal" "rds_monitoring" {
  service_name = "monitoring.rds"
}

locals {
  engine_major     = split(".", var.engine_version)[0]
  parameter_family = "postgres${local.engine_major}"
  port             = 5432
}

module "kms" {
  source = "../kms"

  alias       = "${var.name}/rds"
  description = "${var.name}: RDS PostgreSQL storage, snapshots and Performance Insights"
}

resource "random_password" "master" {
  length  = 40
  special = false # the password travels inside DATABASE_URL: keep it URL-safe
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-db-"
  description = "PostgreSQL ${var.name}: ingress only from the application tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-db" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_app" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
}

resource "aws_db_subnet_group" "this" {
  name_prefix = "${var.name}-"
  description = "Isolated subnets of ${var.name} PostgreSQL"
  subnet_ids  = var.subnet_ids
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${var.name}-${local.parameter_family}-"
  family      = local.parameter_family
  description = "${var.name} PostgreSQL ${local.engine_major}: TLS only, slow-query and DDL logging"

  parameter {
    name  = "rds.force_ssl"
    value = "1"
  }

  parameter {
    name  = "log_min_duration_statement"
    value = tostring(var.log_min_duration_statement_ms)
  }

  parameter {
    name  = "log_statement"
    value = "ddl"
  }

  parameter {
    name  = "log_connections"
    value = "1"
  }

  parameter {
    name  = "log_disconnections"
    value = "1"
  }

  parameter {
    name  = "log_lock_waits"
    value = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_iam_role" "monitoring" {
  name_prefix = "${substr(var.name, 0, 24)}-rdsmon-"
  description = "Lets RDS Enhanced Monitoring publish OS metrics of ${var.name}."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "RdsMonitoringAssumeRole"
      Effect    = "Allow"
      Principal = { Service = data.aws_service_principal.rds_monitoring.name }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

# Created up front so that retention and KMS encryption apply from the first log line
# (RDS would otherwise create them unencrypted with infinite retention).
resource "aws_cloudwatch_log_group" "exports" {
  for_each = toset(["postgresql", "upgrade"])

  name              = "/aws/rds/instance/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_db_instance" "this" {
  identifier = var.name

  engine                      = "postgres"
  engine_version              = var.engine_version
  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  instance_class              = var.instance_class
  parameter_group_name        = aws_db_parameter_group.this.name
  ca_cert_identifier          = var.ca_cert_identifier

  db_name  = var.database_name
  username = var.master_username
  password = random_password.master.result
  port     = local.port

  allocated_storage     = var.allocated_storage
  max_allocated_storage = var.max_allocated_storage
  storage_type          = "gp3"
  storage_encrypted     = true
  kms_key_id            = module.kms.key_arn

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  publicly_accessible    = false

  iam_database_authentication_enabled = true

  backup_retention_period   = var.backup_retention_period
  backup_window             = var.backup_window
  maintenance_window        = var.maintenance_window
  copy_tags_to_snapshot     = true
  delete_automated_backups  = false
  deletion_protection       = true
  skip_final_snapshot       = false
  final_snapshot_identifier = "${var.name}-final"

  monitoring_interval                   = var.monitoring_interval
  monitoring_role_arn                   = aws_iam_role.monitoring.arn
  performance_insights_enabled          = true
  performance_insights_kms_key_id       = module.kms.key_arn
  performance_insights_retention_period = var.performance_insights_retention_period
  enabled_cloudwatch_logs_exports       = ["postgresql", "upgrade"]

  apply_immediately = false

  depends_on = [
    aws_cloudwatch_log_group.exports,
    aws_iam_role_policy_attachment.monitoring,
  ]
}

# The master credentials in the JSON layout RDS rotation functions expect.
resource "aws_secretsmanager_secret" "master" {
  #checkov:skip=CKV2_AWS_57:The same password is embedded in the app's DATABASE_URL secret; automatic rotation would break running tasks. Rotation is a runbook step (see infra/README.md), and the JSON layout is compatible with the RDS single-user rotation function if it is enabled later.
  name_prefix             = "${var.name}/rds-master-"
  description             = "Master credentials of the ${var.name} PostgreSQL instance (RDS secret layout)."
  kms_key_id              = var.secrets_kms_key_arn
  recovery_window_in_days = 30
}

resource "aws_secretsmanager_secret_version" "master" {
  secret_id = aws_secretsmanager_secret.master.id
  secret_string = jsonencode({
    engine               = "postgres"
    host                 = aws_db_instance.this.address
    port                 = aws_db_instance.this.port
    username             = aws_db_instance.this.username
    password             = random_password.master.result
    dbname               = var.database_name
    dbInstanceIdentifier = aws_db_instance.this.identifier
  })
}

# The application's runtime secret: one Secrets Manager secret (KMS-encrypted) whose JSON keys
# are the environment variables the containers receive through the task definitions' `secrets`
# (valueFrom = "<secret-arn>:<KEY>::"). The Django SECRET_KEY is generated here; the connection
# URLs are composed from the database and cache modules' outputs.

locals {
  # Keys of the JSON secret, each one an environment variable of the containers.
  keys = ["DJANGO_SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL", "SENTRY_DSN"]

  redis_base = "rediss://:${var.redis.auth_token}@${var.redis.host}:${var.redis.port}"
}

resource "random_password" "django_secret_key" {
  length           = 64
  special          = true
  override_special = "!#%&*()-_=+[]{}<>:?"
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:Composite secret (Django key, connection URLs with credentials owned by RDS/ElastiCache, Sentry DSN issued by Sentry); no single rotation Lambda can rotate it consistently. Rotation is the documented runbook in infra/README.md (replace the credential, apply, force a new deployment).
  name_prefix             = "${var.name}/app-"
  description             = "Runtime secrets of ${var.name} (JSON: ${join(", ", local.keys)})."
  kms_key_id              = var.kms_key_arn
  recovery_window_in_days = var.recovery_window_in_days
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({
    DJANGO_SECRET_KEY = random_password.django_secret_key.result
    # sslmode=require: the parameter group enforces TLS (rds.force_ssl = 1).
    DATABASE_URL      = "postgres://${var.database.username}:${var.database.password}@${var.database.host}:${var.database.port}/${var.database.name}?sslmode=require"
    CELERY_BROKER_URL = "${local.redis_base}/0?ssl_cert_reqs=required"
    REDIS_URL         = "${local.redis_base}/1?ssl_cert_reqs=required"
    SENTRY_DSN        = var.sentry_dsn
  })
}

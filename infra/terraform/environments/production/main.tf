# Jifenbao production: one VPC, PostgreSQL (RDS), Redis (ElastiCache), the uploads bucket, and the
# web / worker / beat services on ECS Fargate, all running the ONE application image var.image.

data "aws_partition" "current" {}

data "aws_service_principal" "logs" {
  service_name = "logs"
}

data "aws_caller_identity" "current" {}

locals {
  name           = "${var.project}-${var.environment}"
  container_port = 8000

  tags = merge(
    {
      Project     = var.project
      Environment = var.environment
      ManagedBy   = "terraform"
      Stack       = "infra/terraform/environments/production"
    },
    var.tags,
  )

  # Plain environment of every application container. The secret ones (DJANGO_SECRET_KEY,
  # DATABASE_URL, CELERY_BROKER_URL, REDIS_URL, SENTRY_DSN) come from Secrets Manager via
  # module.secrets.container_secrets.
  app_environment = {
    DJANGO_SETTINGS_MODULE  = "config.settings.production"
    JFB_BASE_DOMAIN         = var.base_domain
    JFB_ENVIRONMENT         = var.environment
    AWS_STORAGE_BUCKET_NAME = module.storage.uploads_bucket_name
    AWS_S3_REGION_NAME      = var.region
    AWS_DEFAULT_REGION      = var.region
  }

  health_check_command = ["CMD", "python", "/app/docker/healthcheck.py"]

  # The only security groups PostgreSQL and Redis admit. The one-off migration task runs in the
  # worker's security group (see the migrate_run_task_command output).
  data_clients = {
    web    = module.web.security_group_id
    worker = module.worker.security_group_id
    beat   = module.beat.security_group_id
  }
}

# ---------------------------------------------------------------------------------------------
# Shared KMS keys (the data modules create their own keys for their data at rest)

module "logs_kms" {
  source = "../../modules/kms"

  alias       = "${local.name}/logs"
  description = "${local.name}: CloudWatch log groups"
  service_principal_statements = [{
    sid       = "CloudWatchLogsUseKey"
    principal = data.aws_service_principal.logs.id # regional: logs.<region>.amazonaws.com[.cn]
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    conditions = [{
      test     = "ArnLike"
      variable = "kms:EncryptionContext:aws:logs:arn"
      values   = ["arn:${data.aws_partition.current.partition}:logs:${var.region}:${data.aws_caller_identity.current.account_id}:log-group:*"]
    }]
  }]
}

module "secrets_kms" {
  source = "../../modules/kms"

  alias       = "${local.name}/secrets"
  description = "${local.name}: Secrets Manager secrets"
}

# ---------------------------------------------------------------------------------------------
# Network, data tier, storage

module "network" {
  source = "../../modules/network"

  name               = local.name
  cidr_block         = var.vpc_cidr
  availability_zones = var.availability_zones
  single_nat_gateway = var.single_nat_gateway
  logs_kms_key_arn   = module.logs_kms.key_arn
  log_retention_days = var.log_retention_days
}

module "database" {
  source = "../../modules/database"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = local.data_clients
  engine_version             = var.db_engine_version
  instance_class             = var.db_instance_class
  allocated_storage          = var.db_allocated_storage
  max_allocated_storage      = var.db_max_allocated_storage
  multi_az                   = var.db_multi_az
  backup_retention_period    = var.db_backup_retention_days
  secrets_kms_key_arn        = module.secrets_kms.key_arn
  logs_kms_key_arn           = module.logs_kms.key_arn
  log_retention_days         = var.log_retention_days
}

module "cache" {
  source = "../../modules/cache"

  name                       = local.name
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.database_subnet_ids
  allowed_security_group_ids = local.data_clients
  node_type                  = var.cache_node_type
  num_cache_clusters         = var.cache_node_count
  secrets_kms_key_arn        = module.secrets_kms.key_arn
  logs_kms_key_arn           = module.logs_kms.key_arn
  log_retention_days         = var.log_retention_days
}

module "storage" {
  source = "../../modules/storage"

  name                          = local.name
  uploads_transition_to_ia_days = var.uploads_transition_to_ia_days
}

module "secrets" {
  source = "../../modules/secrets"

  name        = local.name
  kms_key_arn = module.secrets_kms.key_arn
  sentry_dsn  = var.sentry_dsn
  database = {
    host     = module.database.address
    port     = module.database.port
    name     = module.database.database_name
    username = module.database.master_username
    password = module.database.master_password
  }
  redis = {
    host       = module.cache.primary_endpoint_address
    port       = module.cache.port
    auth_token = module.cache.auth_token
  }
}

# ---------------------------------------------------------------------------------------------
# Load balancer, image registry, ECS

module "alb" {
  source = "../../modules/alb"

  name               = local.name
  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  public_subnet_ids  = module.network.public_subnet_ids
  base_domain        = var.base_domain
  certificate_arn    = var.certificate_arn
  route53_zone_id    = var.route53_zone_id
  ssl_policy         = var.alb_ssl_policy
  container_port     = local.container_port
  access_logs_bucket = module.storage.logs_bucket_name
  access_logs_prefix = module.storage.alb_log_prefix
  waf_rate_limit     = var.waf_rate_limit
  logs_kms_key_arn   = module.logs_kms.key_arn
  log_retention_days = var.log_retention_days
}

module "registry" {
  source = "../../modules/registry"

  name = local.name
}

module "ecs_cluster" {
  source = "../../modules/ecs_cluster"

  name                = local.name
  ecr_repository_arn  = module.registry.repository_arn
  app_secret_arn      = module.secrets.secret_arn
  secrets_kms_key_arn = module.secrets_kms.key_arn
  uploads_bucket_arn  = module.storage.uploads_bucket_arn
  uploads_kms_key_arn = module.storage.uploads_kms_key_arn
}

# The three long-running services. Same image, different command.

module "web" {
  source = "../../modules/ecs_service"

  name               = "web"
  image              = var.image
  command            = ["gunicorn", "--config", "/app/docker/gunicorn.conf.py", "config.wsgi:application"]
  cpu                = var.web_cpu
  memory             = var.web_memory
  cpu_architecture   = var.cpu_architecture
  environment        = merge(local.app_environment, { JFB_PROCESS_TYPE = "web", WEB_CONCURRENCY = tostring(var.gunicorn_workers) })
  secrets            = module.secrets.container_secrets
  desired_count      = var.web_min_count
  cluster_arn        = module.ecs_cluster.cluster_arn
  cluster_name       = module.ecs_cluster.cluster_name
  execution_role_arn = module.ecs_cluster.execution_role_arn
  task_role_arn      = module.ecs_cluster.task_role_arn
  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  subnet_ids         = module.network.private_subnet_ids
  log_group_prefix   = module.ecs_cluster.log_group_prefix
  logs_kms_key_arn   = module.logs_kms.key_arn
  log_retention_days = var.log_retention_days

  health_check_command = local.health_check_command
  stop_timeout         = 30

  load_balancer = {
    target_group_arn         = module.alb.target_group_arn
    target_group_arn_suffix  = module.alb.target_group_arn_suffix
    load_balancer_arn_suffix = module.alb.alb_arn_suffix
    security_group_id        = module.alb.security_group_id
    container_port           = local.container_port
  }

  autoscaling = {
    min_capacity        = var.web_min_count
    max_capacity        = var.web_max_count
    cpu_target          = var.web_cpu_target
    requests_per_target = var.web_requests_per_target
  }
}

module "worker" {
  source = "../../modules/ecs_service"

  name               = "worker"
  image              = var.image
  command            = ["celery", "-A", "config.celery_app", "worker", "--loglevel=INFO", "--concurrency=${var.worker_concurrency}"]
  cpu                = var.worker_cpu
  memory             = var.worker_memory
  cpu_architecture   = var.cpu_architecture
  environment        = merge(local.app_environment, { JFB_PROCESS_TYPE = "worker" })
  secrets            = module.secrets.container_secrets
  desired_count      = var.worker_min_count
  cluster_arn        = module.ecs_cluster.cluster_arn
  cluster_name       = module.ecs_cluster.cluster_name
  execution_role_arn = module.ecs_cluster.execution_role_arn
  task_role_arn      = module.ecs_cluster.task_role_arn
  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  subnet_ids         = module.network.private_subnet_ids
  log_group_prefix   = module.ecs_cluster.log_group_prefix
  logs_kms_key_arn   = module.logs_kms.key_arn
  log_retention_days = var.log_retention_days

  # `celery inspect ping` of this worker; slow to start, so probed less often.
  health_check_command  = local.health_check_command
  health_check_interval = 60
  health_check_timeout  = 20
  # Warm shutdown: running tasks get up to two minutes to finish (late acks re-queue the rest).
  stop_timeout = 120

  autoscaling = {
    min_capacity = var.worker_min_count
    max_capacity = var.worker_max_count
    cpu_target   = var.worker_cpu_target
  }
}

module "beat" {
  source = "../../modules/ecs_service"

  name  = "beat"
  image = var.image
  # The schedule state goes to the writable /tmp volume (the root filesystem is read-only).
  command            = ["celery", "-A", "config.celery_app", "beat", "--loglevel=INFO", "--schedule=/tmp/celerybeat-schedule"]
  cpu                = var.beat_cpu
  memory             = var.beat_memory
  cpu_architecture   = var.cpu_architecture
  environment        = merge(local.app_environment, { JFB_PROCESS_TYPE = "beat" })
  secrets            = module.secrets.container_secrets
  cluster_arn        = module.ecs_cluster.cluster_arn
  cluster_name       = module.ecs_cluster.cluster_name
  execution_role_arn = module.ecs_cluster.execution_role_arn
  task_role_arn      = module.ecs_cluster.task_role_arn
  vpc_id             = module.network.vpc_id
  vpc_cidr_block     = module.network.vpc_cidr_block
  subnet_ids         = module.network.private_subnet_ids
  log_group_prefix   = module.ecs_cluster.log_group_prefix
  logs_kms_key_arn   = module.logs_kms.key_arn
  log_retention_days = var.log_retention_days

  # Exactly one scheduler, always: a second beat would queue every periodic task twice.
  # No autoscaling; deployments stop the old task before starting the new one.
  desired_count                      = 1
  deployment_minimum_healthy_percent = 0
  deployment_maximum_percent         = 100
  stop_timeout                       = 30
}

# One-off database migrations (not a service): run before each deployment, see infra/README.md.
module "migrate" {
  source = "../../modules/ecs_task"

  family             = "${module.ecs_cluster.cluster_name}-migrate"
  container_name     = "migrate"
  image              = var.image
  command            = ["python", "manage.py", "migrate_schemas", "--executor=multiprocessing"]
  cpu                = var.migrate_cpu
  memory             = var.migrate_memory
  cpu_architecture   = var.cpu_architecture
  environment        = merge(local.app_environment, { JFB_PROCESS_TYPE = "migrate" })
  secrets            = module.secrets.container_secrets
  execution_role_arn = module.ecs_cluster.execution_role_arn
  task_role_arn      = module.ecs_cluster.task_role_arn
  log_group_prefix   = module.ecs_cluster.log_group_prefix
  logs_kms_key_arn   = module.logs_kms.key_arn
  log_retention_days = var.log_retention_days
  stop_timeout       = 120
}

# ---------------------------------------------------------------------------------------------
# Alarms

module "monitoring" {
  source = "../../modules/monitoring"

  name                       = local.name
  alarm_emails               = var.alarm_emails
  alb_arn_suffix             = module.alb.alb_arn_suffix
  target_group_arn_suffix    = module.alb.target_group_arn_suffix
  db_instance_id             = module.database.instance_id
  cache_replication_group_id = module.cache.replication_group_id
  cache_node_count           = var.cache_node_count
  ecs_cluster_name           = module.ecs_cluster.cluster_name
  worker_service_name        = module.worker.service_name
  beat_service_name          = module.beat.service_name
}

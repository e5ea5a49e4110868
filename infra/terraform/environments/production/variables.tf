# ----------------------------------------------------------------------------------- identity

variable "region" {
  description = "AWS region to deploy to, e.g. cn-northwest-1 (Ningxia), cn-north-1 (Beijing) or any commercial region. The partition (aws / aws-cn) follows from it."
  type        = string
}

variable "project" {
  description = "Project name, first part of every resource name."
  type        = string
  default     = "jifenbao"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.project))
    error_message = "project must be 2-16 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name, second part of every resource name; also JFB_ENVIRONMENT (Sentry environment) in the containers."
  type        = string
  default     = "production"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,11}$", var.environment))
    error_message = "environment must be 2-12 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags added to every resource (merged into the provider's default_tags)."
  type        = map(string)
  default     = {}
}

# ----------------------------------------------------------------------------------- domain and TLS

variable "base_domain" {
  description = "Base domain (JFB_BASE_DOMAIN): the public site is https://<base_domain>, township <slug> is https://<slug>.<base_domain>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.base_domain))
    error_message = "base_domain must be a lowercase DNS name without scheme, port or wildcard, e.g. jifenbao.example.cn."
  }
}

variable "certificate_arn" {
  description = "ARN of an ACM certificate (imported or issued) covering *.<base_domain> and <base_domain>. Leave null to request a DNS-validated ACM certificate. In the AWS China regions import the certificate into ACM and set this."
  type        = string
  default     = null
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of base_domain; when set, certificate validation and the alias records for <base_domain> and *.<base_domain> are managed here. null = DNS is managed elsewhere."
  type        = string
  default     = null
}

variable "alb_ssl_policy" {
  description = "TLS security policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes above which AWS WAF blocks the client. Mobile carriers put many users behind one NAT address, so keep it generous."
  type        = number
  default     = 10000
}

# ----------------------------------------------------------------------------------- network

variable "vpc_cidr" {
  description = "CIDR of the VPC (/16)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "availability_zones" {
  description = "Availability Zones to use (2 or 3 of the region's zone names, e.g. [\"cn-northwest-1a\", \"cn-northwest-1b\"]; cn-north-1 has 1a, 1b and 1d). Pinned explicitly so that subnets never move when AWS adds a zone."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "Give 2 or 3 Availability Zones."
  }
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway instead of one per AZ (cheaper, less available)."
  type        = bool
  default     = false
}

# ----------------------------------------------------------------------------------- image and services

variable "image" {
  description = "Application image for web, worker, beat and the migration task: the ECR repository URL (output ecr_repository_url) with an immutable tag or @sha256 digest, never :latest."
  type        = string

  validation {
    condition     = length(regexall("(@sha256:[0-9a-f]{64}|:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$", var.image)) > 0 && !endswith(var.image, ":latest")
    error_message = "image must end with an explicit tag (not :latest) or an @sha256 digest."
  }
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for (X86_64 or ARM64/Graviton)."
  type        = string
  default     = "X86_64"
}

variable "web_cpu" {
  description = "Fargate CPU units of one web task."
  type        = number
  default     = 1024
}

variable "web_memory" {
  description = "Memory (MiB) of one web task."
  type        = number
  default     = 2048
}

variable "web_min_count" {
  description = "Minimum (and initial) number of web tasks; at least 2 to survive the loss of an AZ."
  type        = number
  default     = 2
}

variable "web_max_count" {
  description = "Maximum number of web tasks autoscaling may run."
  type        = number
  default     = 10
}

variable "web_cpu_target" {
  description = "Average CPU percentage the web service's autoscaling keeps."
  type        = number
  default     = 60
}

variable "web_requests_per_target" {
  description = "ALB requests per web task per minute that the web service's autoscaling keeps."
  type        = number
  default     = 600
}

variable "gunicorn_workers" {
  description = "gunicorn worker processes per web task (WEB_CONCURRENCY); about 2 per vCPU plus 1."
  type        = number
  default     = 3
}

variable "worker_cpu" {
  description = "Fargate CPU units of one Celery worker task."
  type        = number
  default     = 1024
}

variable "worker_memory" {
  description = "Memory (MiB) of one Celery worker task (WeasyPrint PDF rendering is memory hungry)."
  type        = number
  default     = 2048
}

variable "worker_min_count" {
  description = "Minimum (and initial) number of Celery worker tasks."
  type        = number
  default     = 2
}

variable "worker_max_count" {
  description = "Maximum number of Celery worker tasks."
  type        = number
  default     = 8
}

variable "worker_cpu_target" {
  description = "Average CPU percentage the worker service's autoscaling keeps."
  type        = number
  default     = 70
}

variable "worker_concurrency" {
  description = "Celery worker processes per worker task (--concurrency)."
  type        = number
  default     = 2
}

variable "beat_cpu" {
  description = "Fargate CPU units of the single Celery beat task."
  type        = number
  default     = 256
}

variable "beat_memory" {
  description = "Memory (MiB) of the single Celery beat task."
  type        = number
  default     = 512
}

variable "migrate_cpu" {
  description = "Fargate CPU units of the one-off migration task (migrate_schemas runs townships in parallel processes)."
  type        = number
  default     = 2048
}

variable "migrate_memory" {
  description = "Memory (MiB) of the one-off migration task."
  type        = number
  default     = 4096
}

# ----------------------------------------------------------------------------------- database

variable "db_instance_class" {
  description = "RDS instance class of PostgreSQL."
  type        = string
  default     = "db.m6g.large"
}

variable "db_engine_version" {
  description = "PostgreSQL major (or major.minor) version."
  type        = string
  default     = "16"
}

variable "db_allocated_storage" {
  description = "Initial database storage in GiB (gp3)."
  type        = number
  default     = 100
}

variable "db_max_allocated_storage" {
  description = "Storage autoscaling limit in GiB."
  type        = number
  default     = 1000
}

variable "db_multi_az" {
  description = "Multi-AZ standby with automatic failover."
  type        = bool
  default     = true
}

variable "db_backup_retention_days" {
  description = "Automated backup retention in days (7-35); point-in-time recovery covers the same window."
  type        = number
  default     = 14
}

# ----------------------------------------------------------------------------------- cache

variable "cache_node_type" {
  description = "ElastiCache node type of Redis."
  type        = string
  default     = "cache.t4g.medium"
}

variable "cache_node_count" {
  description = "Redis nodes (primary + replicas, at least 2)."
  type        = number
  default     = 2
}

# ----------------------------------------------------------------------------------- storage, logs, alarms

variable "uploads_transition_to_ia_days" {
  description = "Days after which uploads move to S3 STANDARD_IA."
  type        = number
  default     = 90
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group in days (at least 365)."
  type        = number
  default     = 400

  validation {
    condition     = contains([365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch retention value of at least 365 (365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653)."
  }
}

variable "sentry_dsn" {
  description = "Sentry DSN (SENTRY_DSN); empty disables Sentry. Sensitive: pass it through TF_VAR_sentry_dsn, not a committed file."
  type        = string
  default     = ""
  sensitive   = true
}

variable "alarm_emails" {
  description = "E-mail addresses notified by the alarm SNS topic."
  type        = list(string)
  default     = []
}

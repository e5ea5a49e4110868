variable "name" {
  description = "Identifier prefix of the database resources, e.g. \"jifenbao-production\"."
  type        = string
}

variable "vpc_id" {
  description = "VPC the database security group is created in."
  type        = string
}

variable "subnet_ids" {
  description = "Private (isolated) subnets of the DB subnet group, in at least two AZs."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "At least two subnets (two AZs) are required."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the PostgreSQL port, keyed by a static name (e.g. { app = sg-... }). Nothing else can reach the database."
  type        = map(string)
}

variable "engine_version" {
  description = "PostgreSQL engine version. A major version (\"16\") lets RDS pick and upgrade the minor version."
  type        = string
  default     = "16"
}

variable "instance_class" {
  description = "RDS instance class, e.g. db.m6g.large."
  type        = string
}

variable "allocated_storage" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 100
}

variable "max_allocated_storage" {
  description = "Upper limit in GiB for RDS storage autoscaling (must be larger than allocated_storage)."
  type        = number
  default     = 500
}

variable "multi_az" {
  description = "Run a synchronous standby in a second AZ with automatic failover."
  type        = bool
  default     = true
}

variable "backup_retention_period" {
  description = "Days of automated backups (7-35). Automated backups also provide point-in-time recovery within this window."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_period >= 7 && var.backup_retention_period <= 35
    error_message = "backup_retention_period must be between 7 and 35 days."
  }
}

variable "backup_window" {
  description = "Daily UTC window for automated backups (hh24:mi-hh24:mi), must not overlap the maintenance window."
  type        = string
  default     = "18:00-19:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:19:30-sun:20:30"
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "jifenbao"
}

variable "master_username" {
  description = "Master user name (the application connects as this user)."
  type        = string
  default     = "jifenbao"
}

variable "ca_cert_identifier" {
  description = "RDS server certificate authority used by the instance."
  type        = string
  default     = "rds-ca-rsa2048-g1"
}

variable "secrets_kms_key_arn" {
  description = "KMS key that encrypts the master credentials secret in Secrets Manager."
  type        = string
}

variable "log_retention_days" {
  description = "Retention in days of the exported PostgreSQL logs in CloudWatch (at least 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "log_retention_days must be at least 365."
  }
}

variable "logs_kms_key_arn" {
  description = "KMS key that encrypts the exported PostgreSQL log groups."
  type        = string
}

variable "monitoring_interval" {
  description = "Enhanced Monitoring interval in seconds (1, 5, 10, 15, 30 or 60)."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 5, 10, 15, 30, 60], var.monitoring_interval)
    error_message = "monitoring_interval must be one of 1, 5, 10, 15, 30, 60."
  }
}

variable "performance_insights_retention_period" {
  description = "Performance Insights retention in days (7 is the free tier; otherwise a multiple of 31, up to 731)."
  type        = number
  default     = 7
}

variable "log_min_duration_statement_ms" {
  description = "Statements running longer than this many milliseconds are logged (slow query log)."
  type        = number
  default     = 1000
}

variable "name" {
  description = "Identifier prefix of the cache resources, e.g. \"jifenbao-production\"."
  type        = string
}

variable "vpc_id" {
  description = "VPC the cache security group is created in."
  type        = string
}

variable "subnet_ids" {
  description = "Private (isolated) subnets for the cache subnet group, in at least two AZs."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "At least two subnets (two AZs) are required."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the Redis port, keyed by a static name (e.g. { app = sg-... })."
  type        = map(string)
}

variable "node_type" {
  description = "ElastiCache node type, e.g. cache.t4g.medium."
  type        = string
}

variable "engine_version" {
  description = "Redis OSS engine version."
  type        = string
  default     = "7.1"
}

variable "parameter_group_name" {
  description = "ElastiCache parameter group matching engine_version (cluster mode disabled)."
  type        = string
  default     = "default.redis7"
}

variable "num_cache_clusters" {
  description = "Number of nodes (one primary plus replicas in other AZs); at least 2 for Multi-AZ automatic failover."
  type        = number
  default     = 2

  validation {
    condition     = var.num_cache_clusters >= 2
    error_message = "num_cache_clusters must be at least 2 (Multi-AZ with automatic failover)."
  }
}

variable "snapshot_retention_limit" {
  description = "Days of automatic daily snapshots to keep (the broker holds queued Celery messages)."
  type        = number
  default     = 7
}

variable "snapshot_window" {
  description = "Daily UTC window for snapshots (hh24:mi-hh24:mi)."
  type        = string
  default     = "17:00-18:00"
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:20:30-sun:21:30"
}

variable "secrets_kms_key_arn" {
  description = "KMS key that encrypts the auth token secret in Secrets Manager."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key that encrypts the slow-log and engine-log CloudWatch log groups."
  type        = string
}

variable "log_retention_days" {
  description = "Retention in days of the Redis log groups (at least 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "log_retention_days must be at least 365."
  }
}

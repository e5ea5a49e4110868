variable "name" {
  description = "Name prefix of the secret, e.g. \"jifenbao-production\"."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the application secret."
  type        = string
}

variable "database" {
  description = "Connection details of the PostgreSQL instance, used to compose DATABASE_URL."
  type = object({
    host     = string
    port     = number
    name     = string
    username = string
    password = string
  })
  sensitive = true
}

variable "redis" {
  description = "Connection details of the Redis replication group (TLS), used to compose CELERY_BROKER_URL and REDIS_URL."
  type = object({
    host       = string
    port       = number
    auth_token = string
  })
  sensitive = true
}

variable "sentry_dsn" {
  description = "Sentry DSN of the project; an empty string disables Sentry."
  type        = string
  default     = ""
  sensitive   = true
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can still be restored (7-30)."
  type        = number
  default     = 30
}

variable "family" {
  description = "Task definition family, e.g. \"jifenbao-production-web\"."
  type        = string
}

variable "container_name" {
  description = "Name of the single container of the task (also the log stream prefix), e.g. \"web\"."
  type        = string
}

variable "image" {
  description = "Full image reference (repository URL plus an immutable tag or @sha256 digest) of the application image."
  type        = string
}

variable "command" {
  description = "Command of the container (overrides the image's CMD), as an exec-form list."
  type        = list(string)
}

variable "cpu" {
  description = "Fargate task CPU units (256, 512, 1024, 2048, 4096, ...)."
  type        = number
}

variable "memory" {
  description = "Fargate task memory in MiB (must be a valid combination with cpu)."
  type        = number
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for: X86_64 or ARM64."
  type        = string
  default     = "X86_64"

  validation {
    condition     = contains(["X86_64", "ARM64"], var.cpu_architecture)
    error_message = "cpu_architecture must be X86_64 or ARM64."
  }
}

variable "environment" {
  description = "Plain (non-secret) environment variables of the container."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Secret environment variables: list of {name, valueFrom} where valueFrom is a Secrets Manager ARN (optionally with :json-key::)."
  type = list(object({
    name      = string
    valueFrom = string
  }))
  default = []
}

variable "execution_role_arn" {
  description = "Task execution role (image pull, logs, secret injection)."
  type        = string
}

variable "task_role_arn" {
  description = "Task role assumed by the application code."
  type        = string
}

variable "container_port" {
  description = "TCP port the container listens on; null for containers without a listener (worker, beat, migrate)."
  type        = number
  default     = null
}

variable "health_check_command" {
  description = "ECS container health check command in exec form (e.g. [\"CMD\", \"python\", \"/app/docker/healthcheck.py\"]); null for none."
  type        = list(string)
  default     = null
}

variable "health_check_interval" {
  description = "Seconds between two container health checks."
  type        = number
  default     = 30
}

variable "health_check_timeout" {
  description = "Seconds before one container health check counts as failed."
  type        = number
  default     = 5
}

variable "health_check_start_period" {
  description = "Grace period in seconds before failed container health checks count."
  type        = number
  default     = 60
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL when the task stops (at most 120 on Fargate)."
  type        = number
  default     = 30

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be between 2 and 120 seconds."
  }
}

variable "log_group_prefix" {
  description = "Prefix of the CloudWatch log group; the group is <prefix>/<container_name>."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key that encrypts the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the log group in days (at least 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "log_retention_days must be at least 365."
  }
}

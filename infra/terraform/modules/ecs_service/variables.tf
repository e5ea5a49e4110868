variable "name" {
  description = "Service name inside the cluster (\"web\", \"worker\" or \"beat\"); also the container name."
  type        = string
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster."
  type        = string
}

variable "cluster_name" {
  description = "Name of the ECS cluster (prefix of the task family and of the autoscaling resource ID)."
  type        = string
}

variable "image" {
  description = "Full image reference of the application image (the same for every service)."
  type        = string
}

variable "command" {
  description = "Container command in exec form, e.g. [\"celery\", \"-A\", \"config.celery_app\", \"worker\"]."
  type        = list(string)
}

variable "cpu" {
  description = "Fargate task CPU units."
  type        = number
}

variable "memory" {
  description = "Fargate task memory in MiB."
  type        = number
}

variable "cpu_architecture" {
  description = "CPU architecture of the image: X86_64 or ARM64."
  type        = string
  default     = "X86_64"
}

variable "environment" {
  description = "Plain environment variables of the container."
  type        = map(string)
  default     = {}
}

variable "secrets" {
  description = "Secret environment variables of the container ({name, valueFrom} list)."
  type = list(object({
    name      = string
    valueFrom = string
  }))
  default = []
}

variable "execution_role_arn" {
  description = "Task execution role."
  type        = string
}

variable "task_role_arn" {
  description = "Task role of the application code."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks run in."
  type        = list(string)
}

variable "vpc_id" {
  description = "VPC of the service's security group."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC: the tasks may open PostgreSQL (5432) and Redis (6379) connections inside it; the data tier's security groups then admit only the application's groups."
  type        = string
}

variable "desired_count" {
  description = "Number of tasks at creation. With autoscaling the scaler owns the count afterwards (Terraform ignores later drift)."
  type        = number

  validation {
    condition     = var.desired_count >= 0
    error_message = "desired_count must not be negative."
  }
}

variable "deployment_minimum_healthy_percent" {
  description = "Lower bound of running tasks during a deployment, in percent of desired_count."
  type        = number
  default     = 100
}

variable "deployment_maximum_percent" {
  description = "Upper bound of running tasks during a deployment, in percent of desired_count (100 with minimum 0 = stop the old task before starting the new one, as beat requires)."
  type        = number
  default     = 200
}

variable "stop_timeout" {
  description = "Seconds between SIGTERM and SIGKILL (max 120 on Fargate)."
  type        = number
  default     = 30
}

variable "health_check_command" {
  description = "ECS container health check command in exec form; null for none."
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

variable "load_balancer" {
  description = "Attach the service to an ALB target group: {target_group_arn, target_group_arn_suffix, load_balancer_arn_suffix, security_group_id (of the ALB, the only allowed source), container_port}; null for services without HTTP (worker, beat), whose tasks then accept no inbound traffic at all."
  type = object({
    target_group_arn         = string
    target_group_arn_suffix  = string
    load_balancer_arn_suffix = string
    security_group_id        = string
    container_port           = number
  })
  default = null
}

variable "health_check_grace_period_seconds" {
  description = "Seconds the ALB health checks are ignored after a task starts (only with load_balancer)."
  type        = number
  default     = 60
}

variable "autoscaling" {
  description = "Target-tracking autoscaling: {min_capacity, max_capacity, cpu_target (percent), requests_per_target (ALB requests per task per minute, optional, needs load_balancer)}; null = fixed desired_count."
  type = object({
    min_capacity        = number
    max_capacity        = number
    cpu_target          = number
    requests_per_target = optional(number)
  })
  default = null

  validation {
    condition     = var.autoscaling == null ? true : (var.autoscaling.min_capacity >= 1 && var.autoscaling.max_capacity >= var.autoscaling.min_capacity)
    error_message = "autoscaling needs 1 <= min_capacity <= max_capacity."
  }
}

variable "log_group_prefix" {
  description = "Prefix of the service's CloudWatch log group."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "KMS key of the log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the log group in days (at least 365)."
  type        = number
  default     = 365
}

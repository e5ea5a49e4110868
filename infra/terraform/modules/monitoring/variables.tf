variable "name" {
  description = "Name prefix of the alarms and the SNS topic, e.g. \"jifenbao-production\"."
  type        = string
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []
}

variable "alb_arn_suffix" {
  description = "ARN suffix of the ALB (LoadBalancer dimension)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the web target group (TargetGroup dimension)."
  type        = string
}

variable "db_instance_id" {
  description = "RDS instance identifier (DBInstanceIdentifier dimension); RDS events of this instance are also sent to the topic."
  type        = string
}

variable "cache_replication_group_id" {
  description = "ElastiCache replication group ID; its nodes are <id>-001, <id>-002, ..."
  type        = string
}

variable "cache_node_count" {
  description = "Number of nodes in the replication group."
  type        = number
}

variable "ecs_cluster_name" {
  description = "Name of the ECS cluster (ClusterName dimension)."
  type        = string
}

variable "worker_service_name" {
  description = "Name of the Celery worker ECS service."
  type        = string
}

variable "beat_service_name" {
  description = "Name of the Celery beat ECS service (must always run exactly one task)."
  type        = string
}

variable "alb_5xx_rate_threshold_percent" {
  description = "Alarm when 5xx responses (ALB and targets) exceed this share of all requests over 5 minutes."
  type        = number
  default     = 5
}

variable "alb_5xx_min_requests" {
  description = "Minimum requests in 5 minutes before the 5xx rate is evaluated (avoids alarms on a handful of requests at night)."
  type        = number
  default     = 50
}

variable "alb_p95_latency_threshold_seconds" {
  description = "Alarm when the 95th percentile target response time exceeds this many seconds."
  type        = number
  default     = 2
}

variable "db_cpu_threshold_percent" {
  description = "Alarm when average DB CPU exceeds this percentage for 15 minutes."
  type        = number
  default     = 80
}

variable "db_free_storage_threshold_gib" {
  description = "Alarm when free DB storage falls below this many GiB."
  type        = number
  default     = 10
}

variable "cache_cpu_threshold_percent" {
  description = "Alarm when Redis engine CPU exceeds this percentage."
  type        = number
  default     = 80
}

variable "cache_memory_threshold_percent" {
  description = "Alarm when Redis memory usage exceeds this percentage."
  type        = number
  default     = 80
}

variable "worker_cpu_threshold_percent" {
  description = "Alarm when the workers' average CPU stays above this percentage (autoscaling is at its limit or a task is stuck)."
  type        = number
  default     = 85
}

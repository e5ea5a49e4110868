variable "name" {
  description = "Name prefix of the load balancer resources, e.g. \"jifenbao-production\" (ALB names are cut to 32 characters)."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its target group."
  type        = string
}

variable "vpc_cidr_block" {
  description = "CIDR of the VPC; the ALB may only send traffic to the container port inside it."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets (two or more AZs) the internet-facing ALB is placed in."
  type        = list(string)
}

variable "base_domain" {
  description = "Base domain of the platform: the public site is https://<base_domain>, a township is https://<slug>.<base_domain>."
  type        = string
}

variable "certificate_arn" {
  description = "ARN of an existing ACM certificate (issued or imported) covering *.<base_domain> and <base_domain>. null = request a DNS-validated ACM certificate here."
  type        = string
  default     = null

  validation {
    condition     = var.certificate_arn == null ? true : can(regex("^arn:[a-z-]+:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN."
  }
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of base_domain. When set, the ACM validation records and alias records for <base_domain> and *.<base_domain> are created in it; null = manage DNS elsewhere."
  type        = string
  default     = null
}

variable "ssl_policy" {
  description = "TLS security policy of the HTTPS listener (TLS 1.3 with TLS 1.2 fallback, forward secrecy only)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "container_port" {
  description = "Port of the web containers (target group port)."
  type        = number
  default     = 8000
}

variable "health_check_path" {
  description = "HTTP path the ALB probes on each web task; it must answer 200 on any Host header."
  type        = string
  default     = "/healthz"
}

variable "idle_timeout" {
  description = "Seconds an idle client connection is kept open."
  type        = number
  default     = 60
}

variable "deregistration_delay" {
  description = "Seconds in-flight requests get to finish when a web task is deregistered."
  type        = number
  default     = 30
}

variable "access_logs_bucket" {
  description = "S3 bucket (SSE-S3, with the ELB log delivery policy) receiving the access logs."
  type        = string
}

variable "access_logs_prefix" {
  description = "Key prefix of the access logs in the bucket."
  type        = string
  default     = "alb"
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes above which AWS WAF blocks the client. Mobile carriers put many users behind one NAT address, so keep it generous."
  type        = number
  default     = 10000
}

variable "logs_kms_key_arn" {
  description = "KMS key of the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the WAF log group in days (at least 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "log_retention_days must be at least 365."
  }
}

variable "name" {
  description = "Name prefix of the buckets, e.g. \"jifenbao-production\"; the account ID and region are appended to keep bucket names globally unique."
  type        = string
}

variable "uploads_transition_to_ia_days" {
  description = "Days after which current upload objects move to STANDARD_IA (evidence photos are rarely read once a month is final)."
  type        = number
  default     = 90

  validation {
    condition     = var.uploads_transition_to_ia_days >= 30
    error_message = "S3 requires at least 30 days before a transition to STANDARD_IA."
  }
}

variable "uploads_noncurrent_version_expiration_days" {
  description = "Days a replaced or deleted upload stays recoverable as a noncurrent version."
  type        = number
  default     = 180
}

variable "logs_expiration_days" {
  description = "Days access logs (ALB and S3 server access logs) are kept in the log bucket (at least 365)."
  type        = number
  default     = 400

  validation {
    condition     = var.logs_expiration_days >= 365
    error_message = "logs_expiration_days must be at least 365."
  }
}

variable "alb_log_prefix" {
  description = "Key prefix under which the ALB writes its access logs in the log bucket."
  type        = string
  default     = "alb"
}

variable "force_destroy" {
  description = "Allow terraform destroy to delete non-empty buckets. Keep false in production."
  type        = bool
  default     = false
}

variable "alias" {
  description = "Alias name of the key without the \"alias/\" prefix, e.g. \"jifenbao-production/logs\"."
  type        = string
}

variable "description" {
  description = "Human-readable description of what the key encrypts."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Waiting period (7-30 days) before a scheduled key deletion takes effect."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "service_principal_statements" {
  description = <<-EOT
    Extra key-policy statements for AWS services that must use the key directly (not through an
    IAM principal of this account), e.g. CloudWatch Logs or CloudWatch alarms publishing to SNS.
    Each item: sid, service principal, actions, and optional IAM conditions
    (list of {test, variable, values}).
  EOT
  type = list(object({
    sid       = string
    principal = string
    actions   = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))
  default = []
}

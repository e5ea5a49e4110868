variable "name" {
  description = "Name prefix for every network resource, e.g. \"jifenbao-production\"."
  type        = string
}

variable "cidr_block" {
  description = "IPv4 CIDR of the VPC (a /16 is expected: subnets are carved per AZ as /24 public, /20 private and /24 database)."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) <= 16
    error_message = "cidr_block must be a valid IPv4 CIDR of size /16 or larger."
  }
}

variable "availability_zones" {
  description = "Availability Zone names to spread the subnets over (2 or 3). Explicit names keep the layout stable when AWS adds a zone to the region."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3
    error_message = "Give 2 or 3 Availability Zones."
  }
}

variable "single_nat_gateway" {
  description = "Use one NAT gateway for all private subnets (cheaper, but egress depends on one AZ). false = one NAT gateway per AZ."
  type        = bool
  default     = false
}

variable "logs_kms_key_arn" {
  description = "ARN of the KMS key that encrypts the VPC flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the VPC flow log group in days (at least 365)."
  type        = number
  default     = 365

  validation {
    condition     = var.log_retention_days >= 365
    error_message = "log_retention_days must be at least 365."
  }
}

variable "flow_log_traffic_type" {
  description = "Which traffic the VPC flow log records: ACCEPT, REJECT or ALL."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ACCEPT", "REJECT", "ALL"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ACCEPT, REJECT or ALL."
  }
}

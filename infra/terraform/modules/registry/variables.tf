variable "name" {
  description = "Name of the ECR repository, e.g. \"jifenbao-production\"."
  type        = string
}

variable "untagged_image_expiry_days" {
  description = "Days after which untagged images are deleted."
  type        = number
  default     = 14
}

variable "max_tagged_images" {
  description = "Number of most recent tagged images to keep (older ones are deleted; keep enough to roll back)."
  type        = number
  default     = 50
}

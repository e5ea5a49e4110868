variable "name" {
  description = "Name of the ECS cluster and prefix of its IAM roles, e.g. \"jifenbao-production\"."
  type        = string
}

variable "ecr_repository_arn" {
  description = "ECR repository the execution role may pull the application image from."
  type        = string
}

variable "app_secret_arn" {
  description = "Secrets Manager secret the execution role may read to inject the containers' `secrets`."
  type        = string
}

variable "secrets_kms_key_arn" {
  description = "KMS key of the application secret (the execution role may decrypt with it only through Secrets Manager)."
  type        = string
}

variable "uploads_bucket_arn" {
  description = "Uploads bucket the task role may read and write."
  type        = string
}

variable "uploads_kms_key_arn" {
  description = "KMS key of the uploads bucket (the task role may use it only through S3)."
  type        = string
}

output "uploads_bucket_name" {
  description = "Name of the uploads bucket (AWS_STORAGE_BUCKET_NAME)."
  value       = aws_s3_bucket.uploads.id
}

output "uploads_bucket_arn" {
  description = "ARN of the uploads bucket."
  value       = aws_s3_bucket.uploads.arn
}

output "uploads_kms_key_arn" {
  description = "KMS key of the uploads bucket (the task role needs Encrypt/Decrypt on it)."
  value       = module.kms.key_arn
}

output "logs_bucket_name" {
  description = "Name of the access-log bucket (available once its log delivery policy is in place, so the ALB can validate it)."
  value       = aws_s3_bucket_policy.logs.bucket
}

output "logs_bucket_arn" {
  description = "ARN of the access-log bucket."
  value       = aws_s3_bucket.logs.arn
}

output "alb_log_prefix" {
  description = "Prefix for ALB access logs in the log bucket."
  value       = var.alb_log_prefix
}

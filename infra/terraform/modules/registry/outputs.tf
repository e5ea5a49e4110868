output "repository_url" {
  description = "Repository URL to push the image to (<account>.dkr.ecr.<region>.<dns suffix>/<name>)."
  value       = aws_ecr_repository.this.repository_url
}

output "repository_arn" {
  description = "ARN of the repository (the execution role may pull only from it)."
  value       = aws_ecr_repository.this.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the repository."
  value       = module.kms.key_arn
}

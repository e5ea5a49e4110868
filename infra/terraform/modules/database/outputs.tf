output "instance_id" {
  description = "RDS instance identifier (the DBInstanceIdentifier CloudWatch dimension)."
  value       = aws_db_instance.this.identifier
}

output "instance_arn" {
  description = "ARN of the RDS instance."
  value       = aws_db_instance.this.arn
}

output "resource_id" {
  description = "RDS resource ID, used in rds-db:connect IAM policies for IAM database authentication."
  value       = aws_db_instance.this.resource_id
}

output "address" {
  description = "Host name of the instance."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "Name of the application database."
  value       = var.database_name
}

output "master_username" {
  description = "Master user name."
  value       = aws_db_instance.this.username
}

output "master_password" {
  description = "Master password (sensitive; also stored in the master credentials secret)."
  value       = random_password.master.result
  sensitive   = true
}

output "master_secret_arn" {
  description = "Secrets Manager secret with the master credentials (RDS JSON layout)."
  value       = aws_secretsmanager_secret.master.arn
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "kms_key_arn" {
  description = "KMS key encrypting storage, snapshots and Performance Insights."
  value       = module.kms.key_arn
}

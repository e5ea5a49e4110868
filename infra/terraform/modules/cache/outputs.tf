output "replication_group_id" {
  description = "ID of the replication group."
  value       = aws_elasticache_replication_group.this.id
}

output "primary_endpoint_address" {
  description = "Host name of the primary endpoint (follows failovers)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Redis port (TLS)."
  value       = local.port
}

output "auth_token" {
  description = "AUTH token (sensitive; also stored in the auth token secret)."
  value       = aws_secretsmanager_secret_version.auth_token.secret_string
  sensitive   = true
}

output "auth_token_secret_arn" {
  description = "Secrets Manager secret holding the AUTH token."
  value       = aws_secretsmanager_secret.auth_token.arn
}

output "member_clusters" {
  description = "Node (cache cluster) IDs, the CacheClusterId CloudWatch dimension."
  value       = aws_elasticache_replication_group.this.member_clusters
}

output "security_group_id" {
  description = "Security group of the cache."
  value       = aws_security_group.this.id
}

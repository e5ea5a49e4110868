output "secret_arn" {
  description = "ARN of the application secret (the execution role may read only this one)."
  value       = aws_secretsmanager_secret.app.arn
}

output "container_secrets" {
  description = "The `secrets` entries of an ECS container definition: one per JSON key of the application secret."
  # Built from the secret *version*: task definitions (and so the services) are only registered
  # once the secret has a value, instead of starting tasks that cannot read it.
  value = [
    for key in local.keys : {
      name      = key
      valueFrom = "${aws_secretsmanager_secret_version.app.arn}:${key}::"
    }
  ]
}

output "arn" {
  description = "ARN (with revision) of the task definition."
  value       = aws_ecs_task_definition.this.arn
}

output "family" {
  description = "Family of the task definition (run-task without a revision uses the latest one)."
  value       = aws_ecs_task_definition.this.family
}

output "container_name" {
  description = "Name of the container."
  value       = var.container_name
}

output "log_group_name" {
  description = "CloudWatch log group of the container."
  value       = aws_cloudwatch_log_group.this.name
}

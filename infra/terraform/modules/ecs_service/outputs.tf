output "service_name" {
  description = "Name of the ECS service."
  value       = aws_ecs_service.this.name
}

output "service_id" {
  description = "ARN of the ECS service."
  value       = aws_ecs_service.this.id
}

output "task_definition_arn" {
  description = "Task definition revision the service runs."
  value       = module.task.arn
}

output "log_group_name" {
  description = "CloudWatch log group of the service's container."
  value       = module.task.log_group_name
}

output "security_group_id" {
  description = "Security group of the service's tasks (allow it on the data tier)."
  value       = aws_security_group.this.id
}

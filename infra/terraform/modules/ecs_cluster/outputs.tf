output "cluster_name" {
  description = "Name of the ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the ECS cluster."
  value       = aws_ecs_cluster.this.arn
}

output "execution_role_arn" {
  description = "Task execution role (image pull, logs, secret injection)."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "Task role of the application code (uploads bucket only)."
  value       = aws_iam_role.task.arn
}

output "log_group_prefix" {
  description = "Prefix every task log group must use so that the execution role may write to it."
  value       = "/ecs/${var.name}"
}

output "base_url" {
  description = "URL of the public site (county and platform users)."
  value       = "https://${var.base_domain}"
}

output "township_url_pattern" {
  description = "URL pattern of a township; replace {slug} with the township's slug."
  value       = "https://{slug}.${var.base_domain}"
}

output "township_url_example" {
  description = "URL of the demo township changshan, as an example of the pattern."
  value       = "https://changshan.${var.base_domain}"
}

output "alb_dns_name" {
  description = "DNS name of the load balancer: point <base_domain> (alias/ANAME) and *.<base_domain> (CNAME or alias) at it."
  value       = module.alb.alb_dns_name
}

output "alb_zone_id" {
  description = "Hosted zone ID of the load balancer, for Route 53 alias records."
  value       = module.alb.alb_zone_id
}

output "certificate_arn" {
  description = "Certificate used by the HTTPS listener."
  value       = module.alb.certificate_arn
}

output "certificate_validation_records" {
  description = "CNAME that validates the requested ACM certificate, to create at the DNS provider when route53_zone_id is null (empty when certificate_arn was given)."
  value       = module.alb.certificate_validation_records
}

output "ecr_repository_url" {
  description = "Push the application image here; then set var.image to <url>:<tag>."
  value       = module.registry.repository_url
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster."
  value       = module.ecs_cluster.cluster_name
}

output "ecs_service_names" {
  description = "The three long-running ECS services."
  value = {
    web    = module.web.service_name
    worker = module.worker.service_name
    beat   = module.beat.service_name
  }
}

output "migrate_task_definition_family" {
  description = "Task definition family of the one-off migration task."
  value       = module.migrate.family
}

output "migrate_run_task_command" {
  description = "AWS CLI command that starts the migration task (prints the task ARN); see infra/README.md for waiting on it."
  value = join(" ", [
    "aws ecs run-task",
    "--region ${var.region}",
    "--cluster ${module.ecs_cluster.cluster_name}",
    "--task-definition ${module.migrate.family}",
    "--launch-type FARGATE",
    "--started-by migrate_schemas",
    "--network-configuration 'awsvpcConfiguration={subnets=[${join(",", module.network.private_subnet_ids)}],securityGroups=[${module.worker.security_group_id}],assignPublicIp=DISABLED}'",
    "--query 'tasks[0].taskArn' --output text",
  ])
}

output "uploads_bucket_name" {
  description = "Uploads bucket (AWS_STORAGE_BUCKET_NAME of the containers)."
  value       = module.storage.uploads_bucket_name
}

output "logs_bucket_name" {
  description = "Bucket with the ALB and S3 access logs."
  value       = module.storage.logs_bucket_name
}

output "database_address" {
  description = "Host name of the PostgreSQL instance (reachable only from the app tasks)."
  value       = module.database.address
}

output "database_master_secret_arn" {
  description = "Secrets Manager secret with the PostgreSQL master credentials."
  value       = module.database.master_secret_arn
}

output "app_secret_arn" {
  description = "Secrets Manager secret injected into the containers."
  value       = module.secrets.secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of all alarms and RDS events."
  value       = module.monitoring.sns_topic_arn
}

output "nat_public_ips" {
  description = "Public source IPs of outbound traffic from the tasks."
  value       = module.network.nat_public_ips
}

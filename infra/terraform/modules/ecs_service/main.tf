# One long-running ECS Fargate service (its task definition comes from the ecs_task module) with its
# own security group, optional ALB attachment and optional target-tracking autoscaling on CPU and
# ALB requests.

locals {
  request_scaling = var.autoscaling != null && var.load_balancer != null ? try(var.autoscaling.requests_per_target != null, false) : false
}

module "task" {
  source = "../ecs_task"

  family                = "${var.cluster_name}-${var.name}"
  container_name        = var.name
  image                 = var.image
  command               = var.command
  cpu                   = var.cpu
  memory                = var.memory
  cpu_architecture      = var.cpu_architecture
  environment           = var.environment
  secrets               = var.secrets
  execution_role_arn    = var.execution_role_arn
  task_role_arn         = var.task_role_arn
  container_port        = var.load_balancer == null ? null : var.load_balancer.container_port
  health_check_command  = var.health_check_command
  health_check_interval = var.health_check_interval
  health_check_timeout  = var.health_check_timeout
  stop_timeout          = var.stop_timeout
  log_group_prefix      = var.log_group_prefix
  logs_kms_key_arn      = var.logs_kms_key_arn
  log_retention_days    = var.log_retention_days
}

# Inbound: only from the ALB, and only for a service behind it. Outbound: PostgreSQL and Redis
# inside the VPC, HTTPS for the AWS APIs (ECR, S3, Secrets Manager, CloudWatch Logs) and Sentry.
resource "aws_security_group" "this" {
  name_prefix = "${var.cluster_name}-${var.name}-"
  description = "${var.cluster_name} ${var.name} tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.cluster_name}-${var.name}" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "from_alb" {
  count = var.load_balancer == null ? 0 : 1

  security_group_id            = aws_security_group.this.id
  description                  = "HTTP from the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.load_balancer.container_port
  to_port                      = var.load_balancer.container_port
  referenced_security_group_id = var.load_balancer.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  security_group_id = aws_security_group.this.id
  description       = "PostgreSQL inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_vpc_security_group_egress_rule" "redis" {
  security_group_id = aws_security_group.this.id
  description       = "Redis (TLS) inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 6379
  to_port           = 6379
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_vpc_security_group_egress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS to AWS APIs and Sentry"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_ecs_service" "this" {
  name             = var.name
  cluster          = var.cluster_arn
  task_definition  = module.task.arn
  desired_count    = var.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"

  deployment_minimum_healthy_percent = var.deployment_minimum_healthy_percent
  deployment_maximum_percent         = var.deployment_maximum_percent
  health_check_grace_period_seconds  = var.load_balancer == null ? null : var.health_check_grace_period_seconds
  enable_execute_command             = false
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [aws_security_group.this.id]
    assign_public_ip = false
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "load_balancer" {
    for_each = var.load_balancer == null ? [] : [var.load_balancer]

    content {
      target_group_arn = load_balancer.value.target_group_arn
      container_name   = var.name
      container_port   = load_balancer.value.container_port
    }
  }

  lifecycle {
    # The autoscaler owns the running count; re-applying must not reset it.
    ignore_changes = [desired_count]
  }
}

resource "aws_appautoscaling_target" "this" {
  count = var.autoscaling == null ? 0 : 1

  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/${var.cluster_name}/${aws_ecs_service.this.name}"
  min_capacity       = var.autoscaling.min_capacity
  max_capacity       = var.autoscaling.max_capacity
}

resource "aws_appautoscaling_policy" "cpu" {
  count = var.autoscaling == null ? 0 : 1

  name               = "${var.cluster_name}-${var.name}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.cpu_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "requests" {
  count = local.request_scaling ? 1 : 0

  name               = "${var.cluster_name}-${var.name}-alb-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.this[0].service_namespace
  scalable_dimension = aws_appautoscaling_target.this[0].scalable_dimension
  resource_id        = aws_appautoscaling_target.this[0].resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.autoscaling.requests_per_target
    scale_out_cooldown = 60
    scale_in_cooldown  = 300

    predefined_metric_specification {
      predefined_metric_type = "ALBRequestCountPerTarget"
      resource_label         = "${var.load_balancer.load_balancer_arn_suffix}/${var.load_balancer.target_group_arn_suffix}"
    }
  }
}

# One Fargate task definition with a single container, plus its KMS-encrypted log group.
#
# The root filesystem is read-only; /tmp is a task-local scratch volume (gunicorn's worker
# heartbeat files, celery beat's schedule file, temporary files of uploads and PDFs).
# An init process reaps zombies and forwards signals so that gunicorn and celery shut down
# gracefully within stop_timeout.

data "aws_region" "current" {}

resource "aws_cloudwatch_log_group" "this" {
  name              = "${var.log_group_prefix}/${var.container_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

locals {
  container = merge(
    {
      name                   = var.container_name
      image                  = var.image
      essential              = true
      command                = var.command
      readonlyRootFilesystem = true
      privileged             = false
      environment            = [for key in sort(keys(var.environment)) : { name = key, value = var.environment[key] }]
      secrets                = var.secrets
      mountPoints            = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
      linuxParameters        = { initProcessEnabled = true }
      stopTimeout            = var.stop_timeout
      portMappings = var.container_port == null ? [] : [{
        name          = "http"
        containerPort = var.container_port
        hostPort      = var.container_port
        protocol      = "tcp"
        appProtocol   = "http"
      }]
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = aws_cloudwatch_log_group.this.name
          awslogs-region        = data.aws_region.current.name
          awslogs-stream-prefix = var.container_name
          mode                  = "non-blocking"
          max-buffer-size       = "25m"
        }
      }
    },
    var.health_check_command == null ? {} : {
      healthCheck = {
        command     = var.health_check_command
        interval    = var.health_check_interval
        timeout     = var.health_check_timeout
        retries     = 3
        startPeriod = var.health_check_start_period
      }
    },
  )
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = var.execution_role_arn
  task_role_arn            = var.task_role_arn
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # Task-local scratch space mounted at /tmp (the root filesystem is read-only).
  volume {
    name = "tmp"
  }
}

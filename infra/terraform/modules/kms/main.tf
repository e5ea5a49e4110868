# A customer-managed KMS key with yearly automatic rotation and an explicit key policy.
#
# The account root statement delegates key use to IAM: principals of this account can only use the
# key when an IAM policy also allows it (so the task roles' policies below stay the real gate).
# AWS services that act on their own behalf (CloudWatch Logs, CloudWatch alarms -> SNS) get
# narrowly scoped statements through var.service_principal_statements.

data "aws_partition" "current" {}
data "aws_caller_identity" "current" {}

locals {
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"

  root_statement = {
    Sid       = "AccountAdministersKeyThroughIAM"
    Effect    = "Allow"
    Principal = { AWS = local.account_root_arn }
    Action    = "kms:*"
    Resource  = "*"
  }

  service_statements = [
    for s in var.service_principal_statements : merge(
      {
        Sid       = s.sid
        Effect    = "Allow"
        Principal = { Service = s.principal }
        Action    = s.actions
        Resource  = "*"
      },
      length(s.conditions) == 0 ? {} : {
        Condition = {
          for test in distinct([for c in s.conditions : c.test]) : test => {
            for c in s.conditions : c.variable => c.values if c.test == test
          }
        }
      }
    )
  ]
}

resource "aws_kms_key" "this" {
  description             = var.description
  enable_key_rotation     = true
  deletion_window_in_days = var.deletion_window_in_days
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([local.root_statement], local.service_statements)
  })
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}

# Internet-facing Application Load Balancer for every host of the platform:
#   https://<base_domain>         the public site
#   https://<slug>.<base_domain>  a township (django-tenants resolves the schema from the host)
# - HTTPS listener with a certificate for *.<base_domain> plus <base_domain> (SAN), modern TLS
# - HTTP listener that only redirects to HTTPS (301)
# - invalid header fields dropped, desync mitigation, deletion protection, access logs to S3
# - AWS WAF (managed common, anonymous-IP and known-bad-inputs rules incl. Log4j, per-IP rate
#   limit), logged to CloudWatch

locals {
  short_name      = substr(var.name, 0, 28)
  create_cert     = var.certificate_arn == null
  manage_dns      = var.route53_zone_id != null
  certificate_arn = local.create_cert ? aws_acm_certificate_validation.this[0].certificate_arn : var.certificate_arn
}

# ---------------------------------------------------------------------------------------------
# Certificate: *.<base_domain> with <base_domain> as subject alternative name

resource "aws_acm_certificate" "this" {
  count = local.create_cert ? 1 : 0

  domain_name               = "*.${var.base_domain}"
  subject_alternative_names = [var.base_domain]
  validation_method         = "DNS"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Both names share one validation CNAME (the wildcard is validated at the apex).
resource "aws_route53_record" "validation" {
  for_each = local.create_cert && local.manage_dns ? toset(["*.${var.base_domain}"]) : toset([])

  zone_id         = var.route53_zone_id
  allow_overwrite = true
  name            = one([for o in aws_acm_certificate.this[0].domain_validation_options : o.resource_record_name if o.domain_name == each.key])
  type            = one([for o in aws_acm_certificate.this[0].domain_validation_options : o.resource_record_type if o.domain_name == each.key])
  records         = [one([for o in aws_acm_certificate.this[0].domain_validation_options : o.resource_record_value if o.domain_name == each.key])]
  ttl             = 300
}

# Waits until ACM has issued the certificate. Without a Route 53 zone, create the CNAME shown by
# the certificate_validation_records output at your DNS provider while this waits (see README).
resource "aws_acm_certificate_validation" "this" {
  count = local.create_cert ? 1 : 0

  certificate_arn         = aws_acm_certificate.this[0].arn
  validation_record_fqdns = local.manage_dns ? [for r in aws_route53_record.validation : r.fqdn] : null
}

# ---------------------------------------------------------------------------------------------
# Security group: 443 and 80 (redirect only) from anywhere; egress only to the web containers

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-alb-"
  description = "${var.name} ALB: HTTPS and HTTP-redirect from the internet; egress to the web tasks"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-alb" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.this.id
  description       = "HTTPS from the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "http" {
  #checkov:skip=CKV_AWS_260:Port 80 is open only for the listener that answers every request with a 301 redirect to HTTPS; no content is ever served over HTTP.
  security_group_id = aws_security_group.this.id
  description       = "HTTP from the internet, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "to_web" {
  security_group_id = aws_security_group.this.id
  description       = "Requests and health checks to the web containers"
  ip_protocol       = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
  cidr_ipv4         = var.vpc_cidr_block
}

# ---------------------------------------------------------------------------------------------
# Load balancer, target group, listeners

resource "aws_lb" "this" {
  name               = local.short_name
  load_balancer_type = "application"
  internal           = false
  subnets            = var.public_subnet_ids
  security_groups    = [aws_security_group.this.id]
  ip_address_type    = "ipv4"

  drop_invalid_header_fields = true
  desync_mitigation_mode     = "defensive"
  enable_deletion_protection = true
  enable_http2               = true
  idle_timeout               = var.idle_timeout

  access_logs {
    enabled = true
    bucket  = var.access_logs_bucket
    prefix  = var.access_logs_prefix
  }
}

resource "aws_lb_target_group" "web" {
  # Plain HTTP to the targets is intended: TLS ends at the ALB, and targets sit in private subnets
  # whose security group admits only this ALB. CKV_AWS_378 passes because the target group is
  # reached only through the HTTPS listener.
  name_prefix          = "web-"
  port                 = var.container_port
  protocol             = "HTTP"
  protocol_version     = "HTTP1"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = var.deregistration_delay

  health_check {
    enabled             = true
    path                = var.health_check_path
    protocol            = "HTTP"
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = local.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      protocol    = "HTTPS"
      port        = "443"
      host        = "#{host}"
      path        = "/#{path}"
      query       = "#{query}"
      status_code = "HTTP_301"
    }
  }
}

# ---------------------------------------------------------------------------------------------
# DNS (optional): <base_domain> and *.<base_domain> -> ALB

resource "aws_route53_record" "alias" {
  for_each = local.manage_dns ? toset([var.base_domain, "*.${var.base_domain}"]) : toset([])

  zone_id = var.route53_zone_id
  name    = each.key
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}

# ---------------------------------------------------------------------------------------------
# AWS WAF

resource "aws_wafv2_web_acl" "this" {
  name        = "${var.name}-alb"
  description = "${var.name}: managed protections and per-IP rate limit in front of the ALB"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "aws-common-rule-set"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # Evidence photos are uploaded as multipart bodies larger than the rule's 8 KB limit;
        # count instead of block so that uploads work (the other rules of the set still block).
        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-common"
      sampled_requests_enabled   = true
    }
  }

  # Tor exit nodes and anonymizing proxies are blocked; hosting-provider addresses only counted
  # (some legitimate clients, e.g. corporate proxies, egress from cloud address ranges).
  rule {
    name     = "aws-anonymous-ip-list"
    priority = 15

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"

        rule_action_override {
          name = "HostingProviderIPList"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-anonymous-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "per-ip-rate-limit"
    priority = 30

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.waf_rate_limit
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-alb"
    sampled_requests_enabled   = true
  }
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_lb.this.arn
  web_acl_arn  = aws_wafv2_web_acl.this.arn
}

# WAF requires the "aws-waf-logs-" prefix on its log group name.
resource "aws_cloudwatch_log_group" "waf" {
  name              = "aws-waf-logs-${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]

  # Login and token requests carry credentials: never log these headers.
  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

  redacted_fields {
    single_header {
      name = "cookie"
    }
  }
}

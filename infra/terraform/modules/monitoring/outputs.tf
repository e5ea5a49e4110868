output "sns_topic_arn" {
  description = "SNS topic receiving every alarm and the RDS events."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of all alarms created."
  value = concat(
    [
      aws_cloudwatch_metric_alarm.alb_5xx_rate.alarm_name,
      aws_cloudwatch_metric_alarm.alb_unhealthy_targets.alarm_name,
      aws_cloudwatch_metric_alarm.alb_p95_latency.alarm_name,
      aws_cloudwatch_metric_alarm.db_cpu.alarm_name,
      aws_cloudwatch_metric_alarm.db_free_storage.alarm_name,
      aws_cloudwatch_metric_alarm.worker_cpu.alarm_name,
      aws_cloudwatch_metric_alarm.worker_not_running.alarm_name,
      aws_cloudwatch_metric_alarm.beat_not_running.alarm_name,
      aws_cloudwatch_metric_alarm.beat_duplicated.alarm_name,
    ],
    aws_cloudwatch_metric_alarm.cache_cpu[*].alarm_name,
    aws_cloudwatch_metric_alarm.cache_memory[*].alarm_name,
  )
}

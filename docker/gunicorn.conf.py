"""gunicorn settings of the web container (the image's default command).

Tuned for ECS Fargate behind an Application Load Balancer; every value can be overridden
through the environment variable named next to it.
"""

import os

# Only the ALB reaches the container (its security group admits nothing else).
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# Shorter than the ECS stop timeout (30 s) so that in-flight requests finish before SIGKILL.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Longer than the ALB idle timeout (60 s): the ALB, not gunicorn, closes idle connections.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Recycle workers now and then to bound memory growth (WeasyPrint, large uploads).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "100"))
# The root filesystem is read-only in ECS; /tmp is a writable task volume.
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", "/tmp")  # noqa: S108
# X-Forwarded-Proto from the ALB decides wsgi.url_scheme (Django: SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = "*"
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

"""gunicorn's configuration for the LMS app servers (`gunicorn -c deploy/gunicorn.conf.py
lms.wsgi`). Each value can be changed by an environment variable, in /etc/lms/env for the
systemd unit (deploy/systemd/lms-web.service)."""

import os

# Behind the proxy (nginx, a load balancer) on the same machine; 0.0.0.0:8000 when the load
# balancer is on another machine (and then FORWARDED_ALLOW_IPS is its address).
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Synchronous workers: two per core is a good start; each keeps one database connection
# (CONN_MAX_AGE), so PostgreSQL's max_connections must cover all app servers' workers.
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1))
# Pages take well under a second; an export or a certificate print of a whole branch may take
# longer. Slow clients and large uploads are the proxy's to buffer, not a worker's.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# A fresh worker now and then keeps memory in check (jitter: not all at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The proxy's addresses, whose X-Forwarded-* headers are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Logs to standard output and error: journald (or the platform) keeps them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
proc_name = "lms-web"

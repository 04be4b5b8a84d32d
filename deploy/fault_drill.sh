#!/usr/bin/env bash
# deploy/fault_drill.sh: the fault tests' drill (tests/faults/), run against a STAGING site
# on its own machines: a task worker killed with SIGKILL in the middle of a job, then the
# database restarted under one; each time the job must finish by itself, the workers keep
# running, and /healthz answers 200 again.
#
#   deploy/fault_drill.sh --staging --env-file /etc/lms/env --url https://staging.example.com \
#       [--restart-database 'systemctl restart postgresql'] [--seconds 40] \
#       [--stop-cache 'systemctl stop redis-server' --start-cache 'systemctl start redis-server']
#
# It refuses to run without BOTH --staging and `LMS_FAULT_DRILL=staging` in the environment
# file (or the environment): a drill kills workers and may restart the database, which on
# production would cut users' work short. Run it as root (or with sudo rights on systemctl)
# on a worker machine whose workers are systemd's `lms-worker@N` (deploy/systemd/), at least
# two of them running. It queues only its own job (`manage.py job_drill`), which writes
# nothing. Without --restart-database the second drill is skipped.
#
# Exit status 0: every drill passed; 1: a drill failed (what and why on stderr); 2: refused.
set -euo pipefail

prog="fault_drill.sh"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
base="$(dirname "$here")"
PYTHON="${PYTHON:-$base/.venv/bin/python}"
[ -x "$PYTHON" ] || PYTHON=python3

staging=no env_file="" url="" restart_db="" seconds=40 stop_cache="" start_cache=""
while [ $# -gt 0 ]; do
    case "$1" in
        --staging) staging=yes ;;
        --env-file) env_file="$2"; shift ;;
        --url) url="$2"; shift ;;
        --restart-database) restart_db="$2"; shift ;;
        --seconds) seconds="$2"; shift ;;
        --stop-cache) stop_cache="$2"; shift ;;
        --start-cache) start_cache="$2"; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "$prog: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

refuse() { echo "$prog: refused: $*" >&2; exit 2; }
fail() { echo "$prog: FAILED: $*" >&2; exit 1; }
say() { echo "$prog: $*"; }

[ "$staging" = yes ] || refuse "--staging not given (this drill kills workers: staging only)"
if [ -n "$env_file" ]; then
    [ -r "$env_file" ] || refuse "cannot read $env_file"
    # Read as the site reads it (KEY=value lines, as systemd's EnvironmentFile), never run by
    # the shell: a URL's "&" would otherwise end the line.
    exports="$("$PYTHON" - "$env_file" <<'PY'
import shlex, sys
from pathlib import Path
import environ
environ.Env.read_env(sys.argv[1], overwrite=True)
import os
for line in Path(sys.argv[1]).read_text().splitlines():
    if "=" in line and not line.lstrip().startswith("#"):
        key = line.split("=", 1)[0].removeprefix("export ").strip()
        if key.isidentifier() and key in os.environ:
            print(f"export {key}={shlex.quote(os.environ[key])}")
PY
)" || refuse "cannot read $env_file"
    eval "$exports"
fi
[ "${LMS_FAULT_DRILL:-}" = staging ] ||
    refuse "LMS_FAULT_DRILL=staging is not set in the site's environment (${env_file:-the environment})"
[ "${TASKS_BACKEND:-}" = database ] || refuse "TASKS_BACKEND is not 'database': no workers to drill"
[ -n "$url" ] || refuse "--url of the staging site is required (for /healthz)"
[ -n "${DATABASE_URL:-}" ] ||
    refuse "DATABASE_URL is not set in the site's environment (${env_file:-the environment})"
if [ -n "$stop_cache" ] && [ -z "$start_cache" ]; then
    refuse "--stop-cache needs --start-cache (the drill must bring Redis back)"
fi

lease="${LMS_JOB_LEASE_SECONDS:-120}"
manage() { (cd "$base" && "$PYTHON" manage.py "$@"); }
healthz() { curl -fsS -o /dev/null -w '%{http_code}' --max-time 10 "$url/healthz" 2>/dev/null || true; }
# The status code of GET $1 on the site (000 when it did not answer).
status_code() { curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$url$1" 2>/dev/null || true; }
workers() { systemctl list-units --type=service --state=running --no-legend 'lms-worker@*' | awk '{print $1}'; }
status_of() { manage job_drill status "$1"; }

# Wait until "$1" (a shell condition) holds, for at most $2 seconds, saying what for ($3).
wait_until() {
    local condition="$1" limit="$2" what="$3" start
    start=$(date +%s)
    until eval "$condition"; do
        [ $(( $(date +%s) - start )) -lt "$limit" ] || fail "waited ${limit} s for $what"
        sleep 1
    done
}

running=$(workers | wc -l)
[ "$running" -ge 2 ] || refuse "at least two lms-worker@N must run here (found $running)"
[ "$(healthz)" = 200 ] || fail "/healthz does not answer 200 before the drill"
say "$running workers, lease ${lease} s, /healthz 200: starting"

# Drill 1: a worker killed in the middle of a job ------------------------------------------------
task=$(manage job_drill enqueue --seconds "$seconds")
say "queued drill job $task (${seconds} s)"
wait_until '[ "$(status_of "$task" | cut -f1)" = RUNNING ]' 120 "a worker to take the job"
holder=$(status_of "$task" | cut -f3 | awk -F, '{print $NF}')
unit="lms-worker@${holder##*-}.service"
systemctl is-active --quiet "$unit" || fail "cannot tell which unit runs worker $holder ($unit)"
say "killing $unit (worker $holder) with SIGKILL"
systemctl kill --signal=SIGKILL "$unit"
limit=$(( lease * 2 + ${seconds%.*} + 60 ))
wait_until '[ "$(status_of "$task" | cut -f1)" = SUCCESSFUL ]' "$limit" \
    "the job to be taken up again and finish (lease ${lease} s)"
say "drill 1 passed: $(status_of "$task")"
wait_until 'systemctl is-active --quiet "$unit"' 60 "systemd to restart $unit"

# Drill 2: the database restarted under a job ----------------------------------------------------
if [ -n "$restart_db" ]; then
    task=$(manage job_drill enqueue --seconds "$seconds")
    wait_until '[ "$(status_of "$task" | cut -f1)" = RUNNING ]' 120 "a worker to take the job"
    say "restarting the database: $restart_db"
    start=$(date +%s)
    eval "$restart_db"
    say "the database was restarted in $(( $(date +%s) - start )) s"
    wait_until '[ "$(status_of "$task" 2>/dev/null | cut -f1)" = SUCCESSFUL ]' "$limit" \
        "the job to finish (or be taken up again) after the restart"
    after=$(workers | wc -l)
    [ "$after" -ge "$running" ] || fail "workers running after the restart: $after, before: $running"
    say "drill 2 passed: $(status_of "$task"); $after workers running"
else
    say "drill 2 skipped (no --restart-database)"
fi

# Drill 3: the cache (Redis) stopped under requests ------------------------------------------------
if [ -n "$stop_cache" ]; then
    wait_until '[ "$(healthz)" = 200 ]' 120 "/healthz to answer 200 before stopping the cache"
    say "stopping the cache: $stop_cache"
    eval "$stop_cache"
    trap 'eval "$start_cache"' EXIT  # Redis comes back whatever happens below
    wait_until '[ "$(healthz)" = 503 ]' 30 "/healthz to report the cache down"
    for round in 1 2 3; do
        for path in /accounts/login/ /verify/ "/healthz?checks=serving"; do
            code=$(status_code "$path")
            case "$code" in
                2??|3??) ;;
                *) fail "GET $path answered $code with the cache stopped (round $round)" ;;
            esac
        done
        sleep 2
    done
    say "the cache stopped: the sign-in page, /verify/ and the probe answered every time"
    eval "$start_cache"
    trap - EXIT
    wait_until '[ "$(healthz)" = 200 ]' 60 "/healthz to answer 200 once the cache is back"
    say "drill 3 passed: the site served without Redis and used it again by itself"
else
    say "drill 3 skipped (no --stop-cache)"
fi

wait_until '[ "$(healthz)" = 200 ]' 120 "/healthz to answer 200"
say "all drills passed; /healthz 200"

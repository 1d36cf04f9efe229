#!/bin/sh
# CareNet's periodic commands, for the `scheduler` service of compose.yaml (or any machine
# without cron). Once a day at CARENET_DAILY_AT (HH:MM, UTC in the image, default 02:30):
# purge old audit entries and rejected uploads, queue the monthly reminders; on day
# CARENET_PACKS_DAY of the month (default 5, after the 4W deadline) also queue the report packs.
# The commands queue their e-mails for the worker; one failing does not stop the others. Every
# command is idempotent, so a scheduler started after the hour catches up once that day.
set -u
at="${CARENET_DAILY_AT:-02:30}"
packs_day="${CARENET_PACKS_DAY:-5}"
last=""

run() {
    echo "scheduler: $(date -u +%FT%TZ) carenet $*"
    carenet "$@" || echo "scheduler: carenet $1 failed with status $?"
}

echo "scheduler: daily at $at, report packs on day $packs_day"
while true; do
    today="$(date +%F)"
    if [ "$(date +%H:%M)" \> "$at" ] || [ "$(date +%H:%M)" = "$at" ]; then
        if [ "$last" != "$today" ]; then
            last="$today"
            run purge-audit
            run purge-imports
            run send-reminders
            if [ "$(date +%-d)" = "$packs_day" ]; then
                run send-report-packs
            fi
        fi
    fi
    sleep 60
done

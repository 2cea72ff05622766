#!/usr/bin/env bash
# Demo maintenance switch (mirrors scripts/maintenance.sh of the runbook): toggles BOTH layers,
# the pre-framework file gate (maintenance.flag) and the database flag (db_maintenance in db_flags).
#   maintenance.sh on | off | status     (status exits 1 when the two layers disagree)
# The demo dir is $WARROOM_DEMO_DIR, else the directory above this script's bin/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DEMO_DIR="${WARROOM_DEMO_DIR:-}"
if [[ -z "$DEMO_DIR" ]]; then
    if [[ -f "$here/../state" ]]; then DEMO_DIR="$(cd "$here/.." && pwd)"; else DEMO_DIR="$here"; fi
fi
GATE="$DEMO_DIR/maintenance.flag"
FLAGS="$DEMO_DIR/db_flags"
LOG="$DEMO_DIR/app.log"

RED='\033[0;31m'; GREEN='\033[0;32m'; YELLOW='\033[1;33m'; NC='\033[0m'
info()  { printf "${GREEN}[INFO]${NC} %s\n" "$*"; }
warn()  { printf "${YELLOW}[WARN]${NC} %s\n" "$*"; }
error() { printf "${RED}[ERROR]${NC} %s\n" "$*" >&2; }
applog() { printf '%s [maintenance] %-5s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" >>"$LOG"; }

[[ -d "$DEMO_DIR" && -f "$DEMO_DIR/state" ]] || { error "no demo at $DEMO_DIR"; exit 2; }

set_db_flag() {
    local tmp
    tmp="$(mktemp "$DEMO_DIR/.db_flags.XXXXXX")"
    { [[ -f "$FLAGS" ]] && grep -v '^db_maintenance=' "$FLAGS" || true; echo "db_maintenance=$1"; } >"$tmp"
    mv -f "$tmp" "$FLAGS"
}
gate_on() { [[ -f "$GATE" ]]; }
db_on() { [[ -f "$FLAGS" ]] && grep -qx 'db_maintenance=1' "$FLAGS"; }
word() { if "$@"; then echo ON; else echo OFF; fi; }

case "${1:-status}" in
    on)
        tmp="$(mktemp "$DEMO_DIR/.maintenance.XXXXXX")"
        printf 'since=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >"$tmp"
        mv -f "$tmp" "$GATE"
        set_db_flag 1
        applog WARN "maintenance mode ON (file gate + database flag)"
        info "Maintenance mode ON: file gate and database flag set"
        ;;
    off)
        rm -f "$GATE"
        set_db_flag 0
        applog INFO "maintenance mode OFF (file gate + database flag)"
        info "Maintenance mode OFF: file gate and database flag cleared"
        ;;
    status)
        g="$(word gate_on)"; d="$(word db_on)"
        info "File gate (pre-framework): $g"
        info "Database maintenance flag: $d"
        if [[ "$g" != "$d" ]]; then
            warn "Layers disagree (file gate $g, database $d): run '$0 on' or '$0 off'"
            exit 1
        fi
        since=""
        if [[ "$g" == ON ]]; then
            since="$(sed -n 's/^since=//p' "$GATE" 2>/dev/null | head -n 1 || true)"
        fi
        info "Maintenance mode: $g${since:+ (since $since)}"
        ;;
    *)
        error "usage: $0 on | off | status"
        exit 2
        ;;
esac

#!/usr/bin/env bash
# Demo blue/green deploy script (mirrors scripts/deploy/bluegreen-deploy.sh of the runbook).
#   bluegreen.sh status                  active color and last deploy state
#   bluegreen.sh rollback [--detach]     switch Apache back to the idle color after a health check
#   bluegreen.sh logs [-f]               tail the application log
# The demo dir is $WARROOM_DEMO_DIR, else the directory above this script's bin/.
set -euo pipefail

src="${BASH_SOURCE[0]}"; [[ "$src" == */* ]] && src="${src%/*}" || src=.
here="$(cd "$src" && pwd)"
DEMO_DIR="${WARROOM_DEMO_DIR:-}"
if [[ -z "$DEMO_DIR" ]]; then
    if [[ -f "$here/../state" ]]; then DEMO_DIR="$(cd "$here/.." && pwd)"; else DEMO_DIR="$here"; fi
fi
STATE="$DEMO_DIR/state"
INCLUDE="$DEMO_DIR/apache/api-port.conf"
LOG="$DEMO_DIR/app.log"
ENVFILE="$DEMO_DIR/demo.env"

RED='\033[0;31m'; GREEN='\033[0;32m'; YELLOW='\033[1;33m'; NC='\033[0m'
info()  { printf "${GREEN}[INFO]${NC} %s\n" "$*"; }
warn()  { printf "${YELLOW}[WARN]${NC} %s\n" "$*"; }
error() { printf "${RED}[ERROR]${NC} %s\n" "$*" >&2; }
applog() { printf '%s [deploy] %-5s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "$1" "$2" >>"$LOG"; }

kv() {  # kv FILE KEY -> value of the last KEY= line (empty when missing); bash only, no exec:
    # `warroom` runs `status` every color round, so each external command here costs it CPU
    [[ -f "$1" ]] || return 0
    local line value=""
    while IFS= read -r line || [[ -n "$line" ]]; do
        [[ "$line" == "$2="* ]] && value="${line#"$2="}"
    done <"$1"
    printf '%s\n' "$value"
}

[[ -f "$STATE" ]] || { error "no deploy state at $STATE (is the demo running?)"; exit 2; }
PYTHON="$(kv "$ENVFILE" PYTHON)"; PYTHON="${PYTHON:-python3}"

port_of() { kv "$ENVFILE" "${1^^}_PORT"; }
other_of() { if [[ "$1" == blue ]]; then echo green; else echo blue; fi; }

healthy() {  # healthy COLOR -> exit 0 when /health.php answers 200 with status ok
    "$PYTHON" - "http://127.0.0.1:$(port_of "$1")/health.php" <<'PY'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
        ok = r.status == 200 and json.loads(r.read(65536)).get("status") == "ok"
except Exception as exc:  # noqa: BLE001
    print(f"health check failed: {exc}", file=sys.stderr)
    sys.exit(1)
sys.exit(0 if ok else 1)
PY
}

set_state() {  # set_state active previous status phase
    local tmp
    tmp="$(mktemp "$DEMO_DIR/.state.XXXXXX")"
    printf 'active=%s\nstatus=%s\nphase=%s\nupdated_at=%s\nprevious=%s\n' \
        "$1" "$3" "$4" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$2" >"$tmp"
    mv -f "$tmp" "$STATE"
}

switch_to() {  # switch_to TARGET FROM
    local tmp
    set_state "$2" "$(kv "$STATE" previous)" in_progress switching
    applog INFO "rollback: switching Apache upstream $2 -> $1 (port $(port_of "$1"))"
    tmp="$(mktemp "$DEMO_DIR/apache/.api-port.XXXXXX")"
    printf 'Define API_PORT %s\n' "$(port_of "$1")" >"$tmp"
    mv -f "$tmp" "$INCLUDE"
    applog INFO "rollback: apache graceful reload done"
    set_state "$1" "$2" success live
    applog INFO "rollback: complete, active color is now $1"
}

cmd="${1:-status}"
case "$cmd" in
    status)
        active="$(kv "$STATE" active)"
        info "Active color: ${active:-unknown}"
        info "Idle color: $(other_of "$active")"
        upstream="missing"
        [[ -r "$INCLUDE" ]] && upstream="$(<"$INCLUDE")"
        info "Apache upstream: $upstream"
        info "Last deploy: status=$(kv "$STATE" status) phase=$(kv "$STATE" phase) updated_at=$(kv "$STATE" updated_at)"
        ;;
    rollback)
        detach=0
        [[ "${2:-}" == "--detach" ]] && detach=1
        active="$(kv "$STATE" active)"
        target="$(other_of "$active")"
        info "Rolling back: $active -> $target"
        info "Checking health of $target on port $(port_of "$target") ..."
        if ! healthy "$target"; then
            error "Refusing to roll back: $target is not healthy (GET /health.php failed)."
            applog ERROR "rollback refused: $target failed its health check"
            exit 1
        fi
        info "$target is healthy"
        if (( detach )); then
            applog INFO "rollback: started detached ($active -> $target)"
            ( sleep 1; switch_to "$target" "$active" ) </dev/null >/dev/null 2>&1 &
            disown
            info "Rollback running in the background; follow it with: $0 logs -f"
        else
            switch_to "$target" "$active"
            info "Rollback complete. Active color: $target"
        fi
        ;;
    logs)
        if [[ "${2:-}" == "-f" ]]; then exec tail -n 50 -F "$LOG"; else tail -n 50 "$LOG"; fi
        ;;
    *)
        error "usage: $0 status | rollback [--detach] | logs [-f]"
        exit 2
        ;;
esac

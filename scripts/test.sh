#!/usr/bin/env bash
# The test command: bash scripts/test.sh [pytest args...]
# Installs what the tests need when missing (apt packages, pip -e '.[test]'), starts dockerd
# if no daemon answers, runs ruff then pytest. Idempotent; works with no stdin and CI=true.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
exec </dev/null

log() { printf '[test.sh] %s\n' "$*" >&2; }
PY="${PYTHON:-python}"
command -v "$PY" >/dev/null 2>&1 || PY=python3

# --- 1. system packages -------------------------------------------------------------------
APT_PKGS=(docker.io openssh-server openssh-client tmux busybox-static librsvg2-bin procps openssl prometheus prometheus-alertmanager)
missing=()
for pkg in "${APT_PKGS[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
    if [[ "$(id -u)" != 0 ]]; then
        log "missing packages (need root to install): ${missing[*]}"
    else
        log "installing: ${missing[*]}"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/warroom-apt.log 2>&1 \
            || { tail -n 30 /tmp/warroom-apt.log >&2; exit 1; }
    fi
fi

# --- 2. python package + test extras (re-run only when pyproject/checkout/python change) -----
stamp_dir="${XDG_CACHE_HOME:-$HOME/.cache}/warroom-test"
stamp="$stamp_dir/$(printf '%s' "$PWD" | sha256sum | cut -c1-16).stamp"
want="$(cat pyproject.toml <(command -v "$PY") <(printf '%s' "$PWD") | sha256sum | cut -d' ' -f1)"
installed_here() {
    "$PY" -I - "$PWD" <<'PYEOF' 2>/dev/null
import importlib.metadata as md, importlib.util as u, json, sys
dist = md.distribution("warroom")
url = json.loads(dist.read_text("direct_url.json") or "{}").get("url", "")
assert url.rstrip("/") == "file://" + sys.argv[1].rstrip("/"), url
for mod in ("pytest", "pytest_asyncio", "textual", "httpx", "docker", "asyncssh", "ruff"):
    assert u.find_spec(mod), mod
PYEOF
}
if [[ "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]] || ! installed_here; then
    log "pip install -e '.[test]'"
    "$PY" -m pip install -q --disable-pip-version-check --no-input -e '.[test]' \
        >/tmp/warroom-pip.log 2>&1 || { tail -n 30 /tmp/warroom-pip.log >&2; exit 1; }
    mkdir -p "$stamp_dir" && printf '%s' "$want" >"$stamp"
fi

# --- 3. Docker Engine ---------------------------------------------------------------------
docker_ok() { "$PY" -c 'import docker; docker.from_env(timeout=5).ping()' >/dev/null 2>&1; }
if ! docker_ok; then
    if [[ "$(id -u)" == 0 && -z "${DOCKER_HOST:-}" ]] && command -v dockerd >/dev/null; then
        log "starting dockerd (log: /tmp/warroom-dockerd.log)"
        setsid dockerd --bridge=none --iptables=false --ip6tables=false \
            >>/tmp/warroom-dockerd.log 2>&1 </dev/null &
        for _ in $(seq 60); do docker_ok && break; sleep 0.5; done
        docker_ok || { log "dockerd did not answer in 30 s:"; tail -n 20 /tmp/warroom-dockerd.log >&2; }
    else
        log "no Docker daemon answers; docker tests will skip (or fail with CI=true)"
    fi
fi

# --- 4. lint, then tests ------------------------------------------------------------------
"$PY" -m ruff check . || { log "ruff check failed"; exit 1; }

rc=0
"$PY" -m pytest -q -p no:cacheprovider "$@" || rc=$?
if [[ $rc == 5 ]]; then
    log "pytest collected no tests: treating as failure"
    exit 1
fi
exit "$rc"

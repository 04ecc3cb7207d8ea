#!/usr/bin/env bash
# Fuzzes the JSON API of a built pep-tracker with schemathesis: no request may get a 5xx.
#
#   .ci/schemathesis.sh target/debug/pep-tracker
#
# Builds nothing. Creates a throwaway database (an election still to come, 200 demo electors,
# one shipping batch, a reception token), serves it on a free loopback port, runs schemathesis
# against /api/openapi.json with the `not_a_server_error` check, and stops the server.
# Exits non-zero when schemathesis finds a failure (or cannot run).
#
# Environment (all optional):
#   SCHEMATHESIS               schemathesis executable (default: on PATH, else installed with
#                              pip into SCHEMATHESIS_VENV)
#   SCHEMATHESIS_VENV          venv for that install (default ~/.cache/pep-tracker/schemathesis)
#   SCHEMATHESIS_SPEC          pip requirement (default schemathesis==4.32.5: the flags below)
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per operation and phase (default 1000, about a minute)
#   SCHEMATHESIS_SEED          a fixed seed, to replay a run
#   SCHEMATHESIS_REPORT_DIR    where to keep the JUnit report and the server log
set -euo pipefail

if [[ $# -ne 1 || ! -x $1 ]]; then
    echo "uso: $0 RUTA/DEL/BINARIO/pep-tracker" >&2
    exit 2
fi
BIN=$(realpath "$1")
WORK=$(mktemp -d)
DB="$WORK/pep.sqlite3"
SERVER_PID=""

cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID"
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if [[ -n ${SCHEMATHESIS_REPORT_DIR:-} && -f $WORK/server.log ]]; then
        cp "$WORK/server.log" "$SCHEMATHESIS_REPORT_DIR/server.log"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

find_schemathesis() {
    if [[ -n ${SCHEMATHESIS:-} ]]; then
        echo "$SCHEMATHESIS"
    elif command -v schemathesis >/dev/null; then
        command -v schemathesis
    else
        local venv=${SCHEMATHESIS_VENV:-$HOME/.cache/pep-tracker/schemathesis}
        if [[ ! -x $venv/bin/schemathesis ]]; then
            echo "instalando ${SCHEMATHESIS_SPEC:-schemathesis==4.32.5} en $venv" >&2
            python3 -m venv "$venv" >&2
            "$venv/bin/pip" install --quiet "${SCHEMATHESIS_SPEC:-schemathesis==4.32.5}" >&2
        fi
        echo "$venv/bin/schemathesis"
    fi
}
ST=$(find_schemathesis)
echo "$("$ST" --version)" >&2

# The database: an election whose receipt cutoff is still to come, so check-ins are accepted.
cat >"$WORK/election.toml" <<'TOML'
name = "PEL 2029-2030 (schemathesis)"
election_day = "2030-06-02"
polls_open = "08:00"
timezone = "America/Mexico_City"
max_electors_per_mec = 750
entities = ["01", "10", "20", "28"]
TOML
pep() { "$BIN" --db "$DB" "$@"; }
pep init --election "$WORK/election.toml" >/dev/null
pep demo-data --electors 200 --seed 7 --out "$WORK/lnere.csv"
pep import-lnere "$WORK/lnere.csv" >/dev/null
pep batch create --name lote-schemathesis --entity 20 >/dev/null
TOKEN=$(pep token create --name st --role reception)

# A free loopback port (the kernel picks one; a race with another process is unlikely).
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT=$PORT ROCKET_LOG_LEVEL=normal ROCKET_CLI_COLORS=false \
    "$BIN" --db "$DB" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!

healthy() {
    python3 - "$BASE/healthz" <<'PY'
import sys, urllib.request
try:
    sys.exit(0 if urllib.request.urlopen(sys.argv[1], timeout=2).status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}
for _ in $(seq 1 60); do
    healthy && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "el servidor terminó al arrancar:" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    sleep 0.5
done
healthy || { echo "el servidor no respondió en $BASE/healthz" >&2; tail -50 "$WORK/server.log" >&2; exit 1; }
echo "servidor en $BASE (pid $SERVER_PID)" >&2

ARGS=(
    run "$BASE/api/openapi.json"
    --checks not_a_server_error
    --header "Authorization: Bearer $TOKEN"
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-1000}"
    --request-timeout 10
    --generation-database none
    --no-color
)
if [[ -n ${SCHEMATHESIS_SEED:-} ]]; then
    ARGS+=(--seed "$SCHEMATHESIS_SEED")
fi
if [[ -n ${SCHEMATHESIS_REPORT_DIR:-} ]]; then
    mkdir -p "$SCHEMATHESIS_REPORT_DIR"
    ARGS+=(--report junit --report-dir "$SCHEMATHESIS_REPORT_DIR")
fi

status=0
(cd "$WORK" && timeout 600 "$ST" "${ARGS[@]}") || status=$?
if [[ $status -ne 0 ]]; then
    echo "schemathesis falló (código $status); últimas líneas del servidor:" >&2
    tail -40 "$WORK/server.log" >&2
fi
exit "$status"

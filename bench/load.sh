#!/usr/bin/env bash
# Load test: `skk serve --workers 2` on PostgreSQL with the kupang-2016 population, wrk from a
# second process on loopback, bounded in time. Prints requests/s, p50 and p99 per scenario.
# Each scenario first runs 3 s unrecorded (LOAD_WARMUP): connections, prepared statements and
# caches of a fresh worker are not what an office sees after the first minute.
# Usage: bench/load.sh   (env: LOAD_SCALE=1.0, LOAD_SECONDS=15, LOAD_CONNECTIONS=16, LOAD_WARMUP=3)
# 16 connections: eight requests in flight per worker keep both busy (more only queue).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${LOAD_SCALE:-1.0}"; SECONDS_EACH="${LOAD_SECONDS:-15}"; CONNS="${LOAD_CONNECTIONS:-16}"
WARMUP="${LOAD_WARMUP:-3}"
DB="skk_load"; PORT=8765; OUT="$(mktemp -d)"
command -v wrk >/dev/null || { echo "install wrk (apt-get install wrk)" >&2; exit 2; }
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" -c "CREATE DATABASE $DB"
export SKK_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/$DB"
export SKK_DATA_DIR="$OUT/data" SKK_LOG_LEVEL=WARNING SKK_PUBLIC_RATE_LIMIT_PER_MINUTE=100000000
export SKK_PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
skk init
time skk demo kupang-2016 --scale "$SCALE"
export SKK_KEY="$(skk keys create --role operator --name load-test)"
psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT nik FROM residents ORDER BY random() LIMIT 20000" > "$OUT/niks.txt"
# Eligible for a letter: active, unregistered or in process, adult.
psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT nik FROM residents WHERE residency_status='active'
  AND recording_status IN ('unregistered','bio_captured','print_ready_record','sent_for_card_printing')
  AND birth_date < now() - interval '18 years' ORDER BY random() LIMIT 30000" > "$OUT/all_eligible.txt"
# Separate residents for the warm-up, so the measured run meets no "letter exists" refusal.
head -n 5000 "$OUT/all_eligible.txt" > "$OUT/warmup_eligible.txt"
tail -n +5001 "$OUT/all_eligible.txt" > "$OUT/eligible.txt"
skk serve --workers 2 --port "$PORT" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 1; done

run() {  # name, script, extra env
  local name="$1" script="$2"; shift 2
  if [ "$WARMUP" -gt 0 ]; then
    env "$@" ${WARM_ENV:-} wrk -t2 -c"$CONNS" -d"${WARMUP}s" -s "bench/wrk/$script" \
      "http://127.0.0.1:$PORT" > /dev/null
  fi
  env "$@" wrk -t2 -c"$CONNS" -d"${SECONDS_EACH}s" --latency -s "bench/wrk/$script" \
    "http://127.0.0.1:$PORT" > "$OUT/$name.txt"
  python3 - "$name" "$OUT/$name.txt" <<'PY'
import re, sys
name, text = sys.argv[1], open(sys.argv[2]).read()
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
lat = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{name:<24} {float(rps):>9.1f} req/s   p50 {lat.get('50')}   p99 {lat.get('99')}"
      f"   non-2xx {errors.group(1) if errors else 0}")
PY
}
echo "scenario                      req/s    latency (wrk, $CONNS connections, ${SECONDS_EACH}s after ${WARMUP}s warm-up)"
run resident_by_nik niks.lua NIKS_FILE="$OUT/niks.txt"
run resident_list get.lua LOAD_PATH="/api/v1/residents?limit=50"
# Letters first (their verification tokens feed the next scenario).
WARM_ENV="NIKS_FILE=$OUT/warmup_eligible.txt" run letter_issue issue.lua NIKS_FILE="$OUT/eligible.txt"
TOKEN="$(psql -h 127.0.0.1 -U postgres -d "$DB" -Atc "SELECT verification_token FROM letters LIMIT 1")"
run verify_json get.lua LOAD_PATH="/api/v1/verify/$TOKEN"

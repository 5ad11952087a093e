#!/usr/bin/env bash
# run-suite.sh runs the W3C Trace Context conformance suite against w3cservice.
#
#   interop/w3cservice/run-suite.sh SUITE_TEST_DIR [STYLES...]
#
# SUITE_TEST_DIR is the suite's test/ folder (github.com/w3c/trace-context),
# e.g. from a mirror: git -C MIRROR archive HEAD test | tar -x -C /tmp/w3c.
# STYLES are w3cservice -styles values, one service per value; default:
# "tracecontext default". For each, the service starts on a free 127.0.0.1
# port and the suite runs with SPEC_LEVEL=1, unset (the suite's default),
# SPEC_LEVEL=2, STRICT_LEVEL=1 and STRICT_LEVEL=2; the summary lines and any
# failing tests are printed. Needs Python 3 with aiohttp (Debian:
# python3-aiohttp; PYTHON overrides /usr/bin/python3). Downloads nothing:
# the build runs with GOPROXY=off and GOTOOLCHAIN=local.
# Exit status: 0 when every run passed.
set -euo pipefail

if [[ $# -lt 1 || ! -f $1/test.py ]]; then
	echo "usage: $0 SUITE_TEST_DIR [STYLES...]  (SUITE_TEST_DIR holds test.py)" >&2
	exit 2
fi
suite=$(cd "$1" && pwd)
shift
styles=("$@")
[[ ${#styles[@]} -gt 0 ]] || styles=(tracecontext default)
python=${PYTHON:-/usr/bin/python3}
"$python" -c 'import aiohttp' 2>/dev/null || {
	echo "$python lacks aiohttp (apt-get install -y python3-aiohttp)" >&2
	exit 2
}

tmp=$(mktemp -d)
svc=""
cleanup() {
	if [[ -n $svc ]]; then kill "$svc" 2>/dev/null || true; wait "$svc" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

cd "$(dirname "$0")/.." # the interop module
GOPROXY=off GOTOOLCHAIN=local go build -o "$tmp/w3cservice" ./w3cservice

# The harness listens too (HARNESS_PORT, default 7777): give it a free port.
harness_port=$("$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

status=0
for st in "${styles[@]}"; do
	"$tmp/w3cservice" -addr 127.0.0.1:0 -styles "$st" 2>"$tmp/svc.log" &
	svc=$!
	url=""
	for _ in $(seq 100); do
		url=$(grep -o 'http://[^ ]*/test' "$tmp/svc.log" || true)
		[[ -n $url ]] && break
		kill -0 "$svc" 2>/dev/null || { cat "$tmp/svc.log" >&2; exit 1; }
		sleep 0.1
	done
	[[ -n $url ]] || { echo "w3cservice did not start" >&2; exit 1; }
	echo "== w3cservice -styles $st at $url"
	for level in SPEC_LEVEL=1 "" SPEC_LEVEL=2 STRICT_LEVEL=1 STRICT_LEVEL=2; do
		rc=0
		(cd "$suite" && env -u SPEC_LEVEL -u STRICT_LEVEL $level \
			HARNESS_HOST=127.0.0.1 HARNESS_PORT="$harness_port" \
			"$python" test.py "$url") >"$tmp/run.log" 2>&1 || rc=$?
		[[ $rc -eq 0 ]] || status=1
		printf '%-16s %s | %s | %s\n' "${level:-(default)}" \
			"$(grep -E '^(STRICT|SPEC)_LEVEL' "$tmp/run.log" | tr -s ' ' | paste -sd, -)" \
			"$(grep -m1 '^Ran ' "$tmp/run.log" || echo 'no summary')" \
			"$(grep -E '^(OK|FAILED)' "$tmp/run.log" | tail -1 || true)"
		grep -E '^(FAIL|ERROR): ' "$tmp/run.log" | sed 's/^/    /' || true
		if [[ $rc -ne 0 ]] && ! grep -q '^Ran ' "$tmp/run.log"; then tail -5 "$tmp/run.log" | sed 's/^/    /'; fi
	done
	kill "$svc" && wait "$svc" 2>/dev/null || true
	svc=""
done
exit $status

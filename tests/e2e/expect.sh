#!/usr/bin/env bash
# expect.sh ok|fail REGEX COMMAND...   runs COMMAND; passes when its exit status matches (0 for ok,
# non-zero for fail) and its combined output matches the extended REGEX.
set -u
want=$1; regex=$2; shift 2
output=$("$@" 2>&1); status=$?
echo "$output"
if [[ $want == ok && $status -ne 0 ]]; then echo "expect.sh: exit status $status, expected 0"; exit 1; fi
if [[ $want == fail && $status -eq 0 ]]; then echo "expect.sh: exit status 0, expected failure"; exit 1; fi
if ! grep -Eq -- "$regex" <<<"$output"; then echo "expect.sh: output does not match /$regex/"; exit 1; fi
exit 0

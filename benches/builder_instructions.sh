#!/usr/bin/env bash
# The generated span builder against a hand-written span, in instructions: see
# benches/instructions.sh.
exec "$(dirname "$0")/instructions.sh" builder "$@"

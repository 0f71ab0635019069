#!/usr/bin/env bash
# Insights against validation, in instructions: see benches/instructions.sh.
exec "$(dirname "$0")/instructions.sh" insights "$@"

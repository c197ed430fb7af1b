#!/usr/bin/env bash
# Stands in for a coding agent's CLI in launcher tests. Copied next to its control files and
# named after the agent it replaces (codex, gemini, aider, ...). It records how it was started,
# prints the canned output it was given, and exits with the chosen code:
#   argv         its arguments, each followed by a NUL byte (NUL cannot occur in an argument)
#   stdin        everything it read on standard input, byte for byte
#   cwd          the folder it was started in
#   env          its environment, NUL-separated
#   pid          its own pid
#   stdout.txt   printed on standard output           (optional)
#   stderr.txt   printed on standard error            (optional)
#   exit-code    the code to exit with                (optional, default 0)
#   hang         when present: start 'sleep 1000' as a child, write its pid to 'child', and wait
# Asked for '--version' alone (as a launcher's availability check does), it prints one line and
# records nothing, so a check never overwrites what a run recorded.
if [ "$#" -eq 1 ] && [ "$1" = "--version" ]; then
  echo "stand-in 1.0.0"
  exit 0
fi
here="$(cd "$(dirname "$0")" && pwd)"
printf '%s\0' "$@" > "$here/argv.tmp" && mv "$here/argv.tmp" "$here/argv"
cat > "$here/stdin"
pwd > "$here/cwd"
env -0 > "$here/env"
echo $$ > "$here/pid"
[ -f "$here/stdout.txt" ] && cat "$here/stdout.txt"
[ -f "$here/stderr.txt" ] && cat "$here/stderr.txt" >&2
if [ -f "$here/hang" ]; then
  sleep 1000 &
  echo $! > "$here/child.tmp" && mv "$here/child.tmp" "$here/child"
  wait
fi
exit "$(cat "$here/exit-code" 2>/dev/null || echo 0)"

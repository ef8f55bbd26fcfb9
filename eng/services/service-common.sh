# Sourced by the service scripts in this folder (not run on its own): their command line, waiting for a server
# started in the background to answer, and stopping one by its PID. Messages go to stderr.

# run_service_command SCRIPT COMMAND
# Runs the sourcing script's function for COMMAND: install, start, stop, env (function print_env) or status.
run_service_command() {
  case "${2:-}" in
    install | start | stop | status) "$2" ;;
    env) print_env ;;
    *)
      echo "usage: $1 install|start|stop|env|status" >&2
      return 2
      ;;
  esac
}

# wait_until_answering NAME PID LOG_FILE SECONDS CHECK [ARGS...]
# Runs CHECK until it succeeds. Fails, printing the end of LOG_FILE, when the process PID exits first or SECONDS
# pass; the caller decides what to stop then.
wait_until_answering() {
  local name="$1" pid="$2" log_file="$3" seconds="$4"
  shift 4
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited while starting; its log:" >&2
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      echo "$name did not answer within $seconds s; its log:" >&2
      tail -n 30 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

# terminate_process PID SECONDS
# Sends TERM and waits up to SECONDS for the process to end; then sends KILL and returns 1 (it could not clean up).
terminate_process() {
  local pid="$1" seconds="$2" deadline
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + seconds))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      return 1
    fi
    sleep 0.2
  done
}

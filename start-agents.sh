#!/usr/bin/env bash
# Operates the codegod fleet: ./start-agents.sh up|down|logs|status|wipe|scale|restart.
#
# Two runtimes, the same verbs:
#   docker  when a Docker engine answers `docker info`: docker-compose.agents.yml through
#           docker-compose (or `docker compose`).
#   local   otherwise: the same services as local processes under pm2 (PM2_HOME in the state
#           dir), with a local redis-server (AOF on) unless REDIS_URL is set.
# `up` records the runtime in <state>/env, so later verbs use the same one; CODEGOD_RUNTIME
# forces one. Run `./start-agents.sh help` for the verbs and settings.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE_DIR="${CODEGOD_STATE_DIR:-$ROOT/.state}"
COMPOSE_FILE="$ROOT/docker-compose.agents.yml"
PM2_CONFIG="$ROOT/scripts/fleet/pm2.config.cjs"
PM2_BIN="${CODEGOD_PM2:-$ROOT/node_modules/.bin/pm2}"
CLI_BIN="$ROOT/packages/cli/dist/bin.js"
MASTER_ENTRY="${CODEGOD_MASTER_ENTRY:-services/master-orchestrator/dist/main.js}"
WORKER_ENTRY="${CODEGOD_WORKER_ENTRY:-services/agent-worker/dist/main.js}"
MAX_REPLICAS="${CODEGOD_MAX_REPLICAS:-16}"
DEFAULT_LOCAL_REDIS_PORT=6380
AGENT_SERVICES=(backend-agent frontend-agent devops-agent testing-agent)
SERVICES=(redis redis-commander vllm-server master-orchestrator "${AGENT_SERVICES[@]}")
ROLES=(backend frontend devops testing)
PLACEHOLDER_SECRET="change-me"

# ---------------------------------------------------------------------------------------------
# Help and argument errors (exit 2). Nothing here starts anything.

usage() {
  cat <<EOF
Usage: ./start-agents.sh VERB [ARGS]

Verbs:
  up                  start the fleet (builds dist/ first if it is missing)
  down                stop everything the fleet started; data and logs stay in the state dir
  logs [SERVICE]      print recent logs (-n LINES, -f to follow)
  status              processes, agents, queue depths and task metrics
  wipe [--agent ID]   reset agents' working memory (role and knowledge are kept)
  scale SERVICE N     run N replicas of an agent service (0..$MAX_REPLICAS)
  restart [SERVICE]   restart one service or all of them
  help [VERB]         this text, or a verb's

Services: ${SERVICES[*]}

Runtime: docker when \`docker info\` answers, else local (pm2). Force with CODEGOD_RUNTIME=docker|local.
Settings (environment; see .env.example): REDIS_URL, VLLM_API_URL, LLM_MODEL, LLM_API_KEY,
LOG_LEVEL, WORKSPACE_ROOT, BULL_BOARD_PORT, CODEGOD_STATE_DIR (default .state),
CODEGOD_REDIS_PORT (local redis, default $DEFAULT_LOCAL_REDIS_PORT).
After \`up\`, \`set -a; . .state/env; set +a\` points codegod at the fleet.
EOF
}

verb_usage() {
  case "$1" in
    up) cat <<'EOF'
Usage: ./start-agents.sh up

Starts the fleet. docker: creates .env with random secrets on first use, then
`docker-compose -f docker-compose.agents.yml up -d --build`. local: runs `npm run build` when
a service's dist/ is missing, starts redis-server (AOF, noeviction, a password, 127.0.0.1 on
CODEGOD_REDIS_PORT or 6380, else a free port) unless REDIS_URL is set, then the master and one
replica per agent service under pm2. Writes REDIS_URL and friends to <state>/env.
Running it again starts only what is missing.
EOF
      ;;
    down) cat <<'EOF'
Usage: ./start-agents.sh down

Stops the fleet. docker: `docker-compose down` (volumes are kept). local: stops every pm2 app
(SIGTERM, then SIGKILL after 30 s), the pm2 daemon, and the redis-server it started. The data
(<state>/redis) and logs (<state>/logs) stay; remove the state dir to forget them.
EOF
      ;;
    logs) cat <<'EOF'
Usage: ./start-agents.sh logs [-n LINES] [-f] [SERVICE]

Prints the last LINES (default 100) log lines of SERVICE (every replica of an agent
service; a replica like backend-agent-2 also works), or of every service. -f follows.
EOF
      ;;
    status) cat <<'EOF'
Usage: ./start-agents.sh status

Prints the fleet's processes, the agents' heartbeats (codegod:agents:status), each role's
queue depths (BullMQ codegod:tasks-<role>) and the task metrics (codegod:metrics:tasks).
Uses `codegod status` when the CLI has it, else redis-cli.
EOF
      ;;
    wipe) cat <<'EOF'
Usage: ./start-agents.sh wipe [--agent ID]

Resets the working memory of every agent, or of agent ID: current_task, completed_tasks,
observations, reasoning_history and blocked_on. agent_role and knowledge are kept.
Uses `codegod wipe` when the CLI has it, else redis-cli.
EOF
      ;;
    scale) cat <<EOF
Usage: ./start-agents.sh scale SERVICE N

Runs N replicas (0..$MAX_REPLICAS) of SERVICE, one of: ${AGENT_SERVICES[*]}.
local: replicas are pm2 apps SERVICE-1..SERVICE-N, each with AGENT_ID set to its name.
docker: \`docker-compose up -d --scale SERVICE=N\`.
EOF
      ;;
    restart) cat <<'EOF'
Usage: ./start-agents.sh restart [SERVICE]

Restarts SERVICE (every replica), or every service of the fleet.
EOF
      ;;
    *) usage ;;
  esac
}

die() {
  echo "start-agents.sh: $*" >&2
  exit 1
}

usage_error() {
  echo "start-agents.sh: $*" >&2
  echo "Run './start-agents.sh help' for usage." >&2
  exit 2
}

is_one_of() {
  local needle="$1" item
  shift
  for item in "$@"; do [[ "$item" == "$needle" ]] && return 0; done
  return 1
}

# A service name, or (local runtime) one replica of an agent service such as backend-agent-2.
valid_service_or_replica() {
  is_one_of "$1" "${SERVICES[@]}" && return 0
  [[ "$1" =~ ^(.+)-([0-9]+)$ ]] && is_one_of "${BASH_REMATCH[1]}" "${AGENT_SERVICES[@]}"
}

# ---------------------------------------------------------------------------------------------
# State: <state>/env holds what `up` decided (runtime, REDIS_URL, ports) as sourceable lines.

STATE_ENV="$STATE_DIR/env"
RUNTIME=""
REDIS_URL_FROM_CALLER="${REDIS_URL:-}"

load_state() {
  if [[ -f "$STATE_ENV" ]]; then
    local forced_runtime="${CODEGOD_RUNTIME:-}"
    set -a
    # shellcheck source=/dev/null
    . "$STATE_ENV"
    set +a
    [[ -n "$forced_runtime" ]] && CODEGOD_RUNTIME="$forced_runtime"
  fi
  return 0
}

write_state() {
  mkdir -p "$STATE_DIR"
  local name tmp="$STATE_ENV.tmp"
  : >"$tmp"
  chmod 600 "$tmp"
  {
    echo "# Written by start-agents.sh up; removed by down. Source it: set -a; . $STATE_ENV; set +a"
    for name in "$@"; do
      if [[ -n "${!name:-}" ]]; then printf '%s=%q\n' "$name" "${!name}"; fi
    done
  } >>"$tmp"
  mv "$tmp" "$STATE_ENV"
}

# Names of the other settings in this shell that the services read (LLM, sandbox, bus tuning,
# package mirrors, proxies). `up` records them with the fleet, so a later `scale` or `restart`
# from another shell starts replicas configured like the rest.
service_settings() {
  compgen -e | grep -E '^(LLM_[A-Z0-9_]+|CODEGOD_(SANDBOX|TASK_[A-Z_]+|AGENT_TTL_MS|MASTER_LLM_[A-Z_]+|LOCK_DURATION_MS|STALLED_INTERVAL_MS|MAX_STALLED_COUNT|HEARTBEAT_MS)|PIP_[A-Z_]+|NPM_CONFIG_[A-Z_]+|BULL_BOARD_(HOST|USER|PASSWORD|READ_ONLY)|(HTTP|HTTPS|NO)_PROXY|(http|https|no)_proxy)$' || true
}

docker_engine_answers() {
  command -v docker >/dev/null 2>&1 && timeout 5 docker info >/dev/null 2>&1
}

choose_runtime() {
  case "${CODEGOD_RUNTIME:-}" in
    docker | local) RUNTIME="$CODEGOD_RUNTIME" ;;
    "") if docker_engine_answers; then RUNTIME=docker; else RUNTIME=local; fi ;;
    *) usage_error "CODEGOD_RUNTIME must be docker or local (got '$CODEGOD_RUNTIME')" ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Docker runtime.

compose() {
  if command -v docker-compose >/dev/null 2>&1; then
    docker-compose -f "$COMPOSE_FILE" "$@"
  elif docker compose version >/dev/null 2>&1; then
    docker compose -f "$COMPOSE_FILE" "$@"
  else
    die "a Docker engine answers but neither docker-compose nor 'docker compose' is installed"
  fi
}

random_secret() {
  od -An -N24 -tx1 /dev/urandom | tr -d ' \n'
}

# The compose file defaults every secret to a placeholder so that `config` validates without a
# .env; a real stack gets random ones here, once.
ensure_dotenv() {
  local dotenv="$ROOT/.env"
  if [[ ! -f "$dotenv" ]]; then
    [[ -f "$ROOT/.env.example" ]] || die ".env.example is missing"
    sed -e "s/^REDIS_PASSWORD=.*/REDIS_PASSWORD=$(random_secret)/" \
      -e "s/^REDIS_COMMANDER_PASSWORD=.*/REDIS_COMMANDER_PASSWORD=$(random_secret)/" \
      -e "s/^BULL_BOARD_PASSWORD=.*/BULL_BOARD_PASSWORD=$(random_secret)/" \
      "$ROOT/.env.example" >"$dotenv"
    chmod 600 "$dotenv"
    echo "start-agents.sh: created .env from .env.example with random REDIS_PASSWORD, REDIS_COMMANDER_PASSWORD and BULL_BOARD_PASSWORD"
  fi
  # A .env made before Bull Board asked for a login has no BULL_BOARD_PASSWORD yet.
  if ! grep -q "^BULL_BOARD_PASSWORD=" "$dotenv"; then
    printf 'BULL_BOARD_PASSWORD=%s\n' "$(random_secret)" >>"$dotenv"
    echo "start-agents.sh: added a random BULL_BOARD_PASSWORD to .env (Bull Board's login, user BULL_BOARD_USER)"
  fi
  if grep -Eq "^(REDIS_PASSWORD|REDIS_COMMANDER_PASSWORD|BULL_BOARD_PASSWORD)=($PLACEHOLDER_SECRET)?$" "$dotenv"; then
    die ".env still has the placeholder REDIS_PASSWORD, REDIS_COMMANDER_PASSWORD or BULL_BOARD_PASSWORD; set real secrets"
  fi
}

docker_up() {
  ensure_dotenv
  compose up -d --build
  write_state CODEGOD_RUNTIME
  echo "start-agents.sh: fleet is up (docker). Redis Commander: http://127.0.0.1:8081  Bull Board: http://127.0.0.1:${BULL_BOARD_PORT:-3000}/queues (login: BULL_BOARD_USER / BULL_BOARD_PASSWORD in .env)"
}

docker_down() {
  compose down --remove-orphans
  rm -f "$STATE_ENV"
}

docker_logs() {
  local lines="$1" follow="$2" service="${3:-}"
  local args=(logs --no-color "--tail=$lines")
  [[ "$follow" == 1 ]] && args+=(--follow)
  [[ -n "$service" ]] && args+=("$service")
  compose "${args[@]}"
}

# ---------------------------------------------------------------------------------------------
# Local runtime: pm2 and a local redis-server.

pm2_cmd() {
  PM2_HOME="$STATE_DIR/pm2" PM2_KILL_SIGNAL=SIGTERM CODEGOD_ROOT="$ROOT" \
    CODEGOD_STATE_DIR="$STATE_DIR" CODEGOD_MASTER_ENTRY="$MASTER_ENTRY" \
    CODEGOD_WORKER_ENTRY="$WORKER_ENTRY" "$PM2_BIN" "$@"
}

# True when this state dir's pm2 daemon runs. (Any pm2 command would start one, so ask the pidfile.)
pm2_daemon_running() {
  local pidfile="$STATE_DIR/pm2/pm2.pid"
  [[ -f "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

# pm2 app lines: name namespace status pid.
pm2_apps() {
  pm2_daemon_running || return 0
  pm2_cmd jlist 2>/dev/null | node "$ROOT/scripts/fleet/pm2-apps.mjs" lines
}

require_local_up() {
  if [[ -f "$STATE_ENV" ]] && pm2_daemon_running; then return 0; fi
  die "the fleet is not up (local runtime, state dir $STATE_DIR); run ./start-agents.sh up"
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

rcli() {
  [[ -n "${REDIS_URL:-}" ]] || die "REDIS_URL is not known; run ./start-agents.sh up"
  # redis-cli 7 sends an empty user name for redis://:PASSWORD@…; name the default user.
  redis-cli --no-auth-warning -u "${REDIS_URL/#redis:\/\/:/redis://default:}" "$@"
}

ensure_built() {
  local entry missing=()
  for entry in "$MASTER_ENTRY" "$WORKER_ENTRY" packages/cli/dist/bin.js; do
    [[ -f "$ROOT/$entry" || -f "$entry" ]] || missing+=("$entry")
  done
  ((${#missing[@]} == 0)) && return 0
  echo "start-agents.sh: ${missing[*]} missing: building first with 'npm run build'"
  (cd "$ROOT" && npm run build)
  for entry in "${missing[@]}"; do
    [[ -f "$ROOT/$entry" || -f "$entry" ]] ||
      die "$entry is still missing after 'npm run build'; is that service written yet?"
  done
}

start_local_redis() {
  command -v redis-server >/dev/null 2>&1 ||
    die "redis-server is not installed (apt-get install redis-server), or set REDIS_URL"
  local dir="$STATE_DIR/redis" port password
  mkdir -p "$dir" "$STATE_DIR/logs"
  chmod 700 "$dir"
  [[ -f "$dir/password" ]] || (umask 077 && random_secret >"$dir/password")
  password="$(cat "$dir/password")"
  if [[ -f "$dir/redis.pid" ]] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then
    port="$(cat "$dir/port")"
  else
    # An explicit CODEGOD_REDIS_PORT, else the port used last time (so REDIS_URL survives a
    # `restart redis`), else 6380, else any free port.
    if [[ -n "${CODEGOD_REDIS_PORT:-}" ]]; then
      port="$CODEGOD_REDIS_PORT"
      port_in_use "$port" && die "CODEGOD_REDIS_PORT $port is already in use"
    else
      port="$(cat "$dir/port" 2>/dev/null || echo "$DEFAULT_LOCAL_REDIS_PORT")"
      port_in_use "$port" && port="$DEFAULT_LOCAL_REDIS_PORT"
      port_in_use "$port" && port="$(free_port)"
    fi
    # The password lives in a 0600 config file, not on redis-server's command line.
    (
      umask 077
      cat >"$dir/redis.conf" <<EOF
port $port
bind 127.0.0.1
dir $dir
appendonly yes
appendfsync everysec
maxmemory-policy noeviction
save ""
requirepass $password
daemonize yes
pidfile $dir/redis.pid
logfile $STATE_DIR/logs/redis.log
EOF
    )
    echo "$port" >"$dir/port"
    redis-server "$dir/redis.conf"
  fi
  REDIS_URL="redis://default:$password@127.0.0.1:$port"
  local tries
  for ((tries = 0; tries < 100; tries += 1)); do
    [[ "$(rcli ping 2>/dev/null)" == PONG ]] && return 0
    sleep 0.1
  done
  die "redis-server on port $port did not answer; see $STATE_DIR/logs/redis.log"
}

stop_local_redis() {
  local dir="$STATE_DIR/redis" pid
  [[ -f "$dir/redis.pid" ]] || return 0
  pid="$(cat "$dir/redis.pid")"
  if kill -0 "$pid" 2>/dev/null; then
    # SHUTDOWN flushes the AOF; TERM does the same if the password or port is lost.
    REDISCLI_AUTH="$(cat "$dir/password" 2>/dev/null)" redis-cli -p "$(cat "$dir/port" 2>/dev/null)" \
      shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    wait_for_exit "$pid" 100 || kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/redis.pid"
}

# wait_for_exit PID TENTHS: true once PID is gone.
wait_for_exit() {
  local tries
  for ((tries = 0; tries < $2; tries += 1)); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.1
  done
  return 1
}

# Starts the pm2 apps of the replicas file that are not running yet.
pm2_start_missing() {
  local wanted running missing=()
  wanted="$(CODEGOD_ROOT="$ROOT" CODEGOD_STATE_DIR="$STATE_DIR" node -e \
    'for (const a of require(process.argv[1]).apps) console.log(a.name)' "$PM2_CONFIG")"
  running="$(pm2_apps | awk '{print $1}')"
  local name
  for name in $wanted; do
    grep -qx -- "$name" <<<"$running" || missing+=("$name")
  done
  ((${#missing[@]} == 0)) && return 0
  local only
  only="$(
    IFS=,
    echo "${missing[*]}"
  )"
  pm2_cmd start "$PM2_CONFIG" --only "$only" >/dev/null
  echo "start-agents.sh: started ${missing[*]}"
}

write_replicas() {
  local service count="$1" tmp="$STATE_DIR/replicas.tmp"
  : >"$tmp"
  for service in "${AGENT_SERVICES[@]}"; do
    echo "$service=$count" >>"$tmp"
  done
  mv "$tmp" "$STATE_DIR/replicas"
}

set_replicas() {
  local service="$1" count="$2" tmp="$STATE_DIR/replicas.tmp"
  [[ -f "$STATE_DIR/replicas" ]] || write_replicas 1
  grep -v "^$service=" "$STATE_DIR/replicas" >"$tmp" || true
  echo "$service=$count" >>"$tmp"
  mv "$tmp" "$STATE_DIR/replicas"
}

local_up() {
  command -v node >/dev/null 2>&1 || die "node is not installed"
  [[ -x "$PM2_BIN" ]] || die "pm2 is missing ($PM2_BIN); run 'npm ci' first"
  ensure_built
  mkdir -p "$STATE_DIR/logs"
  local already_up=0
  [[ -f "$STATE_ENV" ]] && pm2_daemon_running && already_up=1

  # Recorded in the state file: down stops the redis-server only when up started it.
  export CODEGOD_LOCAL_REDIS=0
  if [[ "$already_up" == 1 ]]; then
    [[ -f "$STATE_DIR/redis/redis.pid" ]] && CODEGOD_LOCAL_REDIS=1 && start_local_redis
  elif [[ -n "$REDIS_URL_FROM_CALLER" ]]; then
    REDIS_URL="$REDIS_URL_FROM_CALLER"
    rcli ping >/dev/null 2>&1 || die "REDIS_URL does not answer PING"
  else
    CODEGOD_LOCAL_REDIS=1
    start_local_redis
  fi

  if [[ "$already_up" == 0 ]]; then
    if [[ -z "${BULL_BOARD_PORT:-}" ]]; then
      BULL_BOARD_PORT=3000
      port_in_use "$BULL_BOARD_PORT" && BULL_BOARD_PORT="$(free_port)"
    fi
    WORKSPACE_ROOT="${WORKSPACE_ROOT:-$STATE_DIR/workspace}"
    mkdir -p "$WORKSPACE_ROOT"
    write_replicas 1
  fi
  CODEGOD_RUNTIME=local
  export REDIS_URL BULL_BOARD_PORT WORKSPACE_ROOT
  # The service settings are recorded too, so a later `scale` or `restart` from another shell
  # starts replicas configured like the rest of the fleet.
  # shellcheck disable=SC2046 # one setting name per word
  write_state CODEGOD_RUNTIME REDIS_URL CODEGOD_LOCAL_REDIS BULL_BOARD_PORT WORKSPACE_ROOT \
    VLLM_API_URL LOG_LEVEL $(service_settings)
  pm2_start_missing
  echo "start-agents.sh: fleet is up (local runtime, pm2; state in $STATE_DIR)"
  echo "  Redis: $(sed -E 's#^([a-z]+://[^:/@]*:)[^@]*@#\1***@#' <<<"$REDIS_URL")   Bull Board: http://127.0.0.1:$BULL_BOARD_PORT"
  echo "  Use it from this shell: set -a; . $STATE_ENV; set +a"
}

local_down() {
  local pids=""
  if pm2_daemon_running; then
    pids="$(pm2_apps | awk '$4 > 0 {print $4}')"
    pm2_cmd kill >/dev/null
  fi
  local pid
  for pid in $pids; do
    wait_for_exit "$pid" 200 || kill -KILL "$pid" 2>/dev/null || true
  done
  stop_local_redis
  rm -f "$STATE_ENV"
  echo "start-agents.sh: fleet is down (local runtime); data and logs stay in $STATE_DIR"
}

local_logs() {
  local lines="$1" follow="$2" service="${3:-}" files=() file
  shopt -s nullglob
  case "$service" in
    "") files=("$STATE_DIR"/logs/*.log) ;;
    redis) files=("$STATE_DIR/logs/redis.log") ;;
    master-orchestrator) files=("$STATE_DIR"/logs/master-orchestrator.*.log) ;;
    redis-commander | vllm-server)
      die "$service does not run in the local runtime (redis-cli and VLLM_API_URL stand in for it)"
      ;;
    *)
      if is_one_of "$service" "${AGENT_SERVICES[@]}"; then
        files=("$STATE_DIR/logs/$service"-[0-9]*.log)
      else
        files=("$STATE_DIR/logs/$service".*.log)
      fi
      ;;
  esac
  shopt -u nullglob
  local existing=() nonempty=()
  for file in "${files[@]}"; do
    [[ -f "$file" ]] || continue
    existing+=("$file")
    [[ -s "$file" ]] && nonempty+=("$file")
  done
  ((${#existing[@]} > 0)) || die "no logs for ${service:-the fleet} in $STATE_DIR/logs"
  # Empty files (most .err.log) would only add headers; following still watches them all.
  ((${#nonempty[@]} > 0)) || nonempty=("${existing[@]}")
  [[ "$follow" == 1 ]] || existing=("${nonempty[@]}")
  if [[ "$follow" == 1 ]]; then
    tail -n "$lines" -F -- "${existing[@]}"
  else
    tail -n "$lines" -- "${existing[@]}"
  fi
}

local_scale() {
  local service="$1" count="$2" name index
  require_local_up
  set_replicas "$service" "$count"
  pm2_start_missing
  local extra=()
  while read -r name _; do
    [[ "$name" =~ ^$service-([0-9]+)$ ]] || continue
    index="${BASH_REMATCH[1]}"
    ((index > count)) && extra+=("$name")
  done < <(pm2_apps)
  for name in "${extra[@]}"; do
    pm2_cmd delete "$name" >/dev/null
  done
  ((${#extra[@]} == 0)) || echo "start-agents.sh: stopped ${extra[*]}"
  echo "start-agents.sh: $service runs $count replica(s)"
}

local_restart() {
  local service="${1:-}"
  require_local_up
  case "$service" in
    "") pm2_cmd restart all >/dev/null ;;
    redis)
      [[ "${CODEGOD_LOCAL_REDIS:-0}" == 1 ]] || die "the fleet uses an outside Redis (REDIS_URL); restart it yourself"
      stop_local_redis
      start_local_redis
      ;;
    redis-commander | vllm-server) die "$service does not run in the local runtime" ;;
    *) pm2_cmd restart "$service" >/dev/null ;; # a namespace (service) or one replica
  esac
  echo "start-agents.sh: restarted ${service:-every service}"
}

# ---------------------------------------------------------------------------------------------
# Shared by both runtimes: reports and memory through the CLI when it can, else redis-cli.

# Runs `codegod ARGS` where the fleet's Redis is reachable.
codegod_cli() {
  if [[ "$RUNTIME" == docker ]]; then
    compose exec -T master-orchestrator node packages/cli/dist/bin.js "$@"
  else
    REDIS_URL="$REDIS_URL" node "$CLI_BIN" "$@"
  fi
}

# True when `codegod --help` lists COMMAND.
cli_has() {
  local help
  help="$(codegod_cli --help 2>/dev/null)" || return 1
  grep -Eq "^[[:space:]]+$1([[:space:]]|\$)" <<<"$help"
}

redis_cmd() {
  if [[ "$RUNTIME" == docker ]]; then
    compose exec -T redis redis-cli "$@"
  else
    rcli "$@"
  fi
}

print_hash() {
  local key value printed=0
  while IFS= read -r key && IFS= read -r value; do
    printf '  %-28s %s\n' "$key" "$value"
    printed=1
  done < <(redis_cmd --raw HGETALL "$1")
  [[ "$printed" == 1 ]] || echo "  (none)"
}

queue_count() {
  local key="$1" type
  type="$(redis_cmd --raw TYPE "$key")"
  case "$type" in
    list) redis_cmd --raw LLEN "$key" ;;
    zset) redis_cmd --raw ZCARD "$key" ;;
    *) echo 0 ;;
  esac
}

fleet_report() {
  if cli_has status; then
    codegod_cli status && return 0
    echo "start-agents.sh: 'codegod status' failed; reporting with redis-cli instead" >&2
  fi
  echo "Agents (codegod:agents:status):"
  print_hash codegod:agents:status
  echo "Queues (codegod:tasks-<role>):"
  printf '  %-10s %8s %8s %8s %8s %10s %8s\n' role wait active delayed paused completed failed
  local role q
  for role in "${ROLES[@]}"; do
    q="codegod:tasks-$role"
    printf '  %-10s %8s %8s %8s %8s %10s %8s\n' "$role" \
      "$(($(queue_count "$q:wait") + $(queue_count "$q:prioritized")))" \
      "$(queue_count "$q:active")" "$(queue_count "$q:delayed")" "$(queue_count "$q:paused")" \
      "$(queue_count "$q:completed")" "$(queue_count "$q:failed")"
  done
  echo "Task metrics (codegod:metrics:tasks):"
  print_hash codegod:metrics:tasks
}

# Mirrors the memory store's wipe: only an existing memory is reset, atomically.
WIPE_SCRIPT="if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end \
redis.call('HSET', KEYS[1], 'current_task', 'null', 'completed_tasks', '[]', 'observations', '[]', \
'reasoning_history', '[]', 'blocked_on', 'null') return 1"

fleet_wipe() {
  local agent="$1"
  if cli_has wipe; then
    local cli_args=(wipe)
    [[ -z "$agent" ]] || cli_args+=(--agent "$agent")
    local code=0
    codegod_cli "${cli_args[@]}" || code=$?
    ((code == 0)) && return 0
    # Exit 2: the CLI reached the fleet and said what is wrong (an unknown agent); redis-cli
    # would only say it again.
    ((code == 2)) && exit 2
    echo "start-agents.sh: 'codegod ${cli_args[*]}' failed; wiping with redis-cli instead" >&2
  fi
  local keys key wiped=0
  if [[ -n "$agent" ]]; then
    keys="codegod:memory:$agent"
  else
    keys="$(redis_cmd --raw --scan --pattern 'codegod:memory:*')"
  fi
  for key in $keys; do
    [[ "$(redis_cmd --raw EVAL "$WIPE_SCRIPT" 1 "$key")" == 1 ]] && wiped=$((wiped + 1))
  done
  if [[ -n "$agent" && "$wiped" == 0 ]]; then die "agent $agent has no memory to wipe"; fi
  echo "start-agents.sh: wiped the memory of $wiped agent(s) (agent_role and knowledge kept)"
}

# ---------------------------------------------------------------------------------------------
# Verbs.

cmd_up() {
  if [[ "$RUNTIME" == docker ]]; then docker_up; else local_up; fi
}

cmd_down() {
  if [[ "$RUNTIME" == docker ]]; then docker_down; else local_down; fi
}

cmd_status() {
  if [[ "$RUNTIME" == docker ]]; then
    compose ps
  else
    require_local_up
    echo "Runtime: local (pm2, state in $STATE_DIR)"
    echo "Processes:"
    pm2_cmd jlist 2>/dev/null | node "$ROOT/scripts/fleet/pm2-apps.mjs" table
  fi
  fleet_report
}

cmd_wipe() {
  [[ "$RUNTIME" == local ]] && require_local_up
  fleet_wipe "$1"
}

main() {
  local verb="${1:-}"
  [[ -n "$verb" ]] || {
    usage >&2
    exit 2
  }
  shift
  case "$verb" in
    -h | --help | help)
      if [[ $# -gt 0 ]]; then verb_usage "$1"; else usage; fi
      exit 0
      ;;
    up | down | logs | status | wipe | scale | restart) ;;
    *) usage_error "unknown verb '$verb'" ;;
  esac
  local arg
  for arg in "$@"; do
    if [[ "$arg" == -h || "$arg" == --help ]]; then
      verb_usage "$verb"
      exit 0
    fi
  done

  # Validate every argument before touching anything.
  local lines=100 follow=0 service="" agent="" count=""
  case "$verb" in
    up | down | status)
      [[ $# -eq 0 ]] || usage_error "$verb takes no arguments (got '$*')"
      ;;
    logs)
      while [[ $# -gt 0 ]]; do
        case "$1" in
          -f | --follow) follow=1 ;;
          -n | --lines)
            [[ "${2:-}" =~ ^[0-9]+$ ]] || usage_error "logs $1 needs a number of lines"
            lines="$2"
            shift
            ;;
          -*) usage_error "logs: unknown option '$1'" ;;
          *)
            [[ -z "$service" ]] || usage_error "logs takes one service"
            valid_service_or_replica "$1" || usage_error "unknown service '$1' (one of: ${SERVICES[*]})"
            service="$1"
            ;;
        esac
        shift
      done
      ;;
    wipe)
      if [[ $# -gt 0 ]]; then
        [[ "$1" == --agent && $# -eq 2 ]] || usage_error "usage: wipe [--agent ID]"
        [[ "$2" =~ ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$ ]] || usage_error "invalid agent id '$2'"
        agent="$2"
      fi
      ;;
    scale)
      [[ $# -eq 2 ]] || usage_error "usage: scale SERVICE N"
      is_one_of "$1" "${AGENT_SERVICES[@]}" ||
        usage_error "cannot scale '$1': only agent services scale (${AGENT_SERVICES[*]})"
      if ! [[ "$2" =~ ^[0-9]{1,4}$ ]] || ((10#$2 > MAX_REPLICAS)); then
        usage_error "scale: N must be a whole number from 0 to $MAX_REPLICAS (got '$2')"
      fi
      service="$1"
      count="$((10#$2))"
      ;;
    restart)
      [[ $# -le 1 ]] || usage_error "restart takes at most one service"
      if [[ $# -eq 1 ]]; then
        valid_service_or_replica "$1" || usage_error "unknown service '$1' (one of: ${SERVICES[*]})"
        service="$1"
      fi
      ;;
  esac

  load_state
  choose_runtime
  case "$verb" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    wipe) cmd_wipe "$agent" ;;
    logs)
      if [[ "$RUNTIME" == docker ]]; then
        docker_logs "$lines" "$follow" "$service"
      else
        local_logs "$lines" "$follow" "$service"
      fi
      ;;
    scale)
      if [[ "$RUNTIME" == docker ]]; then
        compose up -d --no-recreate --scale "$service=$count" "$service"
      else
        local_scale "$service" "$count"
      fi
      ;;
    restart)
      if [[ "$RUNTIME" == docker ]]; then
        if [[ -n "$service" ]]; then compose restart "$service"; else compose restart; fi
      else
        local_restart "$service"
      fi
      ;;
  esac
}

main "$@"

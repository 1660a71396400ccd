#!/usr/bin/env bash
# UHR local platform: installs and starts the real servers (PostgreSQL, Apache Kafka, Keycloak, an S3 server
# that enforces SigV4, an Ethereum node), deploys the contracts and starts the services. No Docker needed.
#
#   scripts/stack.sh up [component…]    install what is missing, start, wait until healthy (idempotent)
#   scripts/stack.sh down               stop only the processes this script started
#   scripts/stack.sh status             one line per component
#   scripts/stack.sh logs [component]   tail the logs (all in .uhr/logs)
#   scripts/stack.sh env                print the exported endpoints (the same as .uhr/env)
#   scripts/stack.sh stop|start|restart <component…>   one server or service (outage drills)
#   scripts/stack.sh cluster up|down|status|kill|start   the cluster profile: 3 Kafka brokers, 3 Clique signers
#                                       on ports of their own, in .uhr/cluster (scripts/cluster.sh, ADR 0017)
#
# Components: postgres kafka keycloak s3 chain contracts, then each built service (registrar, consent, …), then
# the patient portal (apps/portal: its built app and same-origin proxy, once built).
# Everything lives in .uhr/ (ignored by git): cache/ downloads, data/, logs/, run/ pid files, env.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
UHR_HOME="${UHR_HOME:-$ROOT/.uhr}"
CACHE="$UHR_HOME/cache" DATA="$UHR_HOME/data" LOGS="$UHR_HOME/logs" RUN="$UHR_HOME/run"
mkdir -p "$CACHE" "$DATA" "$LOGS" "$RUN"

# Ports and versions: override any of them from the environment.
: "${UHR_PG_PORT:=55432}" "${UHR_KAFKA_PORT:=59092}" "${UHR_KAFKA_CONTROLLER_PORT:=59093}"
: "${UHR_KEYCLOAK_PORT:=58080}" "${UHR_KEYCLOAK_MGMT_PORT:=58081}" "${UHR_S3_PORT:=59000}" "${UHR_CHAIN_PORT:=58545}"
: "${UHR_REGISTRAR_PORT:=3001}" "${UHR_CONSENT_PORT:=3002}" "${UHR_RECORDS_PORT:=3003}" "${UHR_NOTIFICATIONS_PORT:=3004}"
: "${UHR_DRUG_TRACE_PORT:=3005}" "${UHR_ORGAN_REGISTRY_PORT:=3006}" "${UHR_BILLING_PORT:=3007}" "${UHR_PORTAL_PORT:=3010}"
: "${KAFKA_VERSION:=3.9.1}" "${KEYCLOAK_VERSION:=26.4.7}" "${S3PROXY_VERSION:=2.6.0}"
: "${UHR_PG_USER:=uhr}" "${UHR_PG_PASSWORD:=uhr-dev-password}"
: "${UHR_S3_ACCESS_KEY:=uhr-dev-access}" "${UHR_S3_SECRET_KEY:=uhr-dev-secret-key-change-me}"
: "${UHR_KEYCLOAK_ADMIN:=admin}" "${UHR_KEYCLOAK_ADMIN_PASSWORD:=admin-dev-password}"

SERVERS=(postgres kafka keycloak s3 chain contracts)
# Every service that has been built (services/<name>/dist/main.js) starts after the servers, in this order.
SERVICES=(registrar consent records notifications drug-trace organ-registry billing)
service_port() { local v="UHR_$(echo "${1//-/_}" | tr a-z A-Z)_PORT"; echo "${!v}"; }
built_services() { local s; for s in "${SERVICES[@]}"; do if [[ -f $ROOT/services/$s/dist/main.js ]]; then echo "$s"; fi; done; }
portal_built() { [[ -f $ROOT/apps/portal/dist/index.html ]]; }
ALL_COMPONENTS=("${SERVERS[@]}" $(built_services) $(portal_built && echo portal || true))

log() { printf '[stack %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

pid_alive() { local f="$RUN/$1.pid"; [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; }

# Start a long-running process in its own session so `down` can stop its whole process group.
spawn() {
  local name=$1; shift
  log "starting $name (log: $LOGS/$name.log)"
  setsid "$@" >>"$LOGS/$name.log" 2>&1 < /dev/null &
  echo $! >"$RUN/$name.pid"
}

wait_for() { # name timeout-seconds command…
  local name=$1 timeout=$2; shift 2
  local start=$SECONDS
  until "$@" >/dev/null 2>&1; do
    if ! pid_alive "$name"; then tail -n 40 "$LOGS/$name.log" >&2 || true; die "$name exited while starting (see $LOGS/$name.log)"; fi
    if (( SECONDS - start > timeout )); then tail -n 40 "$LOGS/$name.log" >&2 || true; die "$name not healthy after ${timeout}s"; fi
    sleep 0.5
  done
  log "$name healthy after $((SECONDS - start))s"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

mvn_fetch() { # artifact outdir → copies one artifact from Maven Central into outdir
  mvn -q -B dependency:copy -Dartifact="$1" -DoutputDirectory="$2" -Dmdep.useBaseVersion=true >>"$LOGS/install.log" 2>&1 \
    || die "could not fetch $1 from Maven (see $LOGS/install.log)"
}

java_for_keycloak() {
  local j
  for j in /usr/lib/jvm/temurin-25*/bin/java /usr/lib/jvm/temurin-21*/bin/java /usr/lib/jvm/java-21*/bin/java; do
    [[ -x $j ]] && { dirname "$(dirname "$j")"; return; }
  done
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

# ---------------------------------------------------------------- PostgreSQL
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
install_postgres() {
  [[ -n $(pg_bin) && -x "$(pg_bin)/initdb" ]] && return
  log "installing PostgreSQL from Debian packages"
  command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is missing: install PostgreSQL 15+"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) >>"$LOGS/install.log" 2>&1 \
    || die "apt-get install postgresql failed (see $LOGS/install.log)"
  # Debian starts a system cluster on 5432; we run our own on our own port, so leave theirs alone.
}
# PostgreSQL refuses to run as root: as root, run its programs as the postgres user.
AS_PG=(); [[ $(id -u) -eq 0 ]] && AS_PG=(runuser -u postgres --)
as_pg() { "${AS_PG[@]}" "$@"; }
# The postgres user must reach its data directory. A clone under a private folder (mktemp -d is 0700) is not
# reachable, so the data then lives in /var/tmp under a name derived from the clone's path.
pg_data_dir() {
  if [[ $(id -u) -ne 0 ]] || runuser -u postgres -- test -x "$DATA" 2>/dev/null; then echo "$DATA/postgres"; return; fi
  local alt; alt="/var/tmp/uhr-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)"
  mkdir -p "$alt"; chown postgres:postgres "$alt"; echo "$alt/data"
}
up_postgres() {
  install_postgres
  local bin dir; bin=$(pg_bin); dir=$(pg_data_dir)
  if [[ ! -f $dir/PG_VERSION ]]; then
    log "initialising PostgreSQL data directory"
    mkdir -p "$dir"; local pw; pw=$(mktemp /tmp/uhr-pgpass.XXXXXX)
    printf '%s\n' "$UHR_PG_PASSWORD" >"$pw"
    if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$dir"; chown postgres "$pw"; fi
    as_pg "$bin/initdb" -D "$dir" -U "$UHR_PG_USER" --pwfile="$pw" --auth=scram-sha-256 -E UTF8 >>"$LOGS/postgres.log" 2>&1 \
      || { rm -f "$pw"; die "initdb failed (see $LOGS/postgres.log)"; }
    rm -f "$pw"
  fi
  if port_open "$UHR_PG_PORT"; then log "postgres already listening on $UHR_PG_PORT"; return; fi
  [[ $(id -u) -eq 0 ]] && touch "$LOGS/postgres.log" && chown postgres "$LOGS/postgres.log"
  spawn postgres "${AS_PG[@]}" "$bin/postgres" -D "$dir" -p "$UHR_PG_PORT" -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories="$dir" -c max_connections=300 -c shared_buffers=256MB -c fsync=on \
    -c synchronous_commit=on -c wal_level=logical
  wait_for postgres 60 env PGPASSWORD="$UHR_PG_PASSWORD" "$bin/pg_isready" -h 127.0.0.1 -p "$UHR_PG_PORT" -U "$UHR_PG_USER" -d postgres
  # pg_isready answers before connections are accepted for real; one query proves it.
  wait_for postgres 30 env PGPASSWORD="$UHR_PG_PASSWORD" psql -h 127.0.0.1 -p "$UHR_PG_PORT" -U "$UHR_PG_USER" -d postgres -Atc 'select 1'
}

# ---------------------------------------------------------------- Kafka (KRaft, single node)
install_kafka() {
  local dir="$CACHE/kafka-$KAFKA_VERSION"
  [[ -f $dir/.complete ]] && return
  log "fetching Apache Kafka $KAFKA_VERSION from Maven Central"
  mkdir -p "$dir"
  cat >"$dir/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>uhr.local</groupId><artifactId>kafka-runtime</artifactId><version>1</version><packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version></dependency>
  </dependencies>
</project>
EOF
  (cd "$dir" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$dir/libs") >>"$LOGS/install.log" 2>&1 \
    || die "could not fetch Kafka from Maven (see $LOGS/install.log)"
  touch "$dir/.complete"
}
up_kafka() {
  install_kafka
  local dir="$DATA/kafka" libs="$CACHE/kafka-$KAFKA_VERSION/libs/*"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$UHR_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$UHR_KAFKA_PORT,CONTROLLER://127.0.0.1:$UHR_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$UHR_KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/logs
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
unclean.leader.election.enable=false
EOF
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
EOF
  if port_open "$UHR_KAFKA_PORT"; then log "kafka already listening on $UHR_KAFKA_PORT"; return; fi
  local jopts=(-Xms256m -Xmx768m -XX:+UseG1GC -Djava.awt.headless=true "-Dlog4j.configuration=file:$dir/log4j.properties" -cp "$libs")
  if [[ ! -f $dir/logs/meta.properties ]]; then
    local cid; cid=$(java "${jopts[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOGS/kafka.log" | tail -n 1)
    java "${jopts[@]}" kafka.tools.StorageTool format -t "$cid" -c "$dir/server.properties" >>"$LOGS/kafka.log" 2>&1 \
      || die "kafka storage format failed (see $LOGS/kafka.log)"
  fi
  spawn kafka java "${jopts[@]}" kafka.Kafka "$dir/server.properties"
  wait_for kafka 180 port_open "$UHR_KAFKA_PORT"
}

# ---------------------------------------------------------------- Keycloak
install_keycloak() {
  local dir="$CACHE/keycloak-$KEYCLOAK_VERSION"
  [[ -x $dir/bin/kc.sh ]] && return
  log "fetching Keycloak $KEYCLOAK_VERSION from Maven Central"
  mvn_fetch "org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" "$CACHE"
  tar -xzf "$CACHE/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz" -C "$CACHE"
  rm -f "$CACHE/keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz"
}
up_keycloak() {
  install_keycloak
  local dist="$CACHE/keycloak-$KEYCLOAK_VERSION" url="http://127.0.0.1:$UHR_KEYCLOAK_PORT"
  if port_open "$UHR_KEYCLOAK_PORT"; then log "keycloak already listening on $UHR_KEYCLOAK_PORT"; sync_realm; return; fi
  # --import-realm reads <dist>/data/import; a realm that already exists in the database is left as it is
  # (sync_realm then adds what the file has gained since).
  mkdir -p "$dist/data/import"
  cp "$ROOT/infra/keycloak/uhr-realm.json" "$dist/data/import/"
  # The realm lives in Keycloak's own database in our PostgreSQL, so users and sessions survive restarts.
  env PGPASSWORD="$UHR_PG_PASSWORD" psql -h 127.0.0.1 -p "$UHR_PG_PORT" -U "$UHR_PG_USER" -d postgres -Atc \
    "select 1 from pg_database where datname='keycloak'" | grep -q 1 \
    || env PGPASSWORD="$UHR_PG_PASSWORD" psql -h 127.0.0.1 -p "$UHR_PG_PORT" -U "$UHR_PG_USER" -d postgres -qc 'create database keycloak' >/dev/null
  spawn keycloak env JAVA_HOME="$(java_for_keycloak)" JAVA_OPTS_APPEND="-Xms256m -Xmx768m" \
    KC_BOOTSTRAP_ADMIN_USERNAME="$UHR_KEYCLOAK_ADMIN" KC_BOOTSTRAP_ADMIN_PASSWORD="$UHR_KEYCLOAK_ADMIN_PASSWORD" \
    "$dist/bin/kc.sh" start-dev --http-port="$UHR_KEYCLOAK_PORT" --http-host=127.0.0.1 \
    --http-management-port="$UHR_KEYCLOAK_MGMT_PORT" --health-enabled=true \
    --hostname="$url" --import-realm \
    --db=postgres --db-url="jdbc:postgresql://127.0.0.1:$UHR_PG_PORT/keycloak" \
    --db-username="$UHR_PG_USER" --db-password="$UHR_PG_PASSWORD"
  wait_for keycloak 600 curl -fsS "$url/realms/uhr/.well-known/openid-configuration"
  sync_realm
}

# Additive and idempotent: clients and protocol mappers (per-service audiences) the realm file has gained.
sync_realm() {
  KEYCLOAK_URL="http://127.0.0.1:$UHR_KEYCLOAK_PORT" KEYCLOAK_ADMIN="$UHR_KEYCLOAK_ADMIN" \
    KEYCLOAK_ADMIN_PASSWORD="$UHR_KEYCLOAK_ADMIN_PASSWORD" node "$ROOT/scripts/keycloak-sync.mjs" >>"$LOGS/keycloak.log" 2>&1 \
    || { tail -n 5 "$LOGS/keycloak.log" >&2; die "could not bring the realm up to date (see $LOGS/keycloak.log)"; }
}

# ---------------------------------------------------------------- S3 (S3Proxy, SigV4 enforced)
install_s3() {
  local jar="$CACHE/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar"
  [[ -f $jar ]] && return
  log "fetching S3Proxy $S3PROXY_VERSION from Maven Central"
  mvn_fetch "org.gaul:s3proxy:$S3PROXY_VERSION:jar:jar-with-dependencies" "$CACHE"
}
up_s3() {
  install_s3
  local dir="$DATA/s3"; mkdir -p "$dir/blobs"
  cat >"$dir/s3proxy.properties" <<EOF
s3proxy.endpoint=http://127.0.0.1:$UHR_S3_PORT
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=$UHR_S3_ACCESS_KEY
s3proxy.credential=$UHR_S3_SECRET_KEY
jclouds.provider=filesystem
jclouds.filesystem.basedir=$dir/blobs
jclouds.regions=us-east-1
EOF
  if port_open "$UHR_S3_PORT"; then log "s3 already listening on $UHR_S3_PORT"; return; fi
  spawn s3 java -Xmx384m -jar "$CACHE/s3proxy-$S3PROXY_VERSION-jar-with-dependencies.jar" --properties "$dir/s3proxy.properties"
  # Any HTTP answer (an S3 error for an anonymous request included) means the server is up.
  wait_for s3 60 curl -sS -o /dev/null "http://127.0.0.1:$UHR_S3_PORT/"
}

# ---------------------------------------------------------------- Ethereum (anvil)
up_chain() {
  local anvil="$ROOT/node_modules/.bin/anvil"
  [[ -x $anvil ]] || die "anvil is missing: run npm ci (scripts/stack.sh up does it)"
  if port_open "$UHR_CHAIN_PORT"; then log "chain already listening on $UHR_CHAIN_PORT"; return; fi
  mkdir -p "$DATA/chain"
  # --state loads the previous chain and dumps it on exit, so deployed contracts survive a restart.
  spawn chain "$anvil" --host 127.0.0.1 --port "$UHR_CHAIN_PORT" --chain-id 31337 \
    --state "$DATA/chain/state.json" --state-interval 5 --silent
  wait_for chain 30 curl -fsS -H 'content-type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "http://127.0.0.1:$UHR_CHAIN_PORT"
}

up_contracts() {
  log "deploying contracts (kept if already on this chain)"
  # One signer per service (one nonce sequence each), holding only the roles that service needs. These are
  # anvil's well-known development keys: accounts 1 registrar, 2 consent, 3 records, 4 anchoring, 5 drug-trace,
  # 6 organ-registry, 9 billing (7 and 8 are the records and consent test harnesses' keys).
  (cd "$ROOT" && UHR_CHAIN_RPC_URL="http://127.0.0.1:$UHR_CHAIN_PORT" UHR_DEPLOYMENTS_FILE="$UHR_HOME/deployments.json" \
    UHR_ROLE_REGISTRAR="${UHR_ROLE_REGISTRAR:-0x70997970C51812dc3A010C7d01b50e0d17dc79C8}" \
    UHR_ROLE_RELAYER="${UHR_ROLE_RELAYER:-0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x90F79bf6EB2c4f870365E785982E1f101E93b906}" \
    UHR_ROLE_GATEKEEPER="${UHR_ROLE_GATEKEEPER:-0x90F79bf6EB2c4f870365E785982E1f101E93b906}" \
    UHR_ROLE_ANCHORER="${UHR_ROLE_ANCHORER:-0x90F79bf6EB2c4f870365E785982E1f101E93b906,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,0x976EA74026E726554dB657fA54763abd0C3a0aa9,0xa0Ee7A142d267C1f36714E4a8F75612F20a79720}" \
    npm run -s deploy -w @uhr/contracts) >>"$LOGS/contracts.log" 2>&1 || { tail -n 30 "$LOGS/contracts.log" >&2; die "contract deployment failed"; }
}

# ---------------------------------------------------------------- services
up_service() { # name
  local name=$1 port; port=$(service_port "$1")
  if port_open "$port"; then log "$name already listening on $port"; return; fi
  # UHR_STACK=local (in the env file too, for tests and in-process services): only then do the services take the
  # development secrets; anywhere else a missing secret stops the boot. The wait uses the public, minimal probe.
  # shellcheck disable=SC1091
  spawn "$name" bash -c "set -a; source '$UHR_HOME/env'; UHR_STACK=local; exec node '$ROOT/services/$name/dist/main.js'"
  wait_for "$name" 180 curl -fsS "http://127.0.0.1:$port/health/ready"
}

# The patient portal's server: the built app and /api/<service>/ proxied to the services (ADR 0015).
up_portal() {
  portal_built || die "the portal is not built (npm run build -w @uhr/portal)"
  if port_open "$UHR_PORTAL_PORT"; then log "portal already listening on $UHR_PORTAL_PORT"; return; fi
  spawn portal bash -c "set -a; source '$UHR_HOME/env'; exec node '$ROOT/apps/portal/server/server.mjs'"
  wait_for portal 30 curl -fsS "http://127.0.0.1:$UHR_PORTAL_PORT/health"
}

write_env() {
  cat >"$UHR_HOME/env" <<EOF
# Written by scripts/stack.sh: the endpoints of the running platform. Tests and services read these.
# UHR_STACK=local lets services take their development secrets (packages/platform/src/config); nowhere else.
UHR_STACK=local
UHR_PG_URL=postgres://$UHR_PG_USER:$UHR_PG_PASSWORD@127.0.0.1:$UHR_PG_PORT/postgres
UHR_KAFKA_BROKERS=127.0.0.1:$UHR_KAFKA_PORT
UHR_KEYCLOAK_URL=http://127.0.0.1:$UHR_KEYCLOAK_PORT
UHR_KEYCLOAK_REALM=uhr
UHR_S3_ENDPOINT=http://127.0.0.1:$UHR_S3_PORT
UHR_S3_ACCESS_KEY=$UHR_S3_ACCESS_KEY
UHR_S3_SECRET_KEY=$UHR_S3_SECRET_KEY
UHR_CHAIN_RPC_URL=http://127.0.0.1:$UHR_CHAIN_PORT
UHR_DEPLOYMENTS_FILE=$UHR_HOME/deployments.json
EOF
  local svc var
  for svc in "${SERVICES[@]}"; do
    var="UHR_$(echo "${svc//-/_}" | tr a-z A-Z)"
    printf '%s_URL=http://127.0.0.1:%s\n%s_PORT=%s\n' "$var" "$(service_port "$svc")" "$var" "$(service_port "$svc")" >>"$UHR_HOME/env"
  done
  printf 'UHR_PORTAL_URL=http://127.0.0.1:%s\nUHR_PORTAL_PORT=%s\n' "$UHR_PORTAL_PORT" "$UHR_PORTAL_PORT" >>"$UHR_HOME/env"
}

ensure_node_modules() {
  if [[ ! -d $ROOT/node_modules/.bin || $ROOT/package-lock.json -nt $ROOT/node_modules/.package-lock.json ]]; then
    log "installing npm dependencies (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund) >>"$LOGS/install.log" 2>&1 || { tail -n 30 "$LOGS/install.log" >&2; die "npm ci failed"; }
  fi
  if ! needs_build; then log "build is up to date"; return; fi
  log "building TypeScript and contracts"
  (cd "$ROOT" && npm run -s build) >>"$LOGS/build.log" 2>&1 || { tail -n 40 "$LOGS/build.log" >&2; die "build failed (see $LOGS/build.log)"; }
  touch "$RUN/build.stamp"
}

# Rebuild only when a source, manifest or config changed since the last good build (a warm start skips it).
needs_build() {
  local stamp="$RUN/build.stamp"
  [[ -f $stamp && -d $ROOT/contracts/generated ]] || return 0
  local changed
  changed=$(cd "$ROOT" && find packages contracts services apps package-lock.json tsconfig.base.json \
    \( -path '*/node_modules' -o -path '*/dist' -o -path '*/artifacts' -o -path '*/generated' \) -prune -o \
    -type f \( -name '*.ts' -o -name '*.tsx' -o -name '*.css' -o -name '*.sol' -o -name '*.mjs' -o -name '*.json' \) -newer "$stamp" -print -quit)
  [[ -n $changed ]]
}

status_line() {
  local c=$1 state="stopped"
  if pid_alive "$c"; then state="running (pid $(cat "$RUN/$c.pid"))"; fi
  printf '  %-10s %s\n' "$c" "$state"
}

cmd_up() {
  local comps=("$@")
  local t0=$SECONDS
  write_env
  ensure_node_modules
  # After the build: on a fresh clone the services exist only now.
  [[ ${#comps[@]} -eq 0 ]] && comps=("${SERVERS[@]}" $(built_services) $(portal_built && echo portal || true))
  for c in "${comps[@]}"; do
    case $c in
      postgres|kafka|keycloak|s3|chain|contracts|portal) "up_$c" ;;
      *) if [[ " ${SERVICES[*]} " == *" $c "* ]]; then up_service "$c"; else die "unknown component '$c' (one of: ${ALL_COMPONENTS[*]})"; fi ;;
    esac
  done
  log "platform up in $((SECONDS - t0))s"
  cat <<EOF

UHR is running. Endpoints (also in $UHR_HOME/env):
  PostgreSQL   postgres://$UHR_PG_USER:***@127.0.0.1:$UHR_PG_PORT
  Kafka        127.0.0.1:$UHR_KAFKA_PORT
  Keycloak     http://127.0.0.1:$UHR_KEYCLOAK_PORT  (realm uhr; admin console user '$UHR_KEYCLOAK_ADMIN')
  S3           http://127.0.0.1:$UHR_S3_PORT  (SigV4, access key $UHR_S3_ACCESS_KEY)
  Ethereum     http://127.0.0.1:$UHR_CHAIN_PORT  (chain id 31337; contracts in $UHR_HOME/deployments.json)
Services (OpenAPI at /docs on each):
$(for svc in $(built_services); do printf '  %-12s http://127.0.0.1:%s\n' "$svc" "$(service_port "$svc")"; done)
$(portal_built && printf 'Patient portal http://127.0.0.1:%s  (test patient patient-portal-1; README "Patient portal")\n' "$UHR_PORTAL_PORT")
Logs: $LOGS    Stop: scripts/stack.sh down
EOF
}

stop_one() {
  local c=$1 pid
  pid_alive "$c" || { rm -f "$RUN/$c.pid"; return 0; }
  pid=$(cat "$RUN/$c.pid"); log "stopping $c (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || true
  rm -f "$RUN/$c.pid"
}

cmd_down() {
  local c
  for c in portal billing organ-registry drug-trace notifications records consent registrar chain s3 keycloak kafka postgres; do
    stop_one "$c"
  done
}

# stop/start/restart name components explicitly: an unknown name is refused before anything is touched.
known_components() { local c; for c in "$@"; do [[ " ${SERVERS[*]} ${SERVICES[*]} portal " == *" $c "* ]] || die "unknown component '$c' (one of: ${SERVERS[*]} ${SERVICES[*]} portal)"; done; }

cmd=${1:-help}; shift || true
case $cmd in stop|start|restart) known_components "$@" ;; esac
case $cmd in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  restart) [[ $# -ge 1 ]] || die "restart needs a component"; for c in "$@"; do
      stop_one "$c"
      if [[ " ${SERVICES[*]} " == *" $c "* ]]; then up_service "$c"; else "up_$c"; fi; done ;;
  stop) [[ $# -ge 1 ]] || die "stop needs a component"; for c in "$@"; do stop_one "$c"; done ;;
  start) [[ $# -ge 1 ]] || die "start needs a component"; write_env; for c in "$@"; do
      if [[ " ${SERVICES[*]} " == *" $c "* ]]; then up_service "$c"; else "up_$c"; fi; done ;;
  status) for c in "${ALL_COMPONENTS[@]}"; do [[ $c == contracts ]] || status_line "$c"; done ;;
  logs) if [[ $# -ge 1 ]]; then tail -n 100 -f "$LOGS/$1.log"; else tail -n 20 -f "$LOGS"/*.log; fi ;;
  env) write_env; cat "$UHR_HOME/env" ;;
  cluster) # shellcheck source=scripts/cluster.sh
    source "$ROOT/scripts/cluster.sh"; cmd_cluster "$@" ;;
  help|-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$cmd' (up, down, status, logs, env, restart)" ;;
esac

# The cluster profile of scripts/stack.sh (sourced by it; see ADR 0017): several real nodes of each replicated
# server on this machine, on ports of their own, beside the default stack.
#
#   scripts/stack.sh cluster up [kafka|chain] 3 Kafka brokers (KRaft, RF 3, min ISR 2) + 3 geth Clique signers,
#                                             contracts deployed; writes .uhr/cluster/env
#   scripts/stack.sh cluster down             stop every cluster node this script started
#   scripts/stack.sh cluster status
#   scripts/stack.sh cluster kill <node>      kill -9 (kafka-1…3, geth-1…3): what a crash looks like
#   scripts/stack.sh cluster start <node>     start one node again (a signer is peered with the others)
#
# Data, logs and pids live in .uhr/cluster (UHR_CLUSTER_HOME); downloads and the geth build in .uhr/cache.

CLUSTER="${UHR_CLUSTER_HOME:-$UHR_HOME/cluster}"
DATA="$CLUSTER/data" LOGS="$CLUSTER/logs" RUN="$CLUSTER/run"
mkdir -p "$DATA" "$LOGS" "$RUN"

: "${UHR_CLUSTER_KAFKA_PORT:=29192}" "${UHR_CLUSTER_KAFKA_CONTROLLER_PORT:=29292}"
: "${UHR_CLUSTER_GETH_PORT:=28645}" "${UHR_CLUSTER_GETH_P2P_PORT:=30413}" "${UHR_CLUSTER_GETH_AUTH_PORT:=28745}"
: "${UHR_CLUSTER_CHAIN_ID:=58013}" "${GETH_VERSION:=v1.13.14}"
NODES=(1 2 3)

kafka_port() { echo $((UHR_CLUSTER_KAFKA_PORT + $1 - 1)); }
kafka_ctl_port() { echo $((UHR_CLUSTER_KAFKA_CONTROLLER_PORT + $1 - 1)); }
geth_port() { echo $((UHR_CLUSTER_GETH_PORT + $1 - 1)); }
brokers_list() { local n out=(); for n in "${NODES[@]}"; do out+=("127.0.0.1:$(kafka_port "$n")"); done; (IFS=,; echo "${out[*]}"); }

# ---------------------------------------------------------------- Kafka: three combined broker+controller nodes
kafka_props() { # node
  local n=$1 dir="$DATA/kafka-$1" voters=() m
  for m in "${NODES[@]}"; do voters+=("$m@127.0.0.1:$(kafka_ctl_port "$m")"); done
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(IFS=,; echo "${voters[*]}")
listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$n"),CONTROLLER://127.0.0.1:$(kafka_ctl_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(kafka_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/logs
num.partitions=3
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
unclean.leader.election.enable=false
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
replica.lag.time.max.ms=10000
EOF
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.BrokerServer=INFO
EOF
}
up_cluster_kafka() { # node
  local n=$1 dir="$DATA/kafka-$1"
  if port_open "$(kafka_port "$n")"; then log "kafka-$n already listening"; return; fi
  kafka_props "$n"
  local jopts=(-Xms128m -Xmx384m -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true
    "-Dlog4j.configuration=file:$dir/log4j.properties" -cp "$CACHE/kafka-$KAFKA_VERSION/libs/*")
  if [[ ! -f $dir/logs/meta.properties ]]; then
    [[ -s $DATA/kafka-cluster-id ]] || java "${jopts[@]}" kafka.tools.StorageTool random-uuid 2>>"$LOGS/kafka-$n.log" | tail -n 1 >"$DATA/kafka-cluster-id"
    java "${jopts[@]}" kafka.tools.StorageTool format -t "$(cat "$DATA/kafka-cluster-id")" -c "$dir/server.properties" >>"$LOGS/kafka-$n.log" 2>&1 \
      || die "kafka-$n storage format failed (see $LOGS/kafka-$n.log)"
  fi
  spawn "kafka-$n" java "${jopts[@]}" kafka.Kafka "$dir/server.properties"
}
wait_cluster_kafka() { local n; for n in "$@"; do wait_for "kafka-$n" 120 port_open "$(kafka_port "$n")"; done; }

# ---------------------------------------------------------------- geth: three Clique signers
GETH="$CACHE/geth-$GETH_VERSION/bin/geth"
install_geth() {
  [[ -x $GETH ]] && return
  command -v go >/dev/null || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null || die "go is missing: the cluster profile builds geth $GETH_VERSION from the Go module proxy"
  log "building geth $GETH_VERSION from the Go module proxy (a few minutes, once)"
  # geth 1.13 links to runtime internals through go:linkname (fjl/memsize); newer Go checks that unless told not to.
  GOBIN="$CACHE/geth-$GETH_VERSION/bin" GOFLAGS=-mod=mod nice go install -ldflags=-checklinkname=0 \
    "github.com/ethereum/go-ethereum/cmd/geth@$GETH_VERSION" >>"$LOGS/install.log" 2>&1 \
    || die "could not build geth (see $LOGS/install.log)"
}
geth_dir() { echo "$DATA/geth-$1"; }
# Keys, genesis and datadirs, once: a random key per signer, the genesis naming them (scripts/cluster-genesis.mjs).
init_chain() {
  [[ -f $DATA/genesis.json ]] && return
  local n
  for n in "${NODES[@]}"; do
    mkdir -p "$(geth_dir "$n")"
    openssl rand -hex 32 >"$(geth_dir "$n")/signer.key"
    openssl rand -hex 32 >"$(geth_dir "$n")/password"
  done
  node "$ROOT/scripts/cluster-genesis.mjs" "$UHR_CLUSTER_CHAIN_ID" "$DATA/genesis.json" \
    $(for n in "${NODES[@]}"; do echo "$(geth_dir "$n")/signer.key"; done) >>"$LOGS/install.log" 2>&1 \
    || die "could not write the genesis (see $LOGS/install.log)"
  for n in "${NODES[@]}"; do
    local d; d=$(geth_dir "$n")
    "$GETH" --datadir "$d" account import --password "$d/password" "$d/signer.key" >>"$LOGS/geth-$n.log" 2>&1 || die "geth-$n: key import failed"
    "$GETH" --datadir "$d" init "$DATA/genesis.json" >>"$LOGS/geth-$n.log" 2>&1 || die "geth-$n: init failed"
  done
}
signer_address() { node -e 'const { Wallet } = require("ethers"); console.log(new Wallet("0x" + require("fs").readFileSync(process.argv[1], "utf8").trim()).address)' "$(geth_dir "$1")/signer.key"; }
rpc() { # port method params-json → result (raw JSON)
  curl -fsS -H 'content-type: application/json' -d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$2\",\"params\":$3}" "http://127.0.0.1:$1" \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const r=JSON.parse(s);if(r.error){console.error(r.error.message);process.exit(1)}console.log(JSON.stringify(r.result))})'
}
up_geth() { # node
  local n=$1 d; d=$(geth_dir "$1")
  if port_open "$(geth_port "$n")"; then log "geth-$n already listening"; return; fi
  local addr; addr=$(signer_address "$n")
  spawn "geth-$n" "$GETH" --datadir "$d" --networkid "$UHR_CLUSTER_CHAIN_ID" --syncmode full --gcmode archive \
    --nodiscover --maxpeers 10 --port $((UHR_CLUSTER_GETH_P2P_PORT + n - 1)) --ipcdisable \
    --authrpc.port $((UHR_CLUSTER_GETH_AUTH_PORT + n - 1)) \
    --http --http.addr 127.0.0.1 --http.port "$(geth_port "$n")" --http.api eth,net,web3,admin,txpool,clique,debug,miner \
    --mine --miner.etherbase "$addr" --unlock "$addr" --password "$d/password" --allow-insecure-unlock \
    --txpool.accountslots 1024 --txpool.globalslots 8192 --txpool.accountqueue 1024 --txpool.globalqueue 4096 \
    --rpc.txfeecap 0 --cache 128 --verbosity 2
  wait_for "geth-$n" 60 rpc "$(geth_port "$n")" eth_chainId '[]'
}
# Every running signer dials every other (static peers: geth redials a static peer that went away).
peer_geth() {
  local n m enode
  for n in "${NODES[@]}"; do
    port_open "$(geth_port "$n")" || continue
    enode=$(rpc "$(geth_port "$n")" admin_nodeInfo '[]' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).enode))')
    for m in "${NODES[@]}"; do
      [[ $m == "$n" ]] || ! port_open "$(geth_port "$m")" || rpc "$(geth_port "$m")" admin_addPeer "[\"$enode\"]" >/dev/null
    done
  done
}
chain_moving() { # port: a block within the last 5 s
  local t; t=$(rpc "$1" eth_getBlockByNumber '["latest",false]' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(parseInt(JSON.parse(s).timestamp,16)))')
  (( $(date +%s) - t <= 5 ))
}

# The contracts, compiled for London (Clique has no Shanghai/Cancun), deployed with the project's deploy script.
# The services' signers are anvil's development keys (accounts 1–9), funded in the genesis.
up_cluster_contracts() {
  [[ -f $ROOT/contracts/dist/ts/index.js ]] || die "contracts are not built: run scripts/stack.sh up (or npm run build) first"
  local art="$CACHE/contracts-paris" stamp
  stamp=$(cat "$ROOT"/contracts/src/*.sol "$ROOT/contracts/scripts/compile.mjs" | md5sum | cut -c1-12)
  if [[ ! -f $art/$stamp ]]; then
    log "compiling the contracts for the London EVM"
    rm -rf "$art"
    (cd "$ROOT/contracts" && UHR_EVM_VERSION=paris UHR_ARTIFACTS_DIR="$art" node scripts/compile.mjs) >>"$LOGS/contracts.log" 2>&1 \
      || { tail -n 20 "$LOGS/contracts.log" >&2; die "compile for paris failed"; }
    touch "$art/$stamp"
  fi
  log "deploying contracts to the cluster chain (kept if already there)"
  (cd "$ROOT" && UHR_CHAIN_RPC_URL="http://127.0.0.1:$(geth_port 1)" UHR_DEPLOYMENTS_FILE="$CLUSTER/deployments.json" \
    UHR_CONTRACT_ARTIFACTS="$art" \
    UHR_ROLE_REGISTRAR=0x70997970C51812dc3A010C7d01b50e0d17dc79C8 \
    UHR_ROLE_RELAYER=0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,0x90F79bf6EB2c4f870365E785982E1f101E93b906 \
    UHR_ROLE_GATEKEEPER=0x90F79bf6EB2c4f870365E785982E1f101E93b906 \
    UHR_ROLE_ANCHORER=0x90F79bf6EB2c4f870365E785982E1f101E93b906,0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc,0x976EA74026E726554dB657fA54763abd0C3a0aa9,0xa0Ee7A142d267C1f36714E4a8F75612F20a79720 \
    npm run -s deploy -w @uhr/contracts) >>"$LOGS/contracts.log" 2>&1 || { tail -n 30 "$LOGS/contracts.log" >&2; die "cluster contract deployment failed"; }
}

write_cluster_env() {
  cat >"$CLUSTER/env" <<EOF
# Written by scripts/stack.sh cluster up: the cluster profile's endpoints (ADR 0017).
UHR_CLUSTER_KAFKA_BROKERS=$(brokers_list)
UHR_CLUSTER_CHAIN_RPC_URLS=$(for n in "${NODES[@]}"; do printf 'http://127.0.0.1:%s' "$(geth_port "$n")"; [[ $n == "${NODES[-1]}" ]] || printf ,; done)
UHR_CLUSTER_CHAIN_ID=$UHR_CLUSTER_CHAIN_ID
UHR_CLUSTER_DEPLOYMENTS_FILE=$CLUSTER/deployments.json
UHR_CLUSTER_HOME=$CLUSTER
EOF
}

cluster_up() { # [kafka|chain]: both by default
  local t0=$SECONDS n parts=${1:-all}
  write_cluster_env
  if [[ $parts != chain ]]; then install_kafka; for n in "${NODES[@]}"; do up_cluster_kafka "$n"; done; fi
  if [[ $parts != kafka ]]; then
    install_geth; init_chain
    for n in "${NODES[@]}"; do up_geth "$n"; done
    peer_geth
  fi
  [[ $parts == chain ]] || wait_cluster_kafka "${NODES[@]}"
  if [[ $parts != kafka ]]; then wait_for geth-1 60 chain_moving "$(geth_port 1)"; up_cluster_contracts; fi
  log "cluster up in $((SECONDS - t0))s: Kafka $(brokers_list); geth on $(geth_port 1)–$(geth_port "${NODES[-1]}") (chain $UHR_CLUSTER_CHAIN_ID)"
}

cluster_node() { [[ $1 =~ ^(kafka|geth)-[1-3]$ ]] || die "unknown cluster node '$1' (kafka-1…3, geth-1…3)"; }

cmd_cluster() {
  local sub=${1:-status} c; shift || true
  case $sub in
    up) cluster_up "$@" ;;
    down) for c in geth-3 geth-2 geth-1 kafka-3 kafka-2 kafka-1; do stop_one "$c"; done ;;
    status) for c in kafka-1 kafka-2 kafka-3 geth-1 geth-2 geth-3; do status_line "$c"; done ;;
    kill) for c in "$@"; do cluster_node "$c"; if pid_alive "$c"; then kill -KILL -- "-$(cat "$RUN/$c.pid")"; rm -f "$RUN/$c.pid"; fi; done ;;
    start) for c in "$@"; do
        cluster_node "$c"
        case $c in
          kafka-*) up_cluster_kafka "${c#kafka-}"; wait_cluster_kafka "${c#kafka-}" ;;
          geth-*) up_geth "${c#geth-}"; peer_geth ;;
        esac
      done ;;
    *) die "unknown cluster command '$sub' (up, down, status, kill, start)" ;;
  esac
}

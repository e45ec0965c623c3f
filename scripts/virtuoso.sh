#!/usr/bin/env bash
# Installs and runs a private, throw-away Virtuoso Open Source 7 on loopback, for the integration
# tests of the remote SPARQL backend. Nothing of it is system-wide: each instance lives in its own
# directory, listens on 127.0.0.1 only and keeps the default dba/dba account.
#
#   scripts/virtuoso.sh install                          Debian's virtuoso-opensource, if virtuoso-t is missing
#   scripts/virtuoso.sh start DIR HTTP_PORT SQL_PORT     a fresh or existing database in DIR; returns when ready
#   scripts/virtuoso.sh stop DIR SQL_PORT                stops it and waits until the process is gone
#
# After start, http://127.0.0.1:HTTP_PORT/sparql answers queries and updates anonymously,
# /sparql-graph-crud is the anonymous Graph Store endpoint, and /sparql-auth and
# /sparql-graph-crud-auth take digest auth as dba/dba. The server's log is DIR/virtuoso.log.
set -euo pipefail

pkg_ini=/usr/share/virtuoso-opensource-7/virtuoso.ini
system_db=/var/lib/virtuoso-opensource-7/db

die() {
  echo "virtuoso.sh: $*" >&2
  exit 1
}

usage() {
  cat >&2 <<EOF
usage: scripts/virtuoso.sh install
       scripts/virtuoso.sh start DIR HTTP_PORT SQL_PORT
       scripts/virtuoso.sh stop DIR SQL_PORT
EOF
  exit 2
}

# is_port N: N is a TCP port number.
is_port() {
  [[ $1 =~ ^[0-9]+$ ]] && ((10#$1 > 0 && 10#$1 < 65536))
}

# port_busy N: something listens on TCP port N (on any address).
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# lock_pid DIR: the pid that DIR/virtuoso.lck records (VIRT_PID=...), if any.
lock_pid() {
  [[ -f $1/virtuoso.lck ]] || return 0
  sed -n 's/^VIRT_PID=\([0-9][0-9]*\).*/\1/p' "$1/virtuoso.lck" | head -n 1
}

# running PID: process PID exists and has not exited (a zombie holds no ports or files).
running() {
  [[ -n $1 ]] || return 1
  local state
  state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ -n $state && $state != [ZXx] ]]
}

# alive PID: PID is a running virtuoso-t (and not some other process that reused a stale pid).
alive() {
  running "$1" && tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q virtuoso
}

# wait_gone PID SECONDS: waits until PID has exited; fails after SECONDS.
wait_gone() {
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    running "$1" || return 0
    sleep 0.1
  done
  return 1
}

# sql SQL_PORT STATEMENT [HARMLESS]: runs STATEMENT as dba. isql-vt exits 0 even when the statement
# fails, so its output is checked for an error report too; an error whose text matches the
# extended regex HARMLESS counts as success.
sql() {
  local out
  if out=$(isql-vt "127.0.0.1:$1" dba dba "exec=$2" 2>&1) && ! grep -q '^\*\*\* Error' <<<"$out"; then
    return 0
  fi
  if [[ -n ${3:-} ]] && grep -q '^\*\*\* Error' <<<"$out" && grep -qE "$3" <<<"$out"; then
    return 0
  fi
  echo "$out" >&2
  die "SQL failed on port $1: $2"
}

# stop_system_service: the package starts (or tries to start) its own instance on 8890/1111 from
# /var/lib/virtuoso-opensource-7/db; stop it and keep it from starting at boot.
stop_system_service() {
  if [[ -x /etc/init.d/virtuoso-opensource-7 ]]; then
    /etc/init.d/virtuoso-opensource-7 stop >/dev/null 2>&1 || true
    update-rc.d virtuoso-opensource-7 disable >/dev/null 2>&1 || true
    if command -v systemctl >/dev/null 2>&1 && [[ -d /run/systemd/system ]]; then
      systemctl disable --now virtuoso-opensource-7 >/dev/null 2>&1 || true
    fi
  fi
  local pid
  pid=$(lock_pid "$system_db")
  if alive "$pid"; then
    kill "$pid" 2>/dev/null || true
    wait_gone "$pid" 30 || kill -9 "$pid" 2>/dev/null || true
    wait_gone "$pid" 5 || die "could not stop the system-wide virtuoso (pid $pid)"
  fi
}

cmd_install() {
  (($# == 0)) || usage
  command -v virtuoso-t >/dev/null 2>&1 && return 0
  local sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing Debian packages: virtuoso-opensource" >&2
  # An empty password keeps dba/dba (and makes the package disable its own daemon).
  printf '%s\n' \
    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password password ' \
    'virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password ' |
    $sudo debconf-set-selections
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null
  if [[ -n $sudo ]]; then
    sudo bash "${BASH_SOURCE[0]}" __stop-system-service
  else
    stop_system_service
  fi
  command -v virtuoso-t >/dev/null 2>&1 || die "virtuoso-t is still not on PATH after installing"
}

cmd_start() {
  (($# == 3)) || usage
  local dir http=$2 sqlport=$3
  is_port "$http" || die "bad HTTP port: $http"
  is_port "$sqlport" || die "bad SQL port: $sqlport"
  command -v virtuoso-t >/dev/null 2>&1 || die "virtuoso-t is not installed: run $0 install"
  [[ -f $pkg_ini ]] || die "$pkg_ini is missing"
  mkdir -p "$1"
  dir=$(cd "$1" && pwd -P)
  local pid
  pid=$(lock_pid "$dir")
  ! alive "$pid" || die "a virtuoso (pid $pid) already runs in $dir"
  for port in "$http" "$sqlport"; do
    ! port_busy "$port" || die "port $port is already in use"
  done

  local ini=$dir/virtuoso.ini
  cp "$pkg_ini" "$ini"
  set_ini() {
    inifile +inifile "$ini" +section "$1" +key "$2" +value "$3"
  }
  set_ini Database DatabaseFile "$dir/virtuoso.db"
  set_ini Database ErrorLogFile "$dir/virtuoso.log"
  set_ini Database LockFile "$dir/virtuoso.lck"
  set_ini Database TransactionFile "$dir/virtuoso.trx"
  set_ini Database xa_persistent_file "$dir/virtuoso.pxa"
  set_ini TempDatabase DatabaseFile "$dir/virtuoso-temp.db"
  set_ini TempDatabase TransactionFile "$dir/virtuoso-temp.trx"
  set_ini Parameters ServerPort "127.0.0.1:$sqlport"
  set_ini Parameters DirsAllowed "., $dir, /usr/share/virtuoso-opensource-7/vad"
  set_ini HTTPServer ServerPort "127.0.0.1:$http"
  set_ini URIQA DefaultHost "127.0.0.1:$http"
  set_ini SPARQL ResultSetMaxRows 1000000
  set_ini SPARQL MaxQueryExecutionTime 600
  set_ini SPARQL MaxQueryCostEstimationTime 0

  # +wait: the server forks into the background and this returns once it accepts connections.
  if ! (cd "$dir" && virtuoso-t +wait +configfile "$ini" >"$dir/virtuoso.out" 2>&1); then
    cat "$dir/virtuoso.out" >&2
    tail -n 20 "$dir/virtuoso.log" >&2 2>/dev/null || true
    die "virtuoso-t did not start"
  fi
  # The anonymous user of /sparql and /sparql-graph-crud may update; that is all the Graph Store
  # endpoint needs too. U0013: already granted (a restart on an existing database).
  sql "$sqlport" 'grant SPARQL_UPDATE to "SPARQL";' 'U0013'
  echo "virtuoso ready on http://127.0.0.1:$http/sparql"
}

cmd_stop() {
  (($# == 2)) || usage
  local dir=$1 sqlport=$2 pid
  is_port "$sqlport" || die "bad port: $sqlport"
  pid=$(lock_pid "$dir")
  if ! isql-vt "127.0.0.1:$sqlport" dba dba -K >/dev/null 2>&1 && alive "$pid"; then
    kill "$pid" 2>/dev/null || true
  fi
  [[ -n $pid ]] || return 0
  if ! wait_gone "$pid" 60; then
    kill -9 "$pid" 2>/dev/null || true
    wait_gone "$pid" 10 || die "virtuoso (pid $pid) does not stop"
  fi
  # The exited daemon is init's child: give init a moment to reap it, so that the pid is gone too.
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -e /proc/$pid ]] || break
    sleep 0.1
  done
}

(($# >= 1)) || usage
cmd=$1
shift
case $cmd in
  install) cmd_install "$@" ;;
  start) cmd_start "$@" ;;
  stop) cmd_stop "$@" ;;
  __stop-system-service) stop_system_service ;;
  *) usage ;;
esac

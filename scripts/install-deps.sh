#!/usr/bin/env bash
# Installs what building and testing kgql needs beyond a Rust toolchain, if it is missing:
# libclang (RocksDB's bindings are generated at build time), OpenSSL's headers and pkg-config
# (HTTPS to a remote SPARQL engine), raptor2-utils (rapper, an independent
# RDF parser the tests check exports with), Python's rdflib, pyshacl (an independent SHACL
# validator) and SPARQLWrapper (clients the tests drive), and the npm packages of the GraphQL
# clients in tests/graphql-http and of the browser tests in tests/browser (Debian's chromium,
# driven by playwright-core, checked by axe-core), each installed from its package-lock.json.
# Safe to run again: it does nothing when everything is there.
set -euo pipefail

missing=()
command -v rapper >/dev/null 2>&1 || missing+=(raptor2-utils)
# libclang itself (libclang.so, libclang-N.so): libclang-cpp, which some packages bring, is another
# library and does not do.
has_libclang() {
  local pattern
  for pattern in /usr/lib/llvm-*/lib/libclang{.so,-[0-9]*.so}* /usr/lib/*-linux-gnu/libclang{.so,-[0-9]*.so}*; do
    compgen -G "$pattern" >/dev/null && return 0
  done
  return 1
}
if ! has_libclang; then
  missing+=(libclang-dev)
fi
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev pkg-config)
# The browser the page tests drive (tests/browser).
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import rdflib, pyshacl, SPARQLWrapper' >/dev/null 2>&1; then
  echo "installing Python packages: rdflib pyshacl SPARQLWrapper" >&2
  python3 -m pip install --quiet --disable-pip-version-check rdflib pyshacl SPARQLWrapper
fi

graphql_http_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/graphql-http"
if [[ ! -d "$graphql_http_dir/node_modules/graphql-http" || ! -d "$graphql_http_dir/node_modules/get-graphql-schema" ]]; then
  echo "installing npm packages in tests/graphql-http" >&2
  (cd "$graphql_http_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

browser_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/browser"
if [[ ! -d "$browser_dir/node_modules/playwright-core" || ! -d "$browser_dir/node_modules/axe-core" ]]; then
  echo "installing npm packages in tests/browser" >&2
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

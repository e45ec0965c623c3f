#!/usr/bin/env bash
# Installs what building and testing kgql needs beyond a Rust toolchain, if it is missing:
# libclang (RocksDB's bindings are generated at build time), raptor2-utils (rapper, an independent
# RDF parser the tests check exports with) and Python's rdflib and pyshacl (an independent SHACL
# validator). Safe to run again: it does nothing when everything is there.
set -euo pipefail

missing=()
command -v rapper >/dev/null 2>&1 || missing+=(raptor2-utils)
if ! ls /usr/lib/llvm-*/lib/libclang*.so* >/dev/null 2>&1 && ! ls /usr/lib/x86_64-linux-gnu/libclang*.so* >/dev/null 2>&1; then
  missing+=(libclang-dev)
fi
if ((${#missing[@]})); then
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  echo "installing Debian packages: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! python3 -c 'import rdflib, pyshacl' >/dev/null 2>&1; then
  echo "installing Python packages: rdflib pyshacl" >&2
  python3 -m pip install --quiet --disable-pip-version-check rdflib pyshacl
fi

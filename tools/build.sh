#!/usr/bin/env bash
# Builds the Pulumi CLI pinned in tools/go.mod into a bin dir, from source, through
# the Go module proxy only (docs/decisions/0007-real-engine-test.md).
#
#   bash tools/build.sh [BIN_DIR]     # default: tools/bin
#
# The Go language host (pulumi-language-go) is NOT built: no version of
# github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3 is served by the proxy
# here. Set PULUMI_LANGUAGE_GO=1 to try anyway (it fails with 403 today).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bin="${1:-$here/bin}"
mkdir -p "$bin"
bin="$(cd "$bin" && pwd)"
version="$(cd "$here" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
cd "$here"

echo "building pulumi $version into $bin" >&2
go build -trimpath -ldflags "$ldflags" -o "$bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
if [[ "${PULUMI_LANGUAGE_GO:-}" == 1 ]]; then
  GOBIN="$bin" go install -trimpath -ldflags "$ldflags" \
    "github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3@$version"
fi
"$bin/pulumi" version

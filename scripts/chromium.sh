#!/usr/bin/env bash
# chromium.sh: the headless Chromium of the console's end-to-end tests (Debian's chromium
# package, driven by chromedp; see README.md, "Testing").
#
#   chromium.sh install   install it once (apt-get, as root or through sudo) and print its path
set -euo pipefail
readonly ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$ROOT/scripts/common.sh"

cmd_install() {
	command -v chromium >/dev/null || apt_install chromium
	command -v chromium || die "apt-get installed chromium but there is no chromium on PATH"
}

case ${1:-} in
install) cmd_install ;;
*) die "usage: chromium.sh install" ;;
esac

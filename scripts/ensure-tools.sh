#!/usr/bin/env bash
# Makes sure the external tools that the tests need are present, installing them when this
# machine allows it (root with apt-get; Go on the PATH), otherwise stopping with a message that
# says how to install them. Called by scripts/test.js (npm test) and .ci/run.
#
#   Chromium      Debian's /usr/bin/chromium, used by Playwright (or CHROMIUM_PATH)
#   stripe-mock   github.com/stripe/stripe-mock@v0.203.0, a local fake of the Stripe API
#   CJK font      fonts-noto-cjk, for Chinese in invoice PDFs (app/invoices); optional: without it
#                 the PDF prints "?" for Chinese, so a failed install only warns
#
# Human messages go to stderr. With --print-env, stdout gets KEY=VALUE lines for the caller:
#   STRIPE_MOCK_BIN=/path/to/stripe-mock
#   CHROMIUM_PATH=/usr/bin/chromium
set -euo pipefail

STRIPE_MOCK_MODULE="github.com/stripe/stripe-mock"
STRIPE_MOCK_VERSION="v0.203.0"
print_env=0
[[ "${1:-}" == "--print-env" ]] && print_env=1

say() { printf 'ensure-tools: %s\n' "$*" >&2; }
is_root() { [[ "$(id -u)" == "0" ]]; }
have() { command -v "$1" >/dev/null 2>&1; }

apt_updated=0
apt_install() {
  if ! is_root || ! have apt-get; then return 1; fi
  if [[ $apt_updated == 0 ]]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# ── Chromium ────────────────────────────────────────────────────────────────
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
  say "Chromium not found at $chromium; installing it with apt-get"
  if apt_install chromium && [[ -x /usr/bin/chromium ]]; then
    chromium=/usr/bin/chromium
  else
    say "ERROR: Chromium is missing and could not be installed here."
    say "  Install it with:  sudo apt-get update && sudo apt-get install -y chromium"
    say "  (or point CHROMIUM_PATH at another Chromium/Chrome binary)."
    exit 1
  fi
fi

# ── stripe-mock ─────────────────────────────────────────────────────────────
stripe_mock=""
if have stripe-mock; then
  stripe_mock="$(command -v stripe-mock)"
elif have go && [[ -x "$(go env GOPATH)/bin/stripe-mock" ]]; then
  stripe_mock="$(go env GOPATH)/bin/stripe-mock"
elif have go; then
  say "stripe-mock not found; installing ${STRIPE_MOCK_MODULE}@${STRIPE_MOCK_VERSION} with go install"
  if GOBIN="$(go env GOPATH)/bin" go install "${STRIPE_MOCK_MODULE}@${STRIPE_MOCK_VERSION}" >&2; then
    stripe_mock="$(go env GOPATH)/bin/stripe-mock"
  fi
fi
if [[ -z "$stripe_mock" || ! -x "$stripe_mock" ]]; then
  say "ERROR: stripe-mock is missing and could not be installed here."
  have go && say "  (go install failed: is the Go module proxy reachable?)"
  say "  Install Go (https://go.dev/dl/ or: sudo apt-get install -y golang-go), then run:"
  say "    go install ${STRIPE_MOCK_MODULE}@${STRIPE_MOCK_VERSION}"
  say "  and put \$(go env GOPATH)/bin on your PATH."
  exit 1
fi

# ── CJK font (invoice PDFs) ─────────────────────────────────────────────────
if [[ ! -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc && -z "${CUNPIN_CJK_FONT:-}" ]]; then
  say "fonts-noto-cjk not found; installing it with apt-get (invoice PDFs print Chinese with it)"
  apt_install fonts-noto-cjk || say "WARNING: fonts-noto-cjk could not be installed: invoice PDFs will show '?' for Chinese (sudo apt-get install -y fonts-noto-cjk, or set CUNPIN_CJK_FONT to a .ttf/.otf/.ttc)."
fi

say "Chromium: $chromium; stripe-mock: $stripe_mock"
if [[ $print_env == 1 ]]; then
  echo "CHROMIUM_PATH=$chromium"
  echo "STRIPE_MOCK_BIN=$stripe_mock"
fi

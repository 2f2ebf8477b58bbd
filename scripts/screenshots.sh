#!/usr/bin/env bash
# Regenerates the README's pictures: runs the end-to-end tests (which screenshot each main
# state into tests/e2e/artifacts/) and copies the ones the README shows into docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/common.sh
scripts/build-widget.sh
cargo build -p tessera-proxy --quiet
node --test --test-concurrency=1 tests/e2e/ >/dev/null
for s in state-event-loaded state-payment-complete state-hosted-checkout state-validation-errors \
         state-promo-applied themes-side-by-side; do
  cp "tests/e2e/artifacts/$s.png" "docs/images/$s.png"
done
step "screenshots of every state are in tests/e2e/artifacts/; README pictures updated in docs/images/"

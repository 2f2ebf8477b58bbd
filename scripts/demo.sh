#!/usr/bin/env bash
# One command for the demo: installs what is missing, builds the widget and the proxy,
# and serves the demo host page with the embedded sandbox platform as upstream.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/common.sh
scripts/build-widget.sh
step "building the proxy"
cargo build --release -p tessera-proxy --quiet
export TESSERA_LISTEN=${TESSERA_LISTEN:-127.0.0.1:8080}
export TESSERA_DATA_DIR=${TESSERA_DATA_DIR:-data}
export TESSERA_WIDGET_DIR=${TESSERA_WIDGET_DIR:-dist}
# An embedded TicketWave too, for the page at /platforms (TESSERA_TICKETWAVE_URL= turns it off).
export TESSERA_TICKETWAVE_URL=${TESSERA_TICKETWAVE_URL-sandbox}
# A code to try in the widget. The first run creates it; later runs find it already made.
if target/release/tessera-proxy promo create --event 344c5b2c-7de4-4174-863f-682207408add \
     --code EARLYBIRD --type percentage --amount 20 --limit 50 2>/dev/null; then :
else echo "promo code EARLYBIRD already exists"; fi
step "open http://$TESSERA_LISTEN/ in a browser (Ctrl-C stops)"
exec target/release/tessera-proxy

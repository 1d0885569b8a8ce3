#!/usr/bin/env bash
# Remakes the screenshots in docs/ (shown in the README) from the ones the e2e suite
# saves under tests/e2e/screenshots/. Run it after `./build.sh test` (or
# `./build.sh test e2e` with the specs named below); it fails naming any screenshot
# the suite did not make, so docs/ never keeps a picture of something that broke.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
SHOTS=tests/e2e/screenshots
mkdir -p docs

# docs/NAME.png   <- the suite's screenshot (a glob: the specs number their shots)
PICTURES=(
    "tour-on-a-foreign-host.png|foreign-tour-mouse/*-justification.png"
    "tour-saved-form.png|foreign-tour-mouse/*-submit.png"
    "help-form.png|foreign-tickets-rt/*-form.png"
    "ticket-sent.png|foreign-tickets-rt/*-sent.png"
    "editor-picker.png|foreign-editor/*-window-picking.png"
    "insights.png|insights-dashboard.png"
)

missing=0
for entry in "${PICTURES[@]}"; do
    name=${entry%%|*}
    pattern=${entry#*|}
    # shellcheck disable=SC2206 # the glob is meant to expand
    found=($SHOTS/$pattern)
    if [[ ! -f ${found[0]} ]]; then
        echo "docs-screenshots: the e2e suite made no $SHOTS/$pattern (for docs/$name)" >&2
        missing=1
        continue
    fi
    cp "${found[-1]}" "docs/$name"
    echo "docs/$name <- ${found[-1]}"
done
exit $missing

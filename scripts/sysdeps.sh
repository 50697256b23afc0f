#!/usr/bin/env bash
# Install the Debian packages wirewatch uses outside Python: Apertium (offline
# translation into English, directly or through Spanish, Macedonian, Serbo-Croatian, Icelandic or Swedish, and
# Ukrainian and Belarusian into Russian and Afrikaans into Dutch for the story embedding), Prometheus (the tests run it and promtool
# against the dashboards and alert rules), Alertmanager (amtool checks deploy/alertmanager/, and a test routes
# alerts through a real one), docker-compose (the tests check
# docker-compose.yml with `config`; no engine is needed), PostgreSQL and
# Chromium (the newsroom's store and browser tests). Idempotent; needs root
# or sudo for apt-get.
set -euo pipefail

need=()
command -v apertium >/dev/null 2>&1 || need+=(apertium)
[ -e /usr/share/apertium/modes/spa-eng.mode ] || need+=(apertium-eng-spa)
# Apertium pairs into English, into Spanish and Macedonian for the pivots X->Spanish->English and
# Bulgarian->Macedonian->English, Slovenian into Serbo-Croatian, Swedish into Icelandic and Danish and Norwegian into
# Swedish for the chains on into English, and into Russian and Dutch for the bridges (mode file, package).
for pair in cat-eng:apertium-eng-cat gl-en:apertium-en-gl eu-en:apertium-eu-en hbs-eng:apertium-hbs-eng \
    isl-eng:apertium-isl-eng mkd-eng:apertium-mkd-eng eo-en:apertium-eo-en fr-es:apertium-fr-es \
    ita-spa:apertium-spa-ita pt-es:apertium-es-pt ro-es:apertium-es-ro oc-es:apertium-oc-es arg-spa:apertium-spa-arg \
    bul-mkd:apertium-mkd-bul ukr-rus:apertium-rus-ukr bel-rus:apertium-bel-rus slv-hbs:apertium-hbs-slv \
    swe-isl:apertium-isl-swe dan-swe:apertium-swe-dan nob-swe:apertium-swe-nor afr-nld:apertium-afr-nld; do
  [ -e "/usr/share/apertium/modes/${pair%%:*}.mode" ] || need+=("${pair#*:}")
done
# The Norwegian pairs (apertium-swe-nor) run rtx-proc, which that package does not pull in.
command -v rtx-proc >/dev/null 2>&1 || need+=(apertium-recursive)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
# Debian names the server prometheus-alertmanager; amtool comes with it.
command -v amtool >/dev/null 2>&1 || need+=(prometheus-alertmanager)
docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
# The newsroom's tests: a real PostgreSQL (initdb/pg_ctl) and a real headless browser.
command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
# SCOWL's British and American word lists: the test that the bundled doubled-l spellings match them.
[ -e /usr/share/dict/british-english ] || need+=(wbritish)
[ -e /usr/share/dict/american-english ] || need+=(wamerican)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "sysdeps: need root or sudo to apt-get install ${need[*]}" >&2; exit 1
fi
echo "sysdeps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null

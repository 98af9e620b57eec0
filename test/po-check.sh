#!/bin/sh
# The Danish translation is complete: every translatable string in the
# sources listed in po/POTFILES has a Danish msgstr, none fuzzy.
set -eu
src=${1:?source root}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$src"
xgettext --from-code=UTF-8 --add-comments --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --package-name=valgkit -o "$tmp/valgkit.pot" -f po/POTFILES
msgmerge --quiet --no-fuzzy-matching -o "$tmp/da.po" po/da.po "$tmp/valgkit.pot"
missing=$(msgattrib --untranslated "$tmp/da.po" | grep -c '^msgid ' || true)
fuzzy=$(msgattrib --only-fuzzy "$tmp/da.po" | grep -c '^msgid ' || true)
total=$(grep -c '^msgid ' "$tmp/valgkit.pot")
# msgattrib prints the header entry when it prints anything.
[ "$missing" -gt 0 ] && missing=$((missing - 1))
[ "$fuzzy" -gt 0 ] && fuzzy=$((fuzzy - 1))
echo "da.po: $total strings in the sources, $missing untranslated, $fuzzy fuzzy"
msgattrib --untranslated --no-wrap "$tmp/da.po" | grep '^msgid ' | tail -n +2 || true
msgfmt -c -o /dev/null "$tmp/da.po"
if [ "$missing" -ne 0 ] || [ "$fuzzy" -ne 0 ]; then
  exit 1
fi

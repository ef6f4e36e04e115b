# Browser checks of Show Synchronized Publishers (search, paging, export), sourced by run.sh
# after its own checks: uses its $page, $so, $shots, chrome(), shoot() and $failures. Adds 60
# records (tests/php/addon/support/PublisherRows.php) beside the synchronized demo publishers,
# so that the page has more than one page of 25.
# The search and the filters are a GET form: the URL a submit produces is what is loaded.
echo "== publishers page: search, paging, export"
pub=$page'&action=publishers'
total_of() { chrome --dump-dom "$1" | grep -oE 'data-total="[0-9]+"' | grep -oE '[0-9]+' || echo 0; }
demo=$(total_of "$pub") demo_suspended=$(total_of "$pub&status=SUSPENDED")
php -d extension="$so" -r 'define("WHMCS_HARNESS_ATTACH", true); require "tests/whmcs/bootstrap.php";
  WhmcsHarness\Modules::loadAddon("aflexi_cdn"); require "tests/php/addon/support/PublisherRows.php";
  AflexiAddonTests\Support\PublisherRows::fill(60);'
all=$((demo + 60)) suspended=$((demo_suspended + 6)) last=$(( (demo + 60 + 24) / 25 ))
pcheck() { # pcheck <description> <url> <grep -E pattern> [absent]
  local dom found
  dom=$(chrome --dump-dom "$2")
  if grep -qE -- "$3" <<<"$dom"; then found=1; else found=0; fi
  if [ "${4:-}" = absent ]; then [ "$found" = 0 ]; else [ "$found" = 1 ]; fi \
    && echo "ok   $1" || { echo "FAIL $1" >&2; failures=$((failures + 1)); }
}
pcheck 'search form with its fields' "$pub" 'name="q".*'
pcheck "the total of all records ($demo synchronized + 60)" "$pub" "data-total=\"$all\""
pcheck 'search "zoe" finds zoeweb' "$pub&q=zoe" '<td>zoeweb</td>'
pcheck 'search "zoe" finds one publisher' "$pub&q=zoe" 'data-total="1"'
pcheck 'search by e-mail' "$pub&q=bench42%40example" 'data-total="1"'
pcheck 'client link on a row' "$pub&q=zoe" 'href="clientssummary.php\?userid=[0-9]+"'
pcheck 'service link on a row' "$pub&q=zoe" 'href="clientsservices.php\?userid=[0-9]+&amp;id=[0-9]+"'
pcheck 'status filter' "$pub&status=SUSPENDED" "data-total=\"$suspended\""
pcheck "page 1 of $last at 25 a page" "$pub&size=25" "Publishers 1 to 25 of $all \\(page 1 of $last\\)"
pcheck 'a link to the next page' "$pub&size=25" 'rel="next" href="[^"]*size=25&amp;page=2"'
pcheck 'the last page' "$pub&size=25&page=$last" "Publishers $(( (last - 1) * 25 + 1 )) to $all of $all \\(page $last of $last\\)"
pcheck 'a page beyond the end says so' "$pub&size=25&page=99" "There is no page 99; the last page \\($last\\) is shown"
pcheck 'no raw markup from the search' "$pub&q=%3Cscript%3Ealert(1)%3C/script%3E" '<script>alert\(1\)' absent

csv=$tmp/publishers.csv
headers=$(curl -s -D - -o "$csv" "$page&action=export&status=SUSPENDED")
if grep -qi '^content-type: text/csv' <<<"$headers" && grep -qi '^content-disposition: attachment' <<<"$headers" \
  && [ "$(head -1 "$csv")" = 'Username,Client,"Client ID",E-mail,"Service ID",Package,Status,"Last sync","Last error"' ] \
  && [ "$(wc -l <"$csv")" = $((suspended + 1)) ] && ! grep -q 'FilledPassw0rd42' "$csv"; then
  echo "ok   export of the SUSPENDED filter: a CSV download of its $suspended records, no password"
else
  echo "FAIL export: $headers $(head -3 "$csv")" >&2; failures=$((failures + 1))
fi
shoot publishers-search "$pub&q=Bench+Client+1&sort=client"
shoot publishers-paging "$pub&size=25&page=2&status=ACTIVE"

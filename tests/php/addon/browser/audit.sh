# Browser check of the run history, a run's report, Retry and the password audit;
# sourced by tests/php/addon/browser/run.sh after its own checks: uses its $page, $tmp,
# chrome(), shoot() and $failures, and the WHMCS_DB_* of its MariaDB.
#
# A seeded client loses its e-mail (a direct database change: no hook), a Save Settings run
# (POSTs, as the page's buttons send them) fails that service; the history and the report are
# read in Chromium; the e-mail is fixed and the report's "Retry all failed" button is submitted
# by Chromium; the new retry run must show in the history. Then Chromium submits a Show password
# form and the Activity Log must hold the audit line, without the password.

echo "== run history, report, retry, password audit (audit.sh)"
sql() { # sql <statement> [params...]: the first column of the first row, or nothing
  php -r '$db = new PDO(sprintf("mysql:host=%s;port=%s;dbname=%s;charset=utf8", getenv("WHMCS_DB_HOST"), getenv("WHMCS_DB_PORT"), getenv("WHMCS_DB_NAME")), getenv("WHMCS_DB_USER"), getenv("WHMCS_DB_PASS"));
    $q = $db->prepare($argv[1]); $q->execute(array_slice($argv, 2)); $v = $q->fetchColumn(); echo $v === false ? "" : $v;' -- "$@"
}
audit_ok() { echo "ok   $1"; }
audit_fail() { echo "FAIL $1" >&2; failures=$((failures + 1)); }
# Chromium submits a POST form to $1 with fields $2 (name=value&...), and dumps the page it lands on.
chrome_post() {
  local form="<form method=post action='$1'>" pair
  IFS='&' read -ra pairs <<<"$2"
  for pair in "${pairs[@]}"; do form+="<input type=hidden name='${pair%%=*}' value='${pair#*=}'>"; done
  printf '%s</form><script>document.forms[0].submit()</script>' "$form" >"$tmp/post.html"
  chrome --virtual-time-budget=10000 --dump-dom "file://$tmp/post.html"
}

service=$(sql "select h.id from tblhosting h join tblclients c on c.id = h.userid where h.username = 'lukaszw'")
client=$(sql "select userid from tblhosting where id = ?" "$service")
sql "update tblclients set email = '' where id = ?" "$client" >/dev/null
products=$(sql "select group_concat(concat('products[]=', product_id) separator '&') from mod_aflexi_cdn_products")
curl -sf -o /dev/null --data "$products" "$page&action=save"
html=$(curl -sf --data 'go=1' "$page&action=apply")
for _ in $(seq 50); do
  [[ "$html" =~ id=\"aflexi-step\"\ action=\"[^\"]*run=([0-9]+)\" ]] || break
  html=$(curl -sf --data 'go=1' "$page&action=step&run=${BASH_REMATCH[1]}")
done
failed_run=$(sql "select max(id) from mod_aflexi_cdn_runs where kind = 'save'")

dom=$(chrome --dump-dom "$page&action=runs")
grep -q "#$failed_run</td><td>Save Settings</td>" <<<"$dom" && grep -q '<td>admin</td>' <<<"$dom" && grep -q '1 failed' <<<"$dom" \
  && audit_ok "run #$failed_run in the history: Save Settings by admin, 1 failed" || audit_fail "run #$failed_run missing from the history"
grep -q 'most recent runs are kept' <<<"$dom" && audit_ok 'the history states its retention' || audit_fail 'no retention notice'
dom=$(chrome --dump-dom "$page&action=run&id=$failed_run")
grep -q "clientsservices.php?userid=$client&amp;id=$service\">#$service</a>" <<<"$dom" && grep -q 'Łukasz Wójcik' <<<"$dom" \
  && audit_ok "the failed row links service #$service and names its client" || audit_fail 'failed row without its link or client'
grep -q 'correct it in WHMCS, then Retry' <<<"$dom" && audit_ok 'the failed row says what to do' || audit_fail 'no action text on the failed row'
shoot run-history "$page&action=runs"
shoot run-report "$page&action=run&id=$failed_run"

sql "update tblclients set email = 'lukasz@example.pl' where id = ?" "$client" >/dev/null
dom=$(chrome_post "$page&action=retry&run=$failed_run" 'service=0')
retry_run=$(sql "select max(id) from mod_aflexi_cdn_runs where kind = 'retry'")
[ -n "$retry_run" ] && grep -q "data-run=\"$retry_run\"" <<<"$dom" && grep -q 'aflexi-count-failed">0<' <<<"$dom" \
  && audit_ok "Retry all failed (a browser POST) made run #$retry_run, nothing failed" || audit_fail 'the retry run is missing or failed'
chrome --dump-dom "$page&action=runs" | grep -q "#$retry_run</td><td>Retry</td>" \
  && audit_ok "run #$retry_run is in the history" || audit_fail "run #$retry_run missing from the history"

dom=$(chrome_post "$page&action=publishers" "show=$service")
password=$(sed -n 's/.*<code class="aflexi-password">\([^<]*\)<\/code>.*/\1/p' <<<"$dom" | head -1)
password=$(php -r 'echo html_entity_decode($argv[1], ENT_QUOTES | ENT_HTML5, "UTF-8");' -- "$password")
[ -n "$password" ] && audit_ok 'Show (a browser POST) shows the password to the full administrator' || audit_fail 'no password shown'
line=$(sql "select description from tblactivitylog where description like ? order by id desc" "%viewed the stored Aflexi password of publisher lukaszw (service #$service)")
[ -n "$line" ] && audit_ok "audit line: $line" || audit_fail 'no audit line for the password view'
leaks=$(sql "select count(*) from tblactivitylog where locate(?, description) > 0" "${password:-no password}")
[ -n "$password" ] && [ "$leaks" = 0 ] && audit_ok 'the password is in no Activity Log line' || audit_fail "the password is in $leaks Activity Log line(s)"

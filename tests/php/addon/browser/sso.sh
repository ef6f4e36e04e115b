# Single sign-on from the client area (docs/AFLEXI-API.md#portal-oauth), sourced by run.sh, which
# provides base, chrome, check-style counting in failures, shots, sandbox_hostport. The client
# logs in through the stand-in's login form, opens the product details page and clicks "Login to
# CDN portal"; the browser follows the redirect to the sandbox's portal landing page. Then the
# same client forges the request for another client's service id, which is refused.
echo "== single sign-on from the client area"
sso_fail() { echo "FAIL $1" >&2; failures=$((failures + 1)); }
sso_ok() { echo "ok   $1"; }
if ! sso=$(curl -sf --max-time 120 "$base/_sso_seed"); then
  sso_fail "SSO seeding: $(curl -s "$base/_sso_seed" | head -c 400)"
else
  sso_field() { php -r '$d = json_decode($argv[1], true); echo $d[$argv[2]][$argv[3]];' "$sso" "$1" "$2"; }
  alice_service=$(sso_field services alice) bob_service=$(sso_field services bob)
  alice=$(sso_field usernames alice) bob=$(sso_field usernames bob)
  sso_login() { # sso_login <client> <goto>: the login form, filled in and submitted, then goto
    echo "$base/_sso_login?as=$1&goto=$(php -r 'echo rawurlencode($argv[1]);' "$2")"
  }
  click=$(sso_login alice "clientarea.php?action=productdetails&id=$alice_service&autoclick=1")
  landing=$(chrome --virtual-time-budget=15000 --dump-dom "$click")
  grep -qF "<b id=\"publisher\">$alice</b>" <<<"$landing" && grep -qF "<b id=\"locked-to\">$alice</b>" <<<"$landing" \
    && sso_ok "the SSO button lands on the portal as $alice, locked to it" \
    || sso_fail "the SSO button did not land as $alice: $(grep -iE "alert|error|sso" <<<"$landing" | head -c 3000)"
  grep -qF "$bob" <<<"$landing" && sso_fail "the landing page names $bob" || sso_ok "the landing page names no other publisher"

  forged=$(chrome --virtual-time-budget=15000 --dump-dom "$(sso_login alice "_sso_post?id=$bob_service")")
  if grep -q 'id="services-list"' <<<"$forged" && ! grep -q 'Signed in as' <<<"$forged"; then
    sso_ok "alice posting SSO for bob's service #$bob_service is refused (services list, no portal)"
  else
    sso_fail "alice reached something with bob's service id: $(head -c 600 <<<"$forged")"
  fi
  portal=$(curl -sf "http://$sandbox_hostport/_sandbox/portal")
  php -r '$p = json_decode($argv[1], true); $who = array_unique(array_column($p["logins"], "publisher"));
          exit($who === [$argv[2]] && count($p["consumers"]) === 1 ? 0 : 1);' "$portal" "$alice" \
    && sso_ok "the portal saw logins of $alice only, with one consumer" \
    || sso_fail "portal logins/consumers unexpected: $portal"

  anonymous=$(chrome --virtual-time-budget=5000 --dump-dom "$base/clientarea.php?action=productdetails&id=$alice_service")
  grep -q 'action="dologin.php"' <<<"$anonymous" && sso_ok "the product page needs a login" || sso_fail "the product page opened without a login"

  leaks=$(curl -sf "$base/_sso_leaks")
  php -r '$l = json_decode($argv[1], true); exit($l["checked"] >= 2 && $l["leaks"] === [] ? 0 : 1);' "$leaks" \
    && sso_ok "no consumer secret or auth key in any log table" || sso_fail "secrets in the logs: $leaks"


  mkdir -p "$shots"
  png=$shots/sso-landing.png
  rm -f "$png"
  chrome --virtual-time-budget=15000 --hide-scrollbars --window-size=1000,520 --screenshot="$png" \
    "$(sso_login alice "clientarea.php?action=productdetails&id=$alice_service&autoclick=1")" >/dev/null
  size=$(stat -c %s "$png" 2>/dev/null || echo 0)
  [ "$size" -gt 5000 ] && sso_ok "$png ($size bytes)" || sso_fail "$png ($size bytes)"
fi

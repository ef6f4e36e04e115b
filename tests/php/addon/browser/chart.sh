# Sourced by run.sh (it shares base, chrome, shoot, shots and failures): the server module's
# usage chart in the client area and on the admin service page, rendered
# by headless Chromium, its DOM checked (an SVG with its title and description, the bars, the
# table; no script at all, so the page reads the same without JavaScript) and both pages
# photographed (clientarea.png, admin-service.png).
echo "== usage chart (server module: client area and admin service page)"
chart_json=$(curl -sf --max-time 120 "$base/_chart") || { echo "FAIL making the chart's service:" >&2; curl -s "$base/_chart" >&2; failures=$((failures + 1)); }
chart_service=$(php -r 'echo (int) (json_decode($argv[1], true)["service"] ?? 0);' "${chart_json:-{\}}")
# The client area needs a client's login (clientarea.php): the client of the SSO seed, logged in
# through the login form, opens their product details page.
chart_sso=$(curl -sf --max-time 120 "$base/_sso_seed") || { echo "FAIL seeding the client area:" >&2; curl -s "$base/_sso_seed" >&2; failures=$((failures + 1)); }
chart_client_service=$(php -r 'echo (int) (json_decode($argv[1], true)["services"]["alice"] ?? 0);' "${chart_sso:-{\}}")
chart_client_page="$base/_sso_login?as=alice&goto=$(php -r 'echo rawurlencode($argv[1]);' "clientarea.php?action=productdetails&id=$chart_client_service")"
for chart_page in "$chart_client_page" "$base/clientsservices.php?id=$chart_service"; do
  dom=$(chrome --virtual-time-budget=15000 --dump-dom "$chart_page")
  check "$chart_page: the chart is an SVG image with a title and a description" '<svg [^>]*role="img" aria-labelledby="[a-z-]+[0-9]+-title [a-z-]+[0-9]+-desc"'
  check "$chart_page: bars of the previous month with their day and figure" '<rect [^>]*fill="#9aa5b1"><title>Previous month \([0-9-]+\), [0-9-]+: [0-9.,]+ [MGT]B</title>'
  check "$chart_page: the figures as a table for screen readers" '<details class="aflexi-usage-table"><summary>Daily figures as a table</summary><table'
  check "$chart_page: no script, no event handler, nothing external" '<script|<svg [^>]*onload|src="http|href="http[^"]*\.(js|css)' absent
done
shoot clientarea "$chart_client_page"
shoot admin-service "$base/clientsservices.php?id=$chart_service"

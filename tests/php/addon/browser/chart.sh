# Sourced by run.sh (it shares base, chrome, shoot, shots and failures): the server module's
# usage chart (issue #16 point 3) in the client area and on the admin service page, rendered
# by headless Chromium, its DOM checked (an SVG with its title and description, the bars, the
# table; no script at all, so the page reads the same without JavaScript) and both pages
# photographed (clientarea.png, admin-service.png).
echo "== usage chart (server module: client area and admin service page)"
chart_json=$(curl -sf --max-time 120 "$base/_chart") || { echo "FAIL making the chart's service:" >&2; curl -s "$base/_chart" >&2; failures=$((failures + 1)); }
chart_service=$(php -r 'echo (int) (json_decode($argv[1], true)["service"] ?? 0);' "${chart_json:-{\}}")
for chart_page in "clientarea.php?action=productdetails&id=$chart_service" "clientsservices.php?id=$chart_service"; do
  dom=$(chrome --dump-dom "$base/$chart_page")
  check "$chart_page: the chart is an SVG image with a title and a description" '<svg [^>]*role="img" aria-labelledby="[a-z-]+[0-9]+-title [a-z-]+[0-9]+-desc"'
  check "$chart_page: bars of the previous month with their day and figure" '<rect [^>]*fill="#9aa5b1"><title>Previous month \([0-9-]+\), [0-9-]+: [0-9.,]+ [MGT]B</title>'
  check "$chart_page: the figures as a table for screen readers" '<details class="aflexi-usage-table"><summary>Daily figures as a table</summary><table'
  check "$chart_page: no script, no event handler, nothing external" '<script|<svg [^>]*onload|src="http|href="http[^"]*\.(js|css)' absent
done
shoot clientarea "$base/clientarea.php?action=productdetails&id=$chart_service"
shoot admin-service "$base/clientsservices.php?id=$chart_service"

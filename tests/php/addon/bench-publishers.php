<?php
/**
 * Figures of Show Synchronized Publishers at size (docs/BENCHMARKS.md, "Publishers page"):
 *
 *   tests/php/addon/bench-publishers.sh [records]        (default 100,000; starts its own MariaDB)
 *
 * Fills that many publisher records (tests/php/addon/support/PublisherRows.php) in the WHMCS
 * stand-in's schema on MariaDB with the real Illuminate 7.12 the suites use, then renders the
 * page (the addon's aflexi_cdn_output through the stand-in, as WHMCS calls it) for several
 * searches and filters: the median server time of 7 renders each and the peak memory the render
 * added; then the CSV export of every record to /dev/null: time and peak memory added. No
 * Aflexi call is made. Prints Markdown table rows.
 */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once __DIR__ . '/support/PublisherRows.php';

use AflexiAddonTests\Support\PublisherRows;
use WHMCS\Module\Addon\AflexiCdn\PublisherExport;
use WHMCS\Module\Addon\AflexiCdn\PublisherFilter;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Addon;
use WhmcsHarness\AddonPage;

$n = (int) ($argv[1] ?? 100000);
WhmcsHarness\Whmcs::reset();
WhmcsHarness\Modules::loadAddon('aflexi_cdn');
Addon::activate('aflexi_cdn', ['server' => 'explicit', 'endpoint' => 'http://127.0.0.1:9', 'login' => 'bench', 'authkey' => 'bench']);
WhmcsHarness\Whmcs::stopRecording();
$t = microtime(true);
PublisherRows::fill($n);
WHMCS\Database\Capsule::statement('analyze table ' . Schema::PUBLISHERS . ', tblclients');
printf("%s records filled in %.1f s\n\n", number_format($n), microtime(true) - $t);

$cases = [
    'first page, no filter (50 rows)' => [],
    'status SUSPENDED (50 rows)' => ['status' => 'SUSPENDED'],
    'package gold + status ACTIVE, page 100' => ['package' => 'gold', 'status' => 'ACTIVE', 'page' => '100'],
    'has error, sorted by last sync desc' => ['error' => 'yes', 'sort' => 'last_sync', 'dir' => 'desc'],
    'search "pub4242" (username)' => ['q' => 'pub4242'],
    'search "bench77@" (e-mail)' => ['q' => 'bench77@'],
    'search service id 100042' => ['q' => '100042'],
    'sorted by client name, page 1,000' => ['sort' => 'client', 'page' => '1000'],
    'last page (500 rows a page)' => ['size' => '500', 'page' => '99999'],
];
echo "| Page | Median server time (ms) | Peak memory added (MB) | Records matched |\n|---|---:|---:|---:|\n";
foreach ($cases as $label => $query) {
    $times = [];
    $html = '';
    gc_collect_cycles();
    memory_reset_peak_usage();
    $base = memory_get_usage();
    for ($i = 0; $i < 7; $i++) {
        $t = hrtime(true);
        $html = AddonPage::get('aflexi_cdn', ['action' => 'publishers'] + $query);
        $times[] = (hrtime(true) - $t) / 1e6;
    }
    $peak = (memory_get_peak_usage() - $base) / 1048576;
    if (str_contains($html, 'alert-danger')) {
        fwrite(STDERR, "$label: the page shows an error\n$html\n");
        exit(1);
    }
    sort($times);
    preg_match('/data-total="(\d+)"/', $html, $m);
    printf("| %s | %.1f | %.1f | %s |\n", $label, $times[3], $peak, number_format((int) ($m[1] ?? 0)));
}

$out = fopen('/dev/null', 'wb');
gc_collect_cycles();
memory_reset_peak_usage();
$base = memory_get_usage();
$t = microtime(true);
$rows = PublisherExport::write($out, PublisherFilter::fromInput([]));
printf("\nCSV export of all %s records: %.1f s, peak memory added %.1f MB (chunks of %s)\n",
    number_format($rows), microtime(true) - $t, (memory_get_peak_usage() - $base) / 1048576, number_format(PublisherExport::CHUNK));

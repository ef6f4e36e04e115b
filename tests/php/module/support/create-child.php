<?php
/**
 * A separate PHP process that runs the module's Create of one service as WHMCS does
 * (ModuleCreate), on the test database (WHMCS_HARNESS_ATTACH) with the parent's encrypt() key
 * (AFLEXI_TEST_CRYPTO_KEY), for KillTest. Prints "ready" first, then the result as JSON.
 *
 *   AFLEXI_TEST_CRYPTO_KEY=... php -d extension=libaflexi.so create-child.php <service id>
 */

declare(strict_types=1);

const WHMCS_HARNESS_ATTACH = true;
require_once dirname(__DIR__, 3) . '/whmcs/bootstrap.php';
WhmcsHarness\Crypto::useKey((string) getenv('AFLEXI_TEST_CRYPTO_KEY'));
WhmcsHarness\Modules::loadServer('aflexi');

echo "ready\n";
echo json_encode(localAPI('ModuleCreate', ['serviceid' => (int) ($argv[1] ?? 0)])), "\n";

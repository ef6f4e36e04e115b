<?php
/**
 * A separate PHP process running the addon's cron reconcile against the test database (the
 * WHMCS_DB_* environment), for the kill -9 test: the stand-in attached to the data as it is
 * (WHMCS_HARNESS_ATTACH), with the parent's encrypt() key (AFLEXI_TEST_CRYPTO_KEY, from
 * WhmcsHarness\Crypto::exportKey()) so that each reads the other's passwords. Prints "ready"
 * before it starts syncing.
 *
 *   AFLEXI_TEST_CRYPTO_KEY=... php -d extension=libaflexi.so reconcile-child.php <budget_ms>
 */

declare(strict_types=1);

require __DIR__ . '/attach-addon.php';

echo "ready\n";
$result = (new WHMCS\Module\Addon\AflexiCdn\Reconcile(WHMCS\Module\Addon\AflexiCdn\Settings::load()))->run((int) ($argv[1] ?? 60000));
echo json_encode($result), "\n";

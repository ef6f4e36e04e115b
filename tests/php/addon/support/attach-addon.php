<?php
/**
 * Included first by a child process of the addon's tests: the stand-in attached to the test
 * database as it is (WHMCS_HARNESS_ATTACH, the WHMCS_DB_* environment), the parent's
 * encrypt() key (AFLEXI_TEST_CRYPTO_KEY, from WhmcsHarness\Crypto::exportKey()) so that each
 * reads the other's passwords, and the addon loaded.
 */

declare(strict_types=1);

const WHMCS_HARNESS_ATTACH = true;
require_once dirname(__DIR__, 3) . '/whmcs/bootstrap.php';
WhmcsHarness\Crypto::useKey((string) getenv('AFLEXI_TEST_CRYPTO_KEY'));
WhmcsHarness\Modules::loadAddon('aflexi_cdn');

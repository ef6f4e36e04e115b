<?php
/**
 * PHPUnit bootstrap of the addon's suite: the WHMCS stand-in (tests/whmcs), the extension
 * under test (must be loaded), the Aflexi sandbox (tests/php/support, one for the run),
 * and the addon loaded the way WHMCS loads it (aflexi_cdn.php + hooks.php).
 *
 * Run with tests/php/addon/run.sh.
 */

declare(strict_types=1);

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "The aflexi extension is not loaded. Run tests/php/addon/run.sh, or\n"
        . "  php -d extension=\$PWD/target/release/libaflexi.so \$(command -v phpunit) -c tests/php/addon/phpunit.xml\n");
    exit(1);
}

require_once dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once dirname(__DIR__) . '/support/SandboxProcess.php';
require_once dirname(__DIR__) . '/support/FreshOperator.php';
require_once dirname(__DIR__) . '/support/HooksInFreshProcess.php';
require_once __DIR__ . '/support/AddonTestCase.php';

AflexiTests\Support\SandboxProcess::shared();
WhmcsHarness\Modules::loadAddon('aflexi_cdn');

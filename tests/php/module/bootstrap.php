<?php
/**
 * PHPUnit bootstrap of the server module's suite: the WHMCS stand-in (tests/whmcs), the
 * extension under test (must be loaded), one Aflexi sandbox for the whole run (stopped at
 * shutdown), and the module loaded the way WHMCS loads it (aflexi.php + hooks.php).
 *
 * Run with tests/php/module/run.sh.
 */

declare(strict_types=1);

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "The aflexi extension is not loaded. Run tests/php/module/run.sh, or\n"
        . "  php -d extension=\$PWD/target/release/libaflexi.so \$(command -v phpunit) -c tests/php/module/phpunit.xml\n");
    exit(1);
}

require_once dirname(__DIR__, 2) . '/whmcs/bootstrap.php';
require_once dirname(__DIR__) . '/support/SandboxProcess.php';
require_once dirname(__DIR__) . '/support/FreshOperator.php';
require_once dirname(__DIR__) . '/support/HooksInFreshProcess.php';
require_once __DIR__ . '/support/RawXmlRpc.php';
require_once __DIR__ . '/support/ModuleTestCase.php';
require_once __DIR__ . '/support/Smarty.php';

AflexiTests\Support\SandboxProcess::shared();
WhmcsHarness\Modules::loadServer('aflexi');

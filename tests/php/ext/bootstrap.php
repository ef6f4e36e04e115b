<?php
/**
 * PHPUnit bootstrap of the extension's suite: checks that the extension under test is
 * loaded, and starts one Aflexi sandbox for the whole run (stopped at shutdown).
 */

declare(strict_types=1);

if (!extension_loaded('aflexi')) {
    fwrite(STDERR, "The aflexi extension is not loaded. Run:\n"
        . "  php -d extension=\$PWD/target/debug/libaflexi.so /usr/bin/phpunit -c tests/php/ext/phpunit.xml\n"
        . "or scripts/test-php-ext.sh\n");
    exit(1);
}

require_once dirname(__DIR__) . '/support/SandboxProcess.php';
require_once __DIR__ . '/support/ExtensionTestCase.php';
require_once __DIR__ . '/support/FpmPool.php';

AflexiTests\Support\SandboxProcess::shared();

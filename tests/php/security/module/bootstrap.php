<?php
/** The security suite's module half: the module suite's bootstrap, plus the hostile API. */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/module/bootstrap.php';
require_once dirname(__DIR__) . '/support/HostileApi.php';
require_once dirname(__DIR__) . '/support/Leaks.php';

<?php
/** The security suite's addon half: the addon suite's bootstrap. */

declare(strict_types=1);

require_once dirname(__DIR__, 2) . '/addon/bootstrap.php';
require_once dirname(__DIR__) . '/support/Leaks.php';

<?php
/**
 * Thrown by the check_token() stand-in where WHMCS would stop the request with its "Invalid
 * CSRF Protection Token" page (tests/whmcs/README.md#csrf). Nothing after the check runs, as in WHMCS.
 */

declare(strict_types=1);

namespace WhmcsHarness;

final class TokenRejected extends \RuntimeException
{
    public function __construct(public readonly string $namespace)
    {
        parent::__construct("Invalid CSRF Protection Token (check_token('$namespace'))");
    }
}

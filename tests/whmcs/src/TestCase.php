<?php
/**
 * Base class for tests against the WHMCS stand-in: every test starts with a clean WHMCS
 * (Whmcs::reset(): clean database with the baseline install rows, empty recorder, only module
 * hooks registered, empty request and session).
 */

declare(strict_types=1);

namespace WhmcsHarness;

abstract class TestCase extends \PHPUnit\Framework\TestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        Whmcs::reset();
    }
}

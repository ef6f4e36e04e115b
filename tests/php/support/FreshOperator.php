<?php
/**
 * A fresh Aflexi operator per test, on the shared sandbox, with a WHMCS server record (type
 * aflexi) pointing at it: the module's and the addon's test cases use it.
 *
 * A new operator (login, auth key, operator id) instead of a sandbox reset: the extension
 * remembers operators and package ids per PHP process, as it does in a PHP-FPM worker, so
 * nothing a previous test did can be mistaken for this one's, and usernames
 * (`<local>/<operatorId>`) never collide although WHMCS ids restart.
 */

declare(strict_types=1);

namespace AflexiTests\Support;

use WhmcsHarness\Fixtures;

require_once __DIR__ . '/SandboxProcess.php';

trait FreshOperator
{
    private static int $operators = 0;

    protected SandboxProcess $sandbox;
    protected string $operatorLogin;
    protected string $authKey;
    protected int $operatorId;
    protected int $serverId;

    /** Creates the operator (login "<prefix><n>-<random>") and its server record. */
    protected function freshOperator(string $prefix): void
    {
        $this->sandbox = SandboxProcess::shared();
        $this->sandbox->calm();
        $n = ++self::$operators;
        $this->operatorLogin = "$prefix$n-" . bin2hex(random_bytes(3));
        $this->authKey = 'AK' . bin2hex(random_bytes(10)) . '-auth-key';
        $this->operatorId = $this->sandbox->addOperator($this->operatorLogin, $this->authKey);
        $this->serverId = Fixtures::server([
            'name' => 'Aflexi sandbox', 'hostname' => $this->sandbox->hostPort(), 'secure' => '',
            'username' => $this->operatorLogin, 'password' => $this->authKey,
        ]);
    }

    /** A client of this test's operator, to look at (or change) Aflexi behind WHMCS's back. */
    protected function aflexi(): \Aflexi\Client
    {
        return new \Aflexi\Client($this->sandbox->coreUrl(), $this->operatorLogin, $this->authKey);
    }
}

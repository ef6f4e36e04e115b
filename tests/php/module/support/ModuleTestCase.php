<?php
/**
 * Base of the module's tests: a clean WHMCS (the harness's TestCase), the module's
 * request-level caches forgotten, and a fresh Aflexi operator account on the shared sandbox
 * with a WHMCS server record pointing at it (FreshOperator).
 */

declare(strict_types=1);

namespace AflexiModuleTests\Support;

use AflexiTests\Support\FreshOperator;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Schema;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;
use WhmcsHarness\Fixtures;
use WhmcsHarness\ModuleRunner;
use WhmcsHarness\Params;
use WhmcsHarness\Whmcs;

abstract class ModuleTestCase extends \WhmcsHarness\TestCase
{
    use FreshOperator;

    protected function setUp(): void
    {
        parent::setUp();
        Schema::forget();
        WelcomeTemplate::forget();
        $this->freshOperator('op');
    }

    protected function tearDown(): void
    {
        $this->sandbox->calm();
        foreach (['aflexi.connect_timeout', 'aflexi.timeout', 'aflexi.operation_timeout'] as $setting) {
            ini_restore($setting);
        }
        parent::tearDown();
    }

    /** A product using the module; its "Package name" setting is configoption1. */
    protected function product(string $name = 'CDN Gold', string $package = '', array $o = []): int
    {
        return Fixtures::product($o + ['name' => $name, 'servertype' => 'aflexi', 'configoptions' => [$package], 'autosetup' => 'payment']);
    }

    /** A client; pass 'email' => '' for one without an e-mail address. */
    protected function client(array $o = []): int
    {
        return Fixtures::client($o);
    }

    /** A Pending service of the product for the client on this test's server (password plain). */
    protected function service(int $productId, int $clientId, array $o = []): int
    {
        return Fixtures::service($o + [
            'packageid' => $productId, 'userid' => $clientId, 'server' => $this->serverId,
            'password' => 'Svc' . bin2hex(random_bytes(6)),
        ]);
    }

    /** Runs a module action as WHMCS does (hooks, side effects, welcome e-mail): the API-style result. */
    protected function runAction(string $action, int $serviceId, array $options = []): array
    {
        return ModuleRunner::run($action, $serviceId, $options);
    }

    protected function assertActionSucceeds(string $action, int $serviceId, array $options = []): void
    {
        $result = $this->runAction($action, $serviceId, $options);
        self::assertSame('success', $result['result'], "$action of service #$serviceId: " . ($result['message'] ?? ''));
    }

    /** The message of an action that must fail. */
    protected function actionError(string $action, int $serviceId, array $options = []): string
    {
        $result = $this->runAction($action, $serviceId, $options);
        self::assertSame('error', $result['result'], "$action of service #$serviceId should have failed");
        return (string) $result['message'];
    }

    /** Calls aflexi_<Function> directly with the service's $params (plus overrides). */
    protected function callModule(string $function, int $serviceId, array $overrides = []): mixed
    {
        $params = array_merge(Params::forService($serviceId), $overrides);
        return ('aflexi_' . $function)($params);
    }

    protected function hosting(int $serviceId): object
    {
        return Capsule::table('tblhosting')->where('id', $serviceId)->first();
    }

    protected function record(int $serviceId): ?object
    {
        if (!Capsule::schema()->hasTable(Schema::PUBLISHERS)) {
            return null;
        }
        return Capsule::table(Schema::PUBLISHERS)->where('service_id', $serviceId)->first();
    }

    /** The sandbox's publisher user of a local username under this test's operator, or null. */
    protected function publisher(string $localUsername): ?array
    {
        return $this->sandbox->publisherNamed($localUsername . '/' . $this->operatorId);
    }

    /** The sandbox's link of a local username under this test's operator, or null. */
    protected function linkOf(string $localUsername): ?array
    {
        $user = $this->publisher($localUsername);
        return $user === null ? null : $this->sandbox->link((int) $user['id']);
    }

    /** The package name of a sandbox link. */
    protected function packageOf(array $link): string
    {
        return (string) ($this->sandbox->package((int) $link['package'])['name'] ?? '');
    }

    /** Whether $password is the publisher's password on Aflexi (the sandbox accepts a password as the secret). */
    protected function passwordWorks(string $localUsername, string $password): bool
    {
        $answer = (new RawXmlRpc($this->sandbox->coreUrl()))->call('user.get', [$localUsername . '/' . $this->operatorId, $password, ['self' => true]]);
        return !RawXmlRpc::isFault($answer);
    }

    /** API calls the sandbox received while $work ran. */
    protected function apiCallsDuring(callable $work): int
    {
        $before = $this->sandbox->totalCalls();
        $work();
        return $this->sandbox->totalCalls() - $before;
    }

    /** Every stored module-log and activity-log row, as text (what an admin can read). */
    protected function storedLogText(): string
    {
        $text = '';
        foreach (Capsule::table('tblmodulelog')->orderBy('id')->get() as $row) {
            $text .= "\n" . $row->action . "\n" . $row->request . "\n" . $row->response . "\n" . $row->arrdata;
        }
        foreach (Capsule::table('tblactivitylog')->orderBy('id')->get() as $row) {
            $text .= "\n" . $row->description;
        }
        return $text;
    }

    /** Asserts none of the secrets appears in any stored log entry, in any common encoding. */
    protected function assertNoSecretLogged(string ...$secrets): void
    {
        $text = $this->storedLogText();
        self::assertNotSame('', $text, 'nothing was logged at all');
        foreach ($secrets as $secret) {
            self::assertSame([], Whmcs::leaksOf($secret), 'secret leaked');
            foreach ([$secret, json_encode($secret), htmlspecialchars($secret), rawurlencode($secret), base64_encode($secret)] as $form) {
                self::assertStringNotContainsString(trim((string) $form, '"'), $text, 'a secret is in the stored logs');
            }
        }
    }
}

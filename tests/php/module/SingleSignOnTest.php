<?php
/**
 * aflexi_ServiceSingleSignOn against the sandbox's portal OAuth: the URL logs in as the
 * service's own publisher (locked to it); the product setting turns it off; an unreachable
 * portal gives a clear error; one consumer per publisher across many clicks, stored
 * encrypted; no token or consumer secret in any log table, message or page.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiModuleTests\Support\Smarty;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\SingleSignOn;
use WhmcsHarness\Crypto;
use WhmcsHarness\Params;

final class SingleSignOnTest extends ModuleTestCase
{
    protected function setUp(): void
    {
        parent::setUp();
        // The operator's portal is the sandbox itself (its /mini_publisher.php).
        $this->sandbox->theme($this->sandbox->url(), '', $this->operatorLogin);
    }

    /** A created service of a product with single sign-on on (or off). */
    private function createdService(string $email, bool $sso = true): int
    {
        $product = $this->product('CDN ' . $email, 'gold', ['configoptions' => ['gold', $sso ? 'on' : '']]);
        $service = $this->service($product, $this->client(['email' => $email]));
        $this->assertActionSucceeds('Create', $service);
        return $service;
    }

    private function sso(int $serviceId): array
    {
        return aflexi_ServiceSingleSignOn(Params::forService($serviceId));
    }

    private function fullUsername(int $serviceId): string
    {
        return $this->record($serviceId)->username . '/' . $this->operatorId;
    }

    /** GET of a URL: [status, body]. */
    private static function get(string $url): array
    {
        $body = @file_get_contents($url, false, stream_context_create(['http' => ['ignore_errors' => true]]));
        preg_match('~^HTTP/\S+ (\d+)~', $http_response_header[0] ?? '', $m);
        return [(int) ($m[1] ?? 0), (string) $body];
    }

    /** The portal's consumers for this test's operator. */
    private function consumers(): array
    {
        $portal = $this->sandbox->control('GET', '/_sandbox/portal');
        return array_values(array_filter($portal['consumers'], fn (array $c): bool => $c['operator'] === $this->operatorId));
    }

    /** @testdox The redirect logs in as the service's own publisher, locked to it */
    #[\PHPUnit\Framework\Attributes\TestDox('The redirect logs in as the service\'s own publisher, locked to it')]
    public function testLogsInAsTheServicesPublisher(): void
    {
        $mine = $this->createdService('alice@example.com');
        $other = $this->createdService('bob@example.com');
        $result = $this->sso($mine);
        self::assertTrue($result['success'], $result['errorMsg'] ?? '');
        self::assertStringStartsWith($this->sandbox->url() . '/mini_publisher.php/?app=whmcs&oauth_token=', $result['redirectTo']);
        [$status, $page] = self::get($result['redirectTo']);
        self::assertSame(200, $status, $page);
        self::assertStringContainsString('<b id="publisher">' . $this->fullUsername($mine) . '</b>', $page);
        self::assertStringContainsString('<b id="locked-to">' . $this->fullUsername($mine) . '</b>', $page);
        self::assertStringNotContainsString($this->fullUsername($other), $page);
        self::assertSame(['delegate'], array_column($this->consumers(), 'type'));
        self::assertSame(['locked'], array_column($this->consumers(), 'mode'));
        // WHMCS labels its button (client area, and the admin's service page) from MetaData.
        self::assertSame('Login to CDN portal', aflexi_MetaData()['ServiceSingleSignOnLabel']);
        self::assertFalse(function_exists('aflexi_AdminSingleSignOn'), 'docs/AFLEXI-API.md#portal-oauth: not offered');
    }

    /** @testdox Single sign-on off in the product: refused, no portal call, no button */
    #[\PHPUnit\Framework\Attributes\TestDox('Single sign-on off in the product: refused, no portal call, no button')]
    public function testTurnedOffInTheProduct(): void
    {
        $service = $this->createdService('off@example.com', false);
        $result = $this->sso($service);
        self::assertSame(['success' => false, 'errorMsg' => 'Aflexi CDN: single sign-on is turned off for this product (module setting "Single sign-on").'], $result);
        self::assertSame([], $this->consumers());
        self::assertStringNotContainsString('dosinglesignon', $this->clientAreaHtml($service));
        // On: the button is there.
        $on = $this->createdService('on@example.com');
        self::assertStringContainsString('name="dosinglesignon"', $this->clientAreaHtml($on));
    }

    /** @testdox An unreachable portal gives a clear error, not an exception */
    #[\PHPUnit\Framework\Attributes\TestDox('An unreachable portal gives a clear error, not an exception')]
    public function testPortalDownGivesAClearError(): void
    {
        $service = $this->createdService('down@example.com');
        $closed = stream_socket_server('tcp://127.0.0.1:0');
        $address = stream_socket_get_name($closed, false);
        fclose($closed);
        // The portal URL is remembered per server (ServerRecords): point it at a closed port.
        $this->sandbox->theme("http://$address", '', $this->operatorLogin);
        Capsule::table('mod_aflexi_servers')->update(['portal_checked_at' => null]);
        $result = $this->sso($service);
        self::assertFalse($result['success']);
        self::assertArrayNotHasKey('redirectTo', $result);
        self::assertStringContainsString('Aflexi', $result['errorMsg']);
        self::assertSame("Aflexi CDN: Login to CDN portal failed: the CDN portal (127.0.0.1) could not be reached. Please try again later; the module log has the details.", $result['errorMsg']);
    }

    /** @testdox A service never created, or suspended, has nothing to log in to (and no button) */
    #[\PHPUnit\Framework\Attributes\TestDox('A service never created, or suspended, has nothing to log in to (and no button)')]
    public function testNoActiveAccount(): void
    {
        $product = $this->product('CDN Pending', 'gold', ['configoptions' => ['gold', 'on']]);
        $service = $this->service($product, $this->client(['email' => 'pending@example.com']));
        $result = $this->sso($service);
        self::assertFalse($result['success']);
        self::assertStringContainsString('has no active CDN account', $result['errorMsg']);

        $suspended = $this->createdService('suspended@example.com');
        $this->assertActionSucceeds('Suspend', $suspended);
        $result = $this->sso($suspended);
        self::assertFalse($result['success']);
        self::assertStringContainsString('has no active CDN account', $result['errorMsg']);
        self::assertStringNotContainsString('dosinglesignon', $this->clientAreaHtml($suspended));
        self::assertSame([], $this->consumers());
    }

    /** @testdox One consumer per publisher across many clicks, its secret stored encrypted */
    #[\PHPUnit\Framework\Attributes\TestDox('One consumer per publisher across many clicks, its secret stored encrypted')]
    public function testConsumerRegisteredOnce(): void
    {
        $service = $this->createdService('clicks@example.com');
        for ($i = 0; $i < 5; $i++) {
            $result = $this->sso($service);
            self::assertTrue($result['success'], $result['errorMsg'] ?? '');
            self::assertSame(200, self::get($result['redirectTo'])[0]);
        }
        self::assertCount(1, $this->consumers());
        $rows = Capsule::table(SingleSignOn::TABLE)->get();
        self::assertCount(1, $rows);
        self::assertTrue(Crypto::isCiphertext((string) $rows[0]->consumer_secret));
        self::assertNotSame('', Crypto::decrypt((string) $rows[0]->consumer_secret));
    }

    /** @testdox No token or consumer secret in any log table, message, page or exception */
    #[\PHPUnit\Framework\Attributes\TestDox('No token or consumer secret in any log table, message, page or exception')]
    public function testNoSecretLeaks(): void
    {
        $service = $this->createdService('leak@example.com');
        $tokens = [];
        for ($i = 0; $i < 2; $i++) {
            $result = $this->sso($service);
            self::assertTrue($result['success']);
            parse_str((string) parse_url($result['redirectTo'], PHP_URL_QUERY), $query);
            $tokens[] = $query['oauth_token'];
        }
        $secret = Crypto::decrypt((string) Capsule::table(SingleSignOn::TABLE)->value('consumer_secret'));
        // A refused request (the stored secret no longer matches) must not echo it either.
        Capsule::table(SingleSignOn::TABLE)->update(['consumer_secret' => Crypto::encrypt($secret . 'x')]);
        $refused = $this->sso($service);
        self::assertFalse($refused['success']);
        self::assertSame('Aflexi CDN: Login to CDN portal failed: the CDN portal refused the single sign-on request. Please try again later; the module log has the details.', $refused['errorMsg']);
        $html = $this->clientAreaHtml($service);

        $secrets = array_merge([$this->authKey, $secret, $secret . 'x'], $tokens);
        $this->assertNoSecretLogged(...$secrets);
        $everyLog = $this->everyLogTable();
        self::assertNotSame('', $everyLog);
        foreach ($secrets as $value) {
            self::assertStringNotContainsString($value, $everyLog);
            self::assertStringNotContainsString($value, $refused['errorMsg']);
            self::assertStringNotContainsString($value, $html);
        }
    }

    private function clientAreaHtml(int $serviceId): string
    {
        $output = aflexi_ClientArea(Params::forService($serviceId));
        return Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);
    }

    /** The text of every table of the stand-in whose name says log. */
    private function everyLogTable(): string
    {
        $text = '';
        foreach (Capsule::select("SHOW TABLES LIKE '%log%'") as $row) {
            $table = (string) array_values((array) $row)[0];
            foreach (Capsule::table($table)->get() as $entry) {
                $text .= "\n$table: " . implode(' | ', array_map('strval', (array) $entry));
            }
        }
        return $text;
    }
}

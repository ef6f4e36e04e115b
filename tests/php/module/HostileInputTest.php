<?php
/**
 * Unicode and hostile input: XSS payloads in client names, package names, usernames and
 * errors are shown escaped in the client area (rendered with Smarty, as WHMCS does) and the
 * admin service tab; emoji and accents survive; a 1 MB name neither breaks Create nor bloats
 * the module log.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiModuleTests\Support\Smarty;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Schema;
use WhmcsHarness\Params;
use WhmcsHarness\Whmcs;

final class HostileInputTest extends ModuleTestCase
{
    private const XSS_NAME = '<script>alert("name")</script>';
    private const XSS_LAST = '"><img src=x onerror=alert(1)>';
    private const XSS_PACKAGE = "<svg onload=alert('pkg')>";

    /** @testdox XSS payload in client name is rendered escaped in ClientArea and AdminServicesTabFields */
    #[\PHPUnit\Framework\Attributes\TestDox('XSS payload in client name is rendered escaped in ClientArea and AdminServicesTabFields')]
    public function testXssInClientNameIsRenderedEscaped(): void
    {
        $client = $this->client(['firstname' => self::XSS_NAME, 'lastname' => self::XSS_LAST, 'email' => 'xss@example.com']);
        $service = $this->service($this->product('CDN <b>Gold</b>', self::XSS_PACKAGE), $client);

        $this->assertActionSucceeds('Create', $service);

        self::assertSame(self::XSS_NAME . ' ' . self::XSS_LAST, $this->publisher("xss_example.com_$service")['name'], 'Aflexi gets the name as typed');
        $html = $this->clientAreaHtml($service);
        $admin = implode("\n", aflexi_AdminServicesTabFields(Params::forService($service)));
        foreach ([$html, $admin] as $output) {
            self::assertStringNotContainsString('<script', $output);
            self::assertStringNotContainsString('<svg onload', $output, 'the usage chart is the only <svg>');
            self::assertStringNotContainsString('<img', $output);
        }
        self::assertStringContainsString(htmlspecialchars(self::XSS_PACKAGE, ENT_QUOTES), $html);
        self::assertStringContainsString(htmlspecialchars(self::XSS_PACKAGE, ENT_QUOTES), $admin);
    }

    /** @testdox A hostile service username and last error are escaped in ClientArea and AdminServicesTabFields */
    #[\PHPUnit\Framework\Attributes\TestDox('A hostile service username and last error are escaped in ClientArea and AdminServicesTabFields')]
    public function testAHostileUsernameAndLastErrorAreEscaped(): void
    {
        $service = $this->service($this->product(), $this->client(), ['username' => '<script>alert(9)</script>']);
        (new \WHMCS\Module\Server\Aflexi\PublisherRecords())->save($service, [
            'username' => '<b>bold</b>', 'status' => '<i>x</i>', 'last_error' => '<iframe src="javascript:alert(1)">',
        ]);

        $html = $this->clientAreaHtml($service);
        $admin = aflexi_AdminServicesTabFields(Params::forService($service));

        self::assertStringContainsString('&lt;script&gt;alert(9)&lt;/script&gt;', $html);
        self::assertStringNotContainsString('<script', $html);
        $all = implode("\n", $admin);
        self::assertStringContainsString('&lt;iframe src=&quot;javascript:alert(1)&quot;&gt;', $all);
        self::assertStringNotContainsString('<iframe', $all);
        self::assertStringNotContainsString('<b>bold', $all);
        self::assertStringNotContainsString('<i>x', $all);
    }

    /** @testdox A portal URL that is not http(s) is never rendered as a link */
    #[\PHPUnit\Framework\Attributes\TestDox('A portal URL that is not http(s) is never rendered as a link')]
    public function testAPortalUrlThatIsNotHttpIsNotRendered(): void
    {
        $this->sandbox->theme('javascript:alert(document.cookie)//', '', $this->operatorLogin);
        $service = $this->service($this->product(), $this->client(['email' => 'portal@example.com']));
        $this->assertActionSucceeds('Create', $service);

        $html = $this->clientAreaHtml($service);

        self::assertStringNotContainsString('javascript:', $html);
        self::assertStringContainsString('not available right now', $html);
    }

    /**
     * @testdox Accents, CJK and symbols in names and e-mail addresses survive; the username stays plain
     *
     * Characters of up to three bytes: what WHMCS's utf8 tables hold (an emoji never reaches the
     * module from them: docs/WHMCS-FIDELITY.md, FidelityTest).
     */
    #[\PHPUnit\Framework\Attributes\TestDox('Accents, CJK and symbols in names and e-mail addresses survive; the username stays plain')]
    public function testAccentsAndSymbolsSurvive(): void
    {
        $client = $this->client(['firstname' => 'José ☃', 'lastname' => 'Müller-Łukasz 山田', 'email' => 'josé.müller@exämple.com']);
        $service = $this->service($this->product('CDN Ünïcode ☃', ''), $client);

        $this->assertActionSucceeds('Create', $service);

        $username = (string) $this->hosting($service)->username;
        self::assertMatchesRegularExpression('/^[a-z0-9._-]+$/', $username);
        self::assertStringEndsWith("_$service", $username);
        $user = $this->publisher($username);
        self::assertSame('José ☃ Müller-Łukasz 山田', $user['name']);
        self::assertSame('josé.müller@exämple.com', $user['email']);
        self::assertSame('CDN Ünïcode ☃', $this->packageOf($this->linkOf($username)));
        self::assertStringContainsString('CDN Ünïcode ☃', $this->clientAreaHtml($service));
    }

    /** @testdox A name WHMCS stored HTML-encoded reaches Aflexi decoded */
    #[\PHPUnit\Framework\Attributes\TestDox('A name WHMCS stored HTML-encoded reaches Aflexi decoded')]
    public function testAnHtmlEncodedNameReachesAflexiDecoded(): void
    {
        $client = $this->client(['firstname' => 'Seán', 'lastname' => 'O&#039;Brien &amp; Sons', 'email' => 'sean@example.com']);
        $service = $this->service($this->product(), $client);

        $this->assertActionSucceeds('Create', $service);

        self::assertSame("Seán O'Brien & Sons", $this->publisher("sean_example.com_$service")['name']);
    }

    /** @testdox A 1 MB client name neither breaks Create nor bloats the module log */
    #[\PHPUnit\Framework\Attributes\TestDox('A 1 MB client name neither breaks Create nor bloats the module log')]
    public function testAOneMegabyteNameIsHandled(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'huge@example.com']));
        $params = Params::forService($service);
        $params['clientsdetails']['firstname'] = str_repeat('Ä', 512 * 1024); // 1 MiB of UTF-8
        $params['clientsdetails']['lastname'] = '';

        $result = aflexi_CreateAccount($params);

        self::assertTrue($result === 'success' || str_starts_with($result, 'Aflexi CDN: '), "a clear outcome: $result");
        self::assertLessThan(10_000, strlen($result));
        foreach (Capsule::table('tblmodulelog')->get() as $row) {
            self::assertLessThan(65_535, strlen($row->request), 'fits a TEXT column');
            self::assertLessThan(65_535, strlen($row->arrdata));
        }
        $record = Capsule::table(Schema::PUBLISHERS)->where('service_id', $service)->first();
        self::assertNotNull($record, 'recorded either way');
    }

    /** @testdox Hostile e-mail addresses make plain usernames */
    #[\PHPUnit\Framework\Attributes\TestDox('Hostile e-mail addresses make plain usernames')]
    public function testHostileEmailAddressesMakePlainUsernames(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => "o'neil+<tag>@evil.example"]));

        $this->assertActionSucceeds('Create', $service);

        self::assertMatchesRegularExpression('/^[a-z0-9._-]+_' . $service . '$/', (string) $this->hosting($service)->username);
        self::assertSame([], array_filter(Whmcs::activityLog(), static fn (string $l): bool => str_contains($l, 'Failed')));
    }

    /** The client area of a service as HTML, rendered with Smarty from the module's template. */
    private function clientAreaHtml(int $serviceId): string
    {
        $output = aflexi_ClientArea(Params::forService($serviceId));
        self::assertArrayHasKey('tabOverviewModuleOutputTemplate', $output);
        return Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);
    }
}

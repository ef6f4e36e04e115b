<?php
/**
 * The welcome e-mail is HTML and WHMCS does not escape merge fields: the portal URL must be an
 * http(s) URL (ServiceView::safeUrl, the client area's rule) and every field we supply must be
 * HTML-escaped, whatever Aflexi or the service record holds.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiModuleTests\Support\Smarty;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\WelcomeTemplate;
use WhmcsHarness\Crypto;
use WhmcsHarness\Params;
use WhmcsHarness\Whmcs;

final class WelcomeMailTest extends ModuleTestCase
{
    /** @return array<string, array{0: string}> */
    public static function hostilePortalUrls(): array
    {
        return [
            'javascript: scheme' => ['javascript:alert(1)'],
            'attribute break-out' => ['https://x/"><img src=x onerror=alert(1)>'],
            'data: scheme' => ['data:text/html,<script>alert(1)</script>'],
        ];
    }

    /**
     * @dataProvider hostilePortalUrls
     * @testdox A hostile portal URL from Aflexi never becomes a live link or markup in the welcome mail
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('hostilePortalUrls')]
    #[\PHPUnit\Framework\Attributes\TestDox('A hostile portal URL from Aflexi never becomes a live link or markup in the welcome mail')]
    public function testAHostilePortalUrlIsNotInTheMail(string $url): void
    {
        $this->sandbox->theme($url, 'evil', $this->operatorLogin);
        $service = $this->service($this->product(), $this->client(['email' => 'mail-url@example.com']));
        $this->assertActionSucceeds('Create', $service);

        $mail = $this->welcomeMail($service);

        self::assertStringNotContainsString('javascript:', $mail);
        self::assertStringNotContainsString('<img', $mail);
        self::assertStringNotContainsString('<script', $mail);
        self::assertStringNotContainsString('onerror=alert(1)>', $mail);
        self::assertStringContainsString('Portal: <a href=""></a>', $mail, 'an unsafe URL is left out');
    }

    /**
     * @dataProvider hostilePortalUrls
     * @testdox The same hostile portal URL gives no link in the client area either (one rule)
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('hostilePortalUrls')]
    #[\PHPUnit\Framework\Attributes\TestDox('The same hostile portal URL gives no link in the client area either (one rule)')]
    public function testAHostilePortalUrlIsNotInTheClientArea(string $url): void
    {
        $this->sandbox->theme($url, 'evil', $this->operatorLogin);
        $service = $this->service($this->product(), $this->client(['email' => 'area-url@example.com']));
        $this->assertActionSucceeds('Create', $service);

        $output = aflexi_ClientArea(Params::forService($service));
        $html = Smarty::render(ROOTDIR . '/modules/servers/aflexi/' . $output['tabOverviewModuleOutputTemplate'], $output['templateVariables']);

        self::assertStringNotContainsString('javascript:', $html);
        self::assertStringNotContainsString('<img', $html);
        self::assertStringNotContainsString('<script', $html);
        self::assertSame('', $output['templateVariables']['aflexiPortalUrl']);
    }

    /** @testdox A safe portal URL is kept (escaped), and markup in the password or username is shown as text */
    #[\PHPUnit\Framework\Attributes\TestDox('A safe portal URL is kept (escaped), and markup in the password or username is shown as text')]
    public function testFieldsAreEscaped(): void
    {
        $this->sandbox->theme('https://portal.example/?a=1&b=2', 'fine', $this->operatorLogin);
        $service = $this->service($this->product(), $this->client(['email' => 'mail-pw@example.com']));
        $this->assertActionSucceeds('Create', $service);
        Capsule::table('tblhosting')->where('id', $service)->update(['password' => Crypto::encrypt('P<b>w"&\'1</b>')]);

        $fields = run_hook('EmailPreSend', ['messagename' => WelcomeTemplate::NAME, 'relid' => $service, 'mergefields' => []])[0];

        self::assertSame('https://portal.example/?a=1&amp;b=2', $fields['aflexi_portal_url']);
        self::assertSame('P&lt;b&gt;w&quot;&amp;&#039;1&lt;/b&gt;', $fields['service_password']);
    }

    private function welcomeMail(int $serviceId): string
    {
        foreach (Whmcs::emails(WelcomeTemplate::NAME) as $email) {
            if ((int) $email['relid'] === $serviceId) {
                return (string) $email['message'];
            }
        }
        self::fail('no welcome mail was sent for the service');
    }
}

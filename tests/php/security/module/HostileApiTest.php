<?php
/**
 * The server module against a hostile fake Aflexi API (tests/php/security/support): redirects
 * to a capture server on another loopback port, faults that echo the request (and with it the
 * auth key, XML-escaped), HTML in faults, answers too large or too deep. Nothing secret may
 * leave, no redirect may be followed, and every failure is a clear message.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use AflexiSecurityTests\Support\HostileApi;
use AflexiSecurityTests\Support\Leaks;
use WHMCS\Database\Capsule;
use WhmcsHarness\Fixtures;
use WhmcsHarness\Params;

final class HostileApiTest extends ModuleTestCase
{
    /** An auth key with every character that escaping changes. */
    private const KEY = "K&e'y<\"/>Z9-hostile";

    private HostileApi $hostile;
    private HostileApi $capture;
    private int $hostileServer;

    protected function setUp(): void
    {
        parent::setUp();
        $this->hostile = new HostileApi();
        $this->capture = new HostileApi();
        $this->hostileServer = Fixtures::server([
            'name' => 'hostile', 'hostname' => $this->hostile->hostPort(), 'secure' => '',
            'username' => 'operator', 'password' => self::KEY,
        ]);
    }

    protected function tearDown(): void
    {
        $this->hostile->stop();
        $this->capture->stop();
        parent::tearDown();
    }

    /** @testdox A redirect (301, 302, 307, 308) is reported with its target and never followed: the capture server receives nothing */
    #[\PHPUnit\Framework\Attributes\TestDox('A redirect (301, 302, 307, 308) is reported with its target and never followed: the capture server receives nothing')]
    public function testRedirectsAreReportedAndNotFollowed(): void
    {
        foreach ([301, 302, 307, 308] as $status) {
            $this->hostile->answer(['answer' => 'redirect', 'status' => $status, 'location' => $this->capture->coreUrl()]);

            $result = aflexi_TestConnection(Params::forServer($this->hostileServer));

            self::assertFalse($result['success'], "HTTP $status");
            self::assertStringContainsString('redirects to ' . $this->capture->coreUrl(), $result['error'], "HTTP $status");
            self::assertSame('', $this->capture->received(), "HTTP $status: the capture server was contacted");
        }
        self::assertSame([], Leaks::in($this->storedLogText(), self::KEY));
    }

    /** @testdox A fault that echoes the request (the key XML-escaped) shows the key in no encoding: not in the message, not in any log */
    #[\PHPUnit\Framework\Attributes\TestDox('A fault that echoes the request (the key XML-escaped) shows the key in no encoding: not in the message, not in any log')]
    public function testAnEchoedKeyIsMaskedInEveryEncoding(): void
    {
        $this->hostile->answer(['answer' => 'echo-fault']);

        $result = aflexi_TestConnection(Params::forServer($this->hostileServer));

        self::assertFalse($result['success']);
        self::assertStringContainsString(htmlspecialchars(self::KEY, ENT_NOQUOTES), $this->hostile->received(), 'the key was sent (XML-escaped) and so echoed');
        self::assertSame([], Leaks::in($result['error'], self::KEY), $result['error']);
        self::assertSame([], Leaks::in($this->storedLogText(), self::KEY));
    }

    /** @testdox HTML in a fault reaches the admin tab and the client area as text, never as markup */
    #[\PHPUnit\Framework\Attributes\TestDox('HTML in a fault reaches the admin tab and the client area as text, never as markup')]
    public function testHtmlInAFaultIsNeverMarkup(): void
    {
        $product = $this->product('CDN Gold', 'gold');
        $service = $this->service($product, $this->client(['email' => 'html-fault@example.com']), ['server' => $this->hostileServer]);
        $this->hostile->answer(['answer' => 'html-fault']);

        $create = aflexi_CreateAccount(Params::forService($service));
        $admin = implode("\n", aflexi_AdminServicesTabFields(Params::forService($service)));

        self::assertNotSame('success', $create);
        foreach (['<script', '<img', 'href="javascript:'] as $markup) {
            self::assertStringNotContainsString($markup, $admin, 'admin service tab');
        }
        self::assertSame([], Leaks::in($create . $admin . $this->storedLogText(), self::KEY));
    }

    /** @testdox An answer past the 16 MB limit and one nested 100,000 deep are refused with a clear error, not a crash */
    #[\PHPUnit\Framework\Attributes\TestDox('An answer past the 16 MB limit and one nested 100,000 deep are refused with a clear error, not a crash')]
    public function testHugeAndDeepAnswersAreRefused(): void
    {
        $this->hostile->answer(['answer' => 'huge']);
        $huge = aflexi_TestConnection(Params::forServer($this->hostileServer));
        self::assertFalse($huge['success']);
        self::assertStringContainsString('limit', $huge['error']);

        $this->hostile->answer(['answer' => 'deep']);
        $deep = aflexi_TestConnection(Params::forServer($this->hostileServer));
        self::assertFalse($deep['success']);
        self::assertNotSame('', $deep['error']);
        self::assertSame([], Leaks::in($huge['error'] . $deep['error'] . $this->storedLogText(), self::KEY));
    }

    /** @testdox A key only the core's rule masks in XML form is masked by the module's Secrets too (one rule, from the extension) */
    #[\PHPUnit\Framework\Attributes\TestDox('A key only the core\'s rule masks in XML form is masked by the module\'s Secrets too (one rule, from the extension)')]
    public function testTheModulesMaskingUsesTheCoresSpellings(): void
    {
        $secrets = new \WHMCS\Module\Server\Aflexi\Secrets();
        $secrets->add(self::KEY);

        $masked = $secrets->scrub('fault: <string>' . htmlspecialchars(self::KEY, ENT_NOQUOTES) . '</string> url=' . rawurlencode(self::KEY));

        self::assertSame([], Leaks::in($masked, self::KEY), $masked);
        self::assertSame(\Aflexi\secret_spellings(self::KEY), array_values(array_intersect($secrets->replaceVars(), \Aflexi\secret_spellings(self::KEY))));
    }
}

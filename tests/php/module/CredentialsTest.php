<?php
/**
 * Credentials and usernames as WHMCS hands them over: the auth key from
 * $params (serverpassword decrypted by WHMCS, serveraccesshash as stored), no reliance on
 * decrypt() of a value that was never encrypted (WHMCS returns garbage, the stand-in too), and
 * CreateAccount under each of WHMCS's username generations (the module keeps WHMCS's default
 * AutoGenerateUsernameAndPassword: the WHMCS username is the seed, else the client's e-mail).
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Connection;
use WHMCS\Module\Server\Aflexi\ModuleError;
use WhmcsHarness\Config;
use WhmcsHarness\Fixtures;

final class CredentialsTest extends ModuleTestCase
{
    /** @testdox An access hash stored as entered is the auth key, used as stored */
    #[\PHPUnit\Framework\Attributes\TestDox('An access hash stored as entered is the auth key, used as stored')]
    public function testAPlainAccessHashIsTheAuthKey(): void
    {
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['password' => '', 'accesshash' => $this->authKey]);
        $service = $this->service($this->product(), $this->client(['email' => 'hash@example.com']));

        $this->assertActionSucceeds('Create', $service);
        self::assertSame('ACTIVE', $this->linkOf("hash_example.com_$service")['status']);
    }

    /** @testdox A long server password stored unencrypted (WHMCS decrypts it to garbage) is a clear error, with no API call */
    #[\PHPUnit\Framework\Attributes\TestDox('A long server password stored unencrypted (WHMCS decrypts it to garbage) is a clear error, with no API call')]
    public function testALongPasswordStoredPlainIsAClearError(): void
    {
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['password' => 'Plain-' . str_repeat('k', 40), 'accesshash' => '']);
        $service = $this->service($this->product(), $this->client(['email' => 'plain@example.com']));
        $before = $this->sandbox->totalCalls();

        $message = $this->actionError('Create', $service);

        self::assertStringContainsString("the password of server record #{$this->serverId} cannot be used", $message);
        self::assertStringContainsString('Password field', $message);
        self::assertSame($before, $this->sandbox->totalCalls(), 'no call with a garbage key');
        $this->assertHooksPathRefuses();
    }

    /** @testdox A short server password stored unencrypted (WHMCS decrypts it to nothing) is a clear error too */
    #[\PHPUnit\Framework\Attributes\TestDox('A short server password stored unencrypted (WHMCS decrypts it to nothing) is a clear error too')]
    public function testAShortPasswordStoredPlainIsAClearError(): void
    {
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['password' => 'short-plain-key', 'accesshash' => '']);
        $service = $this->service($this->product(), $this->client(['email' => 'short@example.com']));

        // $params carries '' (all WHMCS has): the module asks for the key to be entered.
        self::assertStringContainsString('no password or access hash', $this->actionError('Create', $service));
        $this->assertHooksPathRefuses();
    }

    /** Hooks and the addon read tblservers themselves: they see the stored value and say what is wrong. */
    private function assertHooksPathRefuses(): void
    {
        try {
            Connection::fromServerId($this->serverId);
            self::fail('a password WHMCS cannot decrypt was accepted');
        } catch (ModuleError $e) {
            self::assertStringContainsString('cannot be used', $e->getMessage());
        }
    }

    /** @testdox Create uses the username WHMCS makes from the domain */
    #[\PHPUnit\Framework\Attributes\TestDox('Create uses the username WHMCS makes from the domain')]
    public function testCreateUsesTheUsernameWhmcsMakesFromTheDomain(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'dom@example.com']), ['domain' => 'cdn.shop-example.com', 'password' => '']);

        $this->assertActionSucceeds('Create', $service);

        $this->assertCreatedAs($service, \Aflexi\username_for_service('cdnshope', 'dom@example.com', $service));
    }

    /** @testdox Create uses WHMCS's numbered username when the domain's is taken */
    #[\PHPUnit\Framework\Attributes\TestDox('Create uses WHMCS\'s numbered username when the domain\'s is taken')]
    public function testCreateUsesTheNumberedUsernameOnACollision(): void
    {
        Fixtures::service(['username' => 'cdnshope']);
        $service = $this->service($this->product(), $this->client(['email' => 'dom2@example.com']), ['domain' => 'cdn.shop-example.com']);

        $this->assertActionSucceeds('Create', $service);

        $this->assertCreatedAs($service, \Aflexi\username_for_service('cdnshop1', 'dom2@example.com', $service));
    }

    /** @testdox Create uses WHMCS's 8 random letters with "Enable Random Usernames" on */
    #[\PHPUnit\Framework\Attributes\TestDox('Create uses WHMCS\'s 8 random letters with "Enable Random Usernames" on')]
    public function testCreateUsesARandomUsername(): void
    {
        Config::set('GenerateRandomUsername', 'on');
        $service = $this->service($this->product(), $this->client(['email' => 'rnd@example.com']), ['domain' => 'cdn.shop-example.com']);

        $this->assertActionSucceeds('Create', $service);

        $username = (string) $this->hosting($service)->username;
        self::assertMatchesRegularExpression('/^[a-z]{8}_' . $service . '$/', $username);
        self::assertNotNull($this->publisher($username));
    }

    /** @testdox Without a domain (random usernames off) WHMCS gives none and the e-mail makes it */
    #[\PHPUnit\Framework\Attributes\TestDox('Without a domain (random usernames off) WHMCS gives none and the e-mail makes it')]
    public function testCreateWithoutADomainUsesTheEmail(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'nodomain@example.com']), ['domain' => '']);

        $this->assertActionSucceeds('Create', $service);

        $this->assertCreatedAs($service, "nodomain_example.com_$service");
    }

    private function assertCreatedAs(int $service, string $username): void
    {
        self::assertSame($username, (string) $this->hosting($service)->username, 'written back to the service');
        self::assertSame('ACTIVE', $this->linkOf($username)['status'] ?? null);
    }
}

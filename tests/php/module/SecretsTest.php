<?php
/**
 * No secret is ever stored in the module log (tblmodulelog) or the activity log
 * (tblactivitylog): not the auth key, not the server password or access hash, not a service
 * password (given, generated or changed), not a wrong key typed by mistake. Asserted by
 * scanning every stored entry, in every common encoding. And the module log has one entry
 * per Aflexi API call, plus one for the outcome.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WhmcsHarness\Actions;
use WhmcsHarness\Crypto;
use WhmcsHarness\Params;
use WhmcsHarness\Whmcs;

final class SecretsTest extends ModuleTestCase
{
    /** @testdox No secret (auth key, service password, server password) in tblmodulelog or tblactivitylog */
    #[\PHPUnit\Framework\Attributes\TestDox('No secret (auth key, service password, server password) in tblmodulelog or tblactivitylog')]
    public function testNoSecretIsEverLogged(): void
    {
        $accessHash = 'AH-' . bin2hex(random_bytes(8)) . '-hash';
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['accesshash' => $accessHash]);
        $client = $this->client(['email' => 'secret@example.com']);
        $given = 'Given/"Pass"<1>é';
        $changed = 'Changed&Pass#2';
        $first = $this->service($this->product('CDN Gold', 'gold'), $client, ['password' => $given]);
        $second = $this->service($this->product('CDN Silver', 'silver'), $client, ['password' => '']);

        aflexi_TestConnection(Params::forServer($this->serverId));
        $this->assertActionSucceeds('Create', $first);
        self::assertSame('success', $this->callModule('CreateAccount', $second));
        $generated = Crypto::decrypt($this->hosting($second)->password);
        foreach (['Suspend', 'Unsuspend', 'ChangePackage', 'Terminate', 'Create'] as $action) {
            $this->assertActionSucceeds($action, $first);
        }
        $this->assertActionSucceeds('ChangePassword', $first, ['password' => $changed]);
        aflexi_ClientArea(Params::forService($first));
        aflexi_ListAccounts(Params::forServer($this->serverId));
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['fault']]);
        $this->actionError('Suspend', $first);
        $this->sandbox->calm();
        $wrongKey = 'WRONG-' . bin2hex(random_bytes(8));
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['password' => Crypto::encrypt($wrongKey)]);
        $this->actionError('Suspend', $second);
        Actions::closeClient($client);
        Actions::deleteClient($client);

        self::assertGreaterThan(20, Capsule::table('tblmodulelog')->count(), 'the scan covers a real log');
        $this->assertNoSecretLogged($this->authKey, $accessHash, $given, $generated, $changed, $wrongKey);
    }

    /** @testdox The module log has one entry per Aflexi API call, plus the outcome */
    #[\PHPUnit\Framework\Attributes\TestDox('The module log has one entry per Aflexi API call, plus the outcome')]
    public function testOneModuleLogEntryPerApiCall(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'log@example.com']));
        $this->assertActionSucceeds('Create', $service);
        $before = count(Whmcs::moduleLog('SuspendAccount'));

        $calls = $this->apiCallsDuring(fn () => $this->assertActionSucceeds('Suspend', $service));

        $entries = array_slice(Whmcs::moduleLog('SuspendAccount'), $before);
        self::assertCount($calls + 1, $entries);
        self::assertStringContainsString('publisherLink.get', $entries[0]['request_text']);
        self::assertStringContainsString('publisherLink.update', $entries[1]['request_text']);
        self::assertStringContainsString('"outcome": "ok"', $entries[1]['response_text']);
        self::assertSame('success', end($entries)['response_text']);
        self::assertStringContainsString('"api_calls": ' . $calls, end($entries)['processed_text']);
        foreach ($entries as $entry) {
            self::assertSame('aflexi', $entry['module']);
        }
    }

    /** @testdox A failure's module log entry carries the admin message and the exception */
    #[\PHPUnit\Framework\Attributes\TestDox('A failure\'s module log entry carries the admin message and the exception')]
    public function testAFailureIsLoggedWithItsMessage(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'faillog@example.com']));
        $this->assertActionSucceeds('Create', $service);
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['fault']]);

        $message = $this->actionError('Suspend', $service);

        $last = array_slice(Whmcs::moduleLog('SuspendAccount'), -1)[0];
        self::assertSame($message, $last['response_text']);
        self::assertStringContainsString('Aflexi\\\\FaultException', $last['processed_text']);
        self::assertStringContainsString('"outcome": "Aflexi API fault 500', implode("\n", array_column(Whmcs::moduleLog('SuspendAccount'), 'response_text')));
    }
}

<?php
/**
 * When things go wrong the module answers with a message an administrator can act on, within
 * bounded time, leaves nothing half-done unrecorded, and hooks never break the WHMCS page:
 * wrong credentials, an account that is not an operator, the API down (closed port), slow
 * (latency beyond the timeout) or faulting (fault injection), an incomplete server record.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\PublisherRecords;
use WhmcsHarness\Actions;
use WhmcsHarness\Crypto;
use WhmcsHarness\Params;
use WhmcsHarness\Whmcs;

final class FailureTest extends ModuleTestCase
{
    /** @testdox Test Connection with the right credentials succeeds and remembers the operator id */
    #[\PHPUnit\Framework\Attributes\TestDox('Test Connection with the right credentials succeeds and remembers the operator id')]
    public function testTestConnectionWithTheRightCredentialsSucceeds(): void
    {
        $result = aflexi_TestConnection(Params::forServer($this->serverId));

        self::assertSame(['success' => true, 'error' => ''], $result);
        self::assertSame($this->operatorId, (int) Capsule::table('mod_aflexi_servers')->where('server_id', $this->serverId)->value('operator_id'));
    }

    /** @testdox Wrong credentials: Test Connection says the credentials were refused and where to fix them */
    #[\PHPUnit\Framework\Attributes\TestDox('Wrong credentials: Test Connection says the credentials were refused and where to fix them')]
    public function testWrongCredentialsAreReportedByTestConnection(): void
    {
        $this->setServer(['password' => Crypto::encrypt('not-the-key')]);

        $result = aflexi_TestConnection(Params::forServer($this->serverId));

        self::assertFalse($result['success']);
        self::assertStringContainsString('did not accept the operator credentials', $result['error']);
        self::assertStringContainsString("'{$this->operatorLogin}'", $result['error']);
        self::assertStringContainsString('server record', $result['error']);
    }

    /** @testdox Wrong credentials: Create fails with the reason and creates nothing */
    #[\PHPUnit\Framework\Attributes\TestDox('Wrong credentials: Create fails with the reason and creates nothing')]
    public function testWrongCredentialsFailCreate(): void
    {
        $this->setServer(['password' => Crypto::encrypt('not-the-key')]);
        $service = $this->service($this->product(), $this->client());

        $message = $this->actionError('Create', $service);

        self::assertStringContainsString('did not accept the operator credentials', $message);
        self::assertSame([], $this->sandbox->linksOf($this->operatorId));
        self::assertSame($message, $this->record($service)->last_error);
        self::assertSame(PublisherRecords::PENDING, $this->record($service)->status);
    }

    /** @testdox An account that is not an operator is refused, saying which role it has */
    #[\PHPUnit\Framework\Attributes\TestDox('An account that is not an operator is refused, saying which role it has')]
    public function testAnAccountThatIsNotAnOperatorIsRefused(): void
    {
        $this->aflexi()->createPublisher(['username' => 'not-an-operator', 'email' => 'p@example.com', 'name' => 'P', 'password' => 'Publisher-Pass-1', 'package' => 'gold']);
        $this->setServer(['username' => "not-an-operator/{$this->operatorId}", 'password' => Crypto::encrypt('Publisher-Pass-1')]);

        $result = aflexi_TestConnection(Params::forServer($this->serverId));

        self::assertFalse($result['success']);
        self::assertStringContainsString('PUBLISHER', $result['error']);
        self::assertStringContainsString('OPERATOR', $result['error']);
    }

    /** @testdox The access hash is used as the auth key when the password is empty */
    #[\PHPUnit\Framework\Attributes\TestDox('The access hash is used as the auth key when the password is empty')]
    public function testTheAccessHashIsTheAuthKeyWhenThePasswordIsEmpty(): void
    {
        $this->setServer(['password' => '', 'accesshash' => "  {$this->authKey}\n"]);

        self::assertSame(['success' => true, 'error' => ''], aflexi_TestConnection(Params::forServer($this->serverId)));
    }

    /** @testdox A server record without hostname, username or key gets a message naming the field */
    #[\PHPUnit\Framework\Attributes\TestDox('A server record without hostname, username or key gets a message naming the field')]
    public function testAnIncompleteServerRecordIsNamed(): void
    {
        $this->setServer(['hostname' => '', 'ipaddress' => '']);
        self::assertStringContainsString('no hostname or IP address', aflexi_TestConnection(Params::forServer($this->serverId))['error']);
        $this->setServer(['hostname' => $this->sandbox->hostPort(), 'username' => '']);
        self::assertStringContainsString('no username', aflexi_TestConnection(Params::forServer($this->serverId))['error']);
        $this->setServer(['username' => $this->operatorLogin, 'password' => '', 'accesshash' => '']);
        self::assertStringContainsString('no password or access hash', aflexi_TestConnection(Params::forServer($this->serverId))['error']);
    }

    /** @testdox API down (a closed port): a clear message, told apart from a timeout */
    #[\PHPUnit\Framework\Attributes\TestDox('API down (a closed port): a clear message, told apart from a timeout')]
    public function testApiDownGivesAClearMessage(): void
    {
        $this->setServer(['hostname' => '127.0.0.1:' . self::closedPort()]);
        $service = $this->service($this->product(), $this->client(), ['domainstatus' => 'Active']);

        $test = aflexi_TestConnection(Params::forServer($this->serverId));
        $create = $this->actionError('Create', $service);

        self::assertFalse($test['success']);
        foreach ([$test['error'], $create] as $message) {
            self::assertStringContainsString('could not be reached', $message);
            self::assertStringContainsString('hostname', $message, 'says what to check');
            self::assertStringNotContainsString('did not answer in time', $message, 'a refused connection is not a timeout');
        }
    }

    /** @testdox API slow (latency beyond the timeout): "did not answer in time", and repeating Create is safe */
    #[\PHPUnit\Framework\Attributes\TestDox('API slow (latency beyond the timeout): "did not answer in time", and repeating Create is safe')]
    public function testApiSlowBeyondTheTimeoutGivesAClearMessage(): void
    {
        ini_set('aflexi.timeout', '1');
        ini_set('aflexi.operation_timeout', '3');
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => 'slow@example.com']));
        $this->assertSame(['success' => true, 'error' => ''], aflexi_TestConnection(Params::forServer($this->serverId)));
        $this->sandbox->configure(['latency_ms' => 600000]); // every call held until calm() releases it

        $message = $this->actionError('Create', $service);

        self::assertStringContainsString('did not answer in time', $message);
        self::assertStringContainsString('aflexi.timeout', $message);
        self::assertSame('Pending', $this->hosting($service)->domainstatus);

        $this->sandbox->calm();
        $this->sandbox->idle(); // the calls Create gave up on, released, still run on the sandbox: let them finish
        $this->assertActionSucceeds('Create', $service);
        self::assertCount(1, $this->sandbox->linksOf($this->operatorId), 'never created twice');
        self::assertSame('ACTIVE', $this->linkOf("slow_example.com_$service")['status']);
    }

    /** @testdox API faulting (fault injection): the fault is reported, with what to check */
    #[\PHPUnit\Framework\Attributes\TestDox('API faulting (fault injection): the fault is reported, with what to check')]
    public function testApiFaultingIsReported(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'fault@example.com']));
        $this->assertActionSucceeds('Create', $service);
        $this->sandbox->configure(['fault_rate' => 1.0, 'fault_kinds' => ['fault']]);

        $message = $this->actionError('Suspend', $service);

        self::assertStringContainsString('refused the request (fault 500', $message);
        // The API's own text goes to the module log only, never into what WHMCS shows.
        self::assertStringNotContainsString('injected internal error', $message);
        self::assertStringContainsString('injected internal error', (string) json_encode(Whmcs::moduleLog('SuspendAccount')));
        self::assertSame($message, $this->record($service)->last_error);
        self::assertSame(PublisherRecords::ACTIVE, $this->record($service)->status);
    }

    /** @testdox API failing now and then (lost answers, resets, HTTP 500): retried actions converge, nothing doubles */
    #[\PHPUnit\Framework\Attributes\TestDox('API failing now and then (lost answers, resets, HTTP 500): retried actions converge, nothing doubles')]
    public function testTransientFailuresConvergeWithoutDuplicates(): void
    {
        $client = $this->client(['email' => 'flaky@example.com']);
        $services = [$this->service($this->product('CDN Gold', 'gold'), $client), $this->service($this->product('CDN Silver', 'silver'), $client)];
        $this->sandbox->configure(['fault_rate' => 0.35, 'fault_kinds' => ['http500', 'reset', 'malformed'], 'seed' => 7]);

        foreach ($services as $service) {
            foreach (['Create', 'Suspend', 'Unsuspend', 'Suspend'] as $action) {
                $this->retryUntilSuccess($action, $service);
            }
        }
        $this->sandbox->calm();

        self::assertCount(2, $this->sandbox->linksOf($this->operatorId));
        foreach ($services as $service) {
            self::assertSame('SUSPENDED', $this->linkOf("flaky_example.com_$service")['status']);
            self::assertSame(PublisherRecords::SUSPENDED, $this->record($service)->status);
        }
    }

    /** @testdox Hooks never break the WHMCS page: with the API down, closing a client logs and carries on */
    #[\PHPUnit\Framework\Attributes\TestDox('Hooks never break the WHMCS page: with the API down, closing a client logs and carries on')]
    public function testHooksNeverBreakTheWhmcsPage(): void
    {
        $client = $this->client(['email' => 'hookdown@example.com']);
        $service = $this->service($this->product(), $client);
        $this->assertActionSucceeds('Create', $service);
        $this->setServer(['hostname' => '127.0.0.1:' . self::closedPort()]);

        Actions::closeClient($client);
        Actions::deleteClient($client);

        $activity = implode("\n", Whmcs::activityLog());
        self::assertStringContainsString('could not be reached', $activity);
        self::assertStringContainsString("service #$service", $activity);
        self::assertNotEmpty(Whmcs::moduleLog('ClientClose'));
        self::assertSame('ACTIVE', $this->linkOf("hookdown_example.com_$service")['status'], 'nothing happened on Aflexi');
        self::assertStringContainsString('could not be reached', (string) $this->record($service)->last_error);
    }

    private function retryUntilSuccess(string $action, int $service): void
    {
        for ($try = 1; $try <= 12; $try++) {
            if ($this->runAction($action, $service)['result'] === 'success') {
                return;
            }
        }
        self::fail("$action of service #$service did not succeed in 12 tries");
    }

    /** @param array<string, mixed> $columns */
    private function setServer(array $columns): void
    {
        Capsule::table('tblservers')->where('id', $this->serverId)->update($columns);
    }

    /** A loopback port nothing listens on. */
    private static function closedPort(): int
    {
        $socket = stream_socket_server('tcp://127.0.0.1:0');
        $port = (int) substr((string) strrchr((string) stream_socket_get_name($socket, false), ':'), 1);
        fclose($socket);
        return $port;
    }
}

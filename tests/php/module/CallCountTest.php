<?php
/**
 * How many Aflexi API calls each module function makes once the operator id is remembered:
 * at most 2 for Suspend, Unsuspend, Terminate, Change Package (package seen before by the PHP
 * process) and Change Password — against 6 for the original plugin, which listed every
 * package and every publisher on every call (bench-calls.php measures both at 1,000 and
 * 10,000 publishers).
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Schema;
use WhmcsHarness\Params;

final class CallCountTest extends ModuleTestCase
{
    /** @testdox With the operator remembered, each action on an account costs at most 2 API calls */
    #[\PHPUnit\Framework\Attributes\TestDox('With the operator remembered, each action on an account costs at most 2 API calls')]
    public function testEachActionCostsAtMostTwoApiCalls(): void
    {
        $gold = $this->product('CDN Gold', 'gold');
        $silver = $this->product('CDN Silver', 'silver');
        $client = $this->client(['email' => 'count@example.com']);
        $warmup = $this->service($silver, $client);
        $service = $this->service($gold, $client);
        aflexi_TestConnection(Params::forServer($this->serverId));
        $this->assertActionSucceeds('Create', $warmup); // 'silver' is now known to this PHP process

        $counts = [
            'Create (package new to the process)' => $this->apiCallsDuring(fn () => $this->assertActionSucceeds('Create', $service)),
            'Suspend' => $this->apiCallsDuring(fn () => $this->assertActionSucceeds('Suspend', $service)),
            'Unsuspend' => $this->apiCallsDuring(fn () => $this->assertActionSucceeds('Unsuspend', $service)),
            'ChangePassword' => $this->apiCallsDuring(fn () => $this->assertActionSucceeds('ChangePassword', $service, ['password' => 'Count-Pass-77'])),
            'ChangePackage' => $this->apiCallsDuring(function () use ($service, $silver): void {
                Capsule::table('tblhosting')->where('id', $service)->update(['packageid' => $silver]);
                $this->assertActionSucceeds('ChangePackage', $service);
            }),
            'Terminate' => $this->apiCallsDuring(fn () => $this->assertActionSucceeds('Terminate', $service)),
        ];

        self::assertLessThanOrEqual(3, $counts['Create (package new to the process)'], 'find/create the package, then user.create');
        foreach (['Suspend', 'Unsuspend', 'ChangePassword', 'ChangePackage', 'Terminate'] as $action) {
            self::assertLessThanOrEqual(2, $counts[$action], "$action: " . json_encode($counts));
        }
        self::assertSame('silver', $this->record($service)->package);
    }

    /** @testdox The remembered operator id is what the module uses (it saves the identity lookup) */
    #[\PHPUnit\Framework\Attributes\TestDox('The remembered operator id is what the module uses (it saves the identity lookup)')]
    public function testTheRememberedOperatorIdIsUsed(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'opid@example.com']));
        $this->assertActionSucceeds('Create', $service);
        $row = Capsule::table(Schema::SERVERS)->where('server_id', $this->serverId)->first();
        self::assertSame($this->operatorId, (int) $row->operator_id, 'remembered after the first successful call');

        // A wrong remembered id is believed as long as the server record is unchanged...
        Capsule::table(Schema::SERVERS)->where('server_id', $this->serverId)->update(['operator_id' => 987654]);
        $message = $this->actionError('Suspend', $service);
        self::assertStringContainsString('not found on Aflexi', $message);

        // ...and forgotten when the record's endpoint or login changes (here: the operator's
        // e-mail address as the login, which Aflexi accepts too).
        Capsule::table('tblservers')->where('id', $this->serverId)->update(['username' => "{$this->operatorLogin}@operators.sandbox.test"]);
        self::assertSame('success', $this->callModule('Resync', $service));
        $this->assertActionSucceeds('Suspend', $service);
        self::assertSame($this->operatorId, (int) Capsule::table(Schema::SERVERS)->where('server_id', $this->serverId)->value('operator_id'));
    }
}

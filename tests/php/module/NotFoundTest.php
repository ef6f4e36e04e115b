<?php
/**
 * "Not found on Aflexi" is an error an administrator can act on, never a silent success (the
 * original plugin's bug, docs/AFLEXI-API.md#bug-silent-no-ops) — except Terminate, where gone is done. Operations
 * act on the recorded publisher id; a service without a record is looked up once by the
 * username rule and recorded.
 */

declare(strict_types=1);

use AflexiModuleTests\Support\ModuleTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\PublisherRecords;
use WHMCS\Module\Server\Aflexi\Schema;

final class NotFoundTest extends ModuleTestCase
{
    /** @return array<string, array{string, array<string, string>}> */
    public static function actionsOnALiveAccount(): array
    {
        return [
            'Suspend' => ['Suspend', []],
            'Unsuspend' => ['Unsuspend', []],
            'ChangePackage' => ['ChangePackage', []],
            'ChangePassword' => ['ChangePassword', ['password' => 'Another-Pass-9']],
        ];
    }

    /**
     * @dataProvider actionsOnALiveAccount
     * @testdox $action of an account terminated on Aflexi is an error, not a silent success
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('actionsOnALiveAccount')]
    #[\PHPUnit\Framework\Attributes\TestDox('$action of an account terminated on Aflexi is an error, not a silent success')]
    public function testActionOnAnAccountTerminatedOnAflexiIsAnError(string $action, array $options): void
    {
        $service = $this->created('gone@example.com');
        $this->aflexi()->terminate((int) $this->record($service)->publisher_id);

        $message = $this->actionError($action, $service, $options);

        self::assertStringContainsString('not found on Aflexi', $message);
        self::assertStringContainsString('Create', $message, 'says what to do');
        self::assertSame(PublisherRecords::NOT_FOUND, $this->record($service)->status);
        self::assertSame($message, $this->record($service)->last_error);
        self::assertSame('Active', $this->hosting($service)->domainstatus, 'WHMCS did not record a change that did not happen');
    }

    /**
     * @dataProvider actionsOnALiveAccount
     * @testdox $action of an account removed from Aflexi entirely is an error
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('actionsOnALiveAccount')]
    #[\PHPUnit\Framework\Attributes\TestDox('$action of an account removed from Aflexi entirely is an error')]
    public function testActionOnAnAccountRemovedFromAflexiIsAnError(string $action, array $options): void
    {
        $service = $this->created('removed@example.com');
        $this->sandbox->configure(['hard_delete' => true]);
        try {
            $this->aflexi()->terminate((int) $this->record($service)->publisher_id);
        } finally {
            $this->sandbox->configure(['hard_delete' => false]);
        }
        self::assertNull($this->linkOf("removed_example.com_$service"));

        $message = $this->actionError($action, $service, $options);

        self::assertStringContainsString('not found on Aflexi', $message);
        self::assertSame(PublisherRecords::NOT_FOUND, $this->record($service)->status);
    }

    /** @testdox Terminate of an account already gone is done */
    #[\PHPUnit\Framework\Attributes\TestDox('Terminate of an account already gone is done')]
    public function testTerminateOfAnAccountAlreadyGoneIsDone(): void
    {
        $service = $this->created('already@example.com');
        $this->aflexi()->terminate((int) $this->record($service)->publisher_id);

        $this->assertActionSucceeds('Terminate', $service);

        self::assertSame('Terminated', $this->hosting($service)->domainstatus);
        self::assertSame(PublisherRecords::DELETED, $this->record($service)->status);
    }

    /** @testdox Terminate of a service that never had an account is done */
    #[\PHPUnit\Framework\Attributes\TestDox('Terminate of a service that never had an account is done')]
    public function testTerminateOfAServiceThatNeverHadAnAccountIsDone(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'never@example.com']), ['domainstatus' => 'Active']);

        $this->assertActionSucceeds('Terminate', $service);

        self::assertSame(PublisherRecords::DELETED, $this->record($service)->status);
    }

    /** @testdox A service without a record is looked up once by the username rule and recorded */
    #[\PHPUnit\Framework\Attributes\TestDox('A service without a record is looked up once by the username rule and recorded')]
    public function testAServiceWithoutARecordIsLookedUpOnceByUsernameAndRecorded(): void
    {
        $client = $this->client(['email' => 'legacy@example.com']);
        $service = $this->service($this->product('CDN Gold', 'gold'), $client, ['domainstatus' => 'Active']);
        $created = $this->aflexi()->createPublisher([
            'username' => "legacy_example.com_$service", 'email' => 'legacy@example.com', 'name' => 'Legacy',
            'password' => 'Legacy-Pass-1', 'package' => 'gold',
        ]);
        self::assertNull($this->record($service));

        $this->assertActionSucceeds('Suspend', $service);

        $record = $this->record($service);
        self::assertSame((int) $created['publisher']['id'], (int) $record->publisher_id);
        self::assertSame(PublisherRecords::SUSPENDED, $record->status);
        self::assertSame('SUSPENDED', $this->linkOf("legacy_example.com_$service")['status']);

        $calls = $this->apiCallsDuring(fn () => $this->assertActionSucceeds('Unsuspend', $service));
        self::assertSame(2, $calls, 'the second action uses the recorded id: no lookup by username');
    }

    /** @testdox A service with neither a record nor an account on Aflexi reports not found */
    #[\PHPUnit\Framework\Attributes\TestDox('A service with neither a record nor an account on Aflexi reports not found')]
    public function testAServiceWithNeitherRecordNorAccountReportsNotFound(): void
    {
        $service = $this->service($this->product(), $this->client(['email' => 'nobody@example.com']), ['domainstatus' => 'Active']);

        $message = $this->actionError('Suspend', $service);

        self::assertStringContainsString("nobody_example.com_$service", $message);
        self::assertStringContainsString('not found on Aflexi', $message);
        self::assertSame(PublisherRecords::NOT_FOUND, $this->record($service)->status);
    }

    /** @testdox Resync re-reads the account from Aflexi and updates the record */
    #[\PHPUnit\Framework\Attributes\TestDox('Resync re-reads the account from Aflexi and updates the record')]
    public function testResyncReReadsTheAccountFromAflexi(): void
    {
        $service = $this->created('resync@example.com');
        $id = (int) $this->record($service)->publisher_id;
        $this->aflexi()->suspend($id);
        $this->aflexi()->changePackage($id, 'moved-on-aflexi');

        $result = localAPI('ModuleCustom', ['serviceid' => $service, 'func_name' => 'Resync']);

        self::assertSame('success', $result['result'], $result['message'] ?? '');
        $record = $this->record($service);
        self::assertSame(PublisherRecords::SUSPENDED, $record->status);
        self::assertSame('moved-on-aflexi', $record->package);
        self::assertNull($record->last_error);
    }

    /** @testdox Resync finds an account re-created on Aflexi under the same username */
    #[\PHPUnit\Framework\Attributes\TestDox('Resync finds an account re-created on Aflexi under the same username')]
    public function testResyncRelinksAnAccountFoundByUsername(): void
    {
        $service = $this->created('relink@example.com');
        Capsule::table(Schema::PUBLISHERS)->where('service_id', $service)->update(['publisher_id' => 999999]);

        self::assertSame('success', $this->callModule('Resync', $service));

        self::assertSame((int) $this->publisher("relink_example.com_$service")['id'], (int) $this->record($service)->publisher_id);
    }

    /** @testdox Resync reports an account not found on Aflexi */
    #[\PHPUnit\Framework\Attributes\TestDox('Resync reports an account not found on Aflexi')]
    public function testResyncReportsAnAccountNotFound(): void
    {
        $service = $this->created('lost@example.com');
        $this->sandbox->configure(['hard_delete' => true]);
        try {
            $this->aflexi()->terminate((int) $this->record($service)->publisher_id);
        } finally {
            $this->sandbox->configure(['hard_delete' => false]);
        }

        $message = $this->callModule('Resync', $service);

        self::assertStringContainsString('not found on Aflexi', $message);
        self::assertSame(PublisherRecords::NOT_FOUND, $this->record($service)->status);
    }

    private function created(string $email): int
    {
        $service = $this->service($this->product('CDN Gold', 'gold'), $this->client(['email' => $email]));
        $this->assertActionSucceeds('Create', $service);
        return $service;
    }
}

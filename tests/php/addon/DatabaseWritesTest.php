<?php
/**
 * The addon's writes as WHMCS's database takes them (docs/WHMCS-FIDELITY.md): the bulk
 * insert-or-update that illuminate 7.12 lacks, on MariaDB under the suite's sql_mode and on
 * SQLite, and text from Aflexi that a utf8 (three-byte) connection cannot carry.
 */

declare(strict_types=1);

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\BulkUpsert;
use WHMCS\Module\Addon\AflexiCdn\DesiredSet;
use WHMCS\Module\Addon\AflexiCdn\Records;
use WHMCS\Module\Addon\AflexiCdn\Schema;
use WhmcsHarness\Database;

final class DatabaseWritesTest extends AddonTestCase
{
    public function testBulkUpsertInsertsNewRowsAndUpdatesOnlyTheNamedColumnsInOneStatement(): void
    {
        $this->checkBulkUpsert(null);
    }

    public function testBulkUpsertDoesTheSameOnSqlite(): void
    {
        Database::addConnection(['driver' => 'sqlite', 'database' => ':memory:', 'prefix' => ''], 'upsert-check');
        Capsule::connection('upsert-check')->statement(
            'create table mod_aflexi_cdn_publishers (id integer primary key autoincrement, service_id integer unique,'
            . ' client_id integer, username varchar(191), password text, updated_at datetime)'
        );
        $this->checkBulkUpsert('upsert-check');
    }

    public function testRowsThatDifferInTheirColumnsAreRefusedBeforeAnythingIsWritten(): void
    {
        $this->expectException(InvalidArgumentException::class);
        try {
            BulkUpsert::write(Schema::PUBLISHERS, [
                ['service_id' => 1, 'client_id' => 1, 'username' => 'a'],
                ['service_id' => 2, 'client_id' => 2],
            ], ['service_id'], ['client_id']);
        } finally {
            $this->assertSame(0, Capsule::table(Schema::PUBLISHERS)->count());
        }
    }

    public function testAnEmojiInAnAflexiErrorIsStoredReplacedAndTheOtherRowsAreWritten(): void
    {
        $set = new DesiredSet();
        $set->clients = ['801' => 401, '802' => 402];
        $report = ['results' => [
            ['keys' => ['801'], 'outcome' => 'failed', 'username' => 'zoe', 'error' => "Aflexi said: name \u{1F680} refused"],
            ['keys' => ['802'], 'outcome' => 'done', 'username' => 'bob', 'publisher_id' => 9001, 'package' => 'Gold',
                'status' => 'active', 'password' => null],
        ]];

        (new Records())->apply($report, $set);

        $rows = Capsule::table(Schema::PUBLISHERS)->orderBy('service_id')->get()->keyBy('service_id');
        $this->assertSame("Aflexi said: name \u{FFFD} refused", $rows[801]->last_error);
        $this->assertSame(['bob', 9001, 'ACTIVE'], [$rows[802]->username, (int) $rows[802]->publisher_id, $rows[802]->status]);
    }

    private function checkBulkUpsert(?string $connection): void
    {
        $db = Capsule::connection($connection);
        $db->table(Schema::PUBLISHERS)->insert([
            ['service_id' => 1, 'client_id' => 10, 'username' => 'one', 'password' => 'kept-1', 'updated_at' => '2026-01-01 00:00:00'],
            ['service_id' => 2, 'client_id' => 20, 'username' => 'two', 'password' => 'kept-2', 'updated_at' => '2026-01-01 00:00:00'],
        ]);
        $db->enableQueryLog();
        $db->flushQueryLog();

        BulkUpsert::write(Schema::PUBLISHERS, [
            ['username' => 'two-new', 'service_id' => 2, 'client_id' => 21, 'password' => 'not-written', 'updated_at' => '2026-02-02 00:00:00'],
            ['service_id' => 3, 'client_id' => 30, 'username' => 'three', 'password' => 'new-3', 'updated_at' => '2026-02-02 00:00:00'],
        ], ['service_id'], ['client_id', 'username', 'updated_at'], $connection);

        $this->assertCount(1, $db->getQueryLog(), 'one statement for the whole chunk');
        $db->disableQueryLog();
        $rows = [];
        foreach ($db->table(Schema::PUBLISHERS)->orderBy('service_id')->get() as $row) {
            $rows[] = [(int) $row->service_id, (int) $row->client_id, $row->username, $row->password];
        }
        $this->assertSame([
            [1, 10, 'one', 'kept-1'],
            [2, 21, 'two-new', 'kept-2'],
            [3, 30, 'three', 'new-3'],
        ], $rows);
    }
}

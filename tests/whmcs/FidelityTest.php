<?php
/**
 * The stand-in is what a real WHMCS 8 runs on (docs/WHMCS-FIDELITY.md): the Illuminate version
 * it bundles, its tables' charset and column definitions, and the two sql_modes operators'
 * servers run with. Plus the static guard that keeps the modules inside illuminate 7.12.
 */

declare(strict_types=1);

use Illuminate\Database\QueryException;
use WHMCS\Database\Capsule;
use WhmcsHarness\Database;
use WhmcsHarness\IlluminateApi;
use WhmcsHarness\Schema;
use WhmcsHarness\TestCase;

final class FidelityTest extends TestCase
{
    private const MODULES = [__DIR__ . '/../../whmcs-module', __DIR__ . '/../../whmcs-addon'];

    public function testTheModulesCallNoQueryBuilderOrCollectionMethodThatIlluminate712Lacks(): void
    {
        $this->assertSame([], IlluminateApi::newerCallsIn(self::MODULES));
        // Names the modules declare themselves hide calls of the same name from the guard: any
        // new one must be looked at (is it ours, or a newer Illuminate method?) and added here.
        // The set depends on the newer Illuminate installed (8.83 on Debian 12, a later one in the
        // PHP 8.4 root); these are ours: PublisherRecords::now(), Schema::ensure(), ...::one().
        $this->assertSame([], array_values(array_diff(IlluminateApi::shadowed(self::MODULES), ['ensure', 'now', 'one'])));
    }

    public function testTheGuardReportsAnUpsertAndOtherMethodsNewerThan712(): void
    {
        $dir = sys_get_temp_dir() . '/aflexi-guard-' . bin2hex(random_bytes(4));
        mkdir($dir);
        file_put_contents("$dir/Late.php", <<<'PHP'
            <?php
            Capsule::table('mod_x')->upsert($rows, ['id'], ['name']);
            $first = Capsule::table('mod_x')->where('a', 1)->sole();
            $kept = Capsule::table('mod_x')->get()->where('a', 1)->first();
            PHP);
        try {
            $this->assertSame(["$dir/Late.php:2 upsert()", "$dir/Late.php:3 sole()"], IlluminateApi::newerCallsIn([$dir]));
        } finally {
            unlink("$dir/Late.php");
            rmdir($dir);
        }
    }

    public function testTheIlluminateLoadedIsTheVersionAskedFor(): void
    {
        $hasUpsert = method_exists(\Illuminate\Database\Query\Builder::class, 'upsert');
        $this->assertSame(WHMCS_ILLUMINATE === '8.83', $hasUpsert);
        if (WHMCS_ILLUMINATE === '7.12') {
            $this->expectException(BadMethodCallException::class);
            Capsule::table('tblconfiguration')->upsert([['setting' => 'X', 'value' => '1']], ['setting'], ['value']);
        }
    }

    public function testCoreTablesAreUtf8WithUtf8UnicodeCiOnAUtf8Connection(): void
    {
        $this->requireMariaDb();
        $rows = Capsule::table('information_schema.tables')
            ->where('table_schema', Capsule::connection()->getDatabaseName())
            ->whereIn('table_name', Schema::tableNames())
            ->pluck('table_collation', 'table_name')->all();
        $this->assertCount(count(Schema::tableNames()), $rows);
        $this->assertSame(array_fill_keys(array_keys($rows), 'utf8mb3_unicode_ci'), $rows);
        $session = Capsule::selectOne('select @@character_set_client as client, @@collation_connection as collation');
        $this->assertSame(['utf8mb3', 'utf8mb3_unicode_ci'], [$session->client, $session->collation]);
    }

    public function testTheSessionSqlModeIsTheOneAskedFor(): void
    {
        $this->requireMariaDb();
        $mode = (string) Capsule::selectOne('select @@session.sql_mode as mode')->mode;
        $this->assertSame(implode(',', Database::SQL_MODES[Database::sqlMode()]), $mode);
    }

    public function testAnInsertIntoTbladdonsMustNameEveryColumnWithoutADefault(): void
    {
        $this->requireMariaDb();
        $partial = ['name' => 'Partial', 'billingcycle' => 'free'];
        if (Database::sqlMode() === 'strict') {
            $this->expectException(QueryException::class);
            $this->expectExceptionMessageMatches("/Field 'packages' doesn't have a default value/");
        }
        $id = Capsule::table('tbladdons')->insertGetId($partial);
        $row = Capsule::table('tbladdons')->find($id);
        $this->assertSame(['', '', 0], [$row->packages, $row->autoactivate, (int) $row->welcomeemail]);
    }

    public function testAFourByteCharacterInACoreTableFailsStrictAndIsReplacedOtherwise(): void
    {
        $this->requireMariaDb();
        $id = Capsule::table('tblconfiguration')->insert(['setting' => 'Emoji', 'value' => 'before']);
        $this->assertTrue($id);
        if (Database::sqlMode() === 'strict') {
            $this->expectException(QueryException::class);
            $this->expectExceptionMessageMatches('/Incorrect string value/');
        }
        Capsule::table('tblconfiguration')->where('setting', 'Emoji')->update(['value' => "Zo\u{00eb} \u{1F600} Ltd"]);
        // utf8mb3 cannot hold U+1F600: each of its four bytes becomes '?', the rest is kept.
        $this->assertSame("Zo\u{00eb} ???? Ltd", Capsule::table('tblconfiguration')->where('setting', 'Emoji')->value('value'));
    }

    public function testAnIntColumnOverItsRangeFailsStrictAndIsClippedOtherwise(): void
    {
        $this->requireMariaDb();
        $id = Capsule::table('tblhosting')->insertGetId(['userid' => 1, 'packageid' => 1]);
        if (Database::sqlMode() === 'strict') {
            $this->expectException(QueryException::class);
            $this->expectExceptionMessageMatches("/Out of range value for column 'bwlimit'/");
        }
        Capsule::table('tblhosting')->where('id', $id)->update(['bwlimit' => 2_147_483_648]);
        $this->assertSame(2_147_483_647, (int) Capsule::table('tblhosting')->where('id', $id)->value('bwlimit'));
    }

    private function requireMariaDb(): void
    {
        if (Database::driver() !== 'mysql') {
            $this->markTestSkipped('charset, column definitions and sql_mode are MariaDB behaviour');
        }
    }
}

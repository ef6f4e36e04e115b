<?php
/**
 * The WHMCS database as the modules see it: `WHMCS\Database\Capsule` connected to the
 * throw-away MariaDB of tests/whmcs/mariadb.sh (or, as a quick local option, SQLite), and the
 * per-test clean-up.
 *
 * MariaDB is configured like a WHMCS 8 install (§D1): InnoDB, utf8mb4/utf8mb4_unicode_ci and
 * a strict session sql_mode (STRICT_TRANS_TABLES, ERROR_FOR_DIVISION_BY_ZERO,
 * NO_ENGINE_SUBSTITUTION). NO_ZERO_DATE is deliberately absent because WHMCS stores "not set"
 * dates as '0000-00-00'.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;
use WHMCS\Database\Capsule;

final class Database
{
    /** The session sql_mode of the MariaDB connection. */
    public const SQL_MODES = ['STRICT_TRANS_TABLES', 'ERROR_FOR_DIVISION_BY_ZERO', 'NO_ENGINE_SUBSTITUTION'];

    private static ?Capsule $capsule = null;

    /** Connects from the WHMCS_DB_* environment and (re)creates the schema. Once per process. */
    public static function boot(): void
    {
        if (self::$capsule !== null) {
            return;
        }
        self::attach();
        Schema::create();
        self::reset();
    }

    /**
     * Connects to the database as it is, without creating or emptying anything: for a second
     * process working on data a first one set up (a page served by `php -S`, a child killed
     * mid-sync). After it, boot() is a no-op. Once per process.
     */
    public static function attach(): void
    {
        if (self::$capsule !== null) {
            return;
        }
        $capsule = new Capsule();
        $capsule->addConnection(self::configFromEnv());
        $capsule->setAsGlobal();
        $capsule->bootEloquent();
        self::$capsule = $capsule;
    }

    public static function driver(): string
    {
        return Capsule::connection()->getDriverName();
    }

    /**
     * Gives the next test a clean database: tables a module created (mod_*) are dropped, every
     * WHMCS table is emptied, and the baseline install rows (Schema::seed) are written again.
     * Ids are not rewound (see Schema::ID_BASE_STEP). About 5 ms on MariaDB.
     */
    public static function reset(): void
    {
        $own = array_flip(Schema::tableNames());
        $db = Capsule::connection();
        $sqlite = self::driver() === 'sqlite';
        $tables = $sqlite
            ? array_column($db->select("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'"), 'name')
            : array_map(static fn (object $row): string => (string) current((array) $row), $db->select('show tables'));
        $quote = $sqlite ? '"' : '`';
        $foreign = array_diff($tables, array_keys($own));
        if ($foreign !== []) {
            $sqlite || $db->statement('set foreign_key_checks = 0');
            foreach ($foreign as $table) {
                $db->statement("drop table $quote$table$quote");
            }
            $sqlite || $db->statement('set foreign_key_checks = 1');
        }
        foreach (array_keys($own) as $table) {
            $db->delete("delete from $quote$table$quote");
        }
        Schema::seed();
    }

    /** @return array<string, mixed> an Illuminate connection configuration */
    private static function configFromEnv(): array
    {
        $driver = getenv('WHMCS_DB_DRIVER');
        if ($driver === 'sqlite') {
            return [
                'driver' => 'sqlite',
                'database' => getenv('WHMCS_DB_NAME') ?: ':memory:',
                'prefix' => '',
                'foreign_key_constraints' => false,
            ];
        }
        if ($driver !== 'mysql') {
            throw new RuntimeException(
                "WHMCS_DB_DRIVER is not set. Run the suite through tests/whmcs/run-phpunit.sh, or:\n"
                . "  tests/whmcs/mariadb.sh start; eval \"\$(tests/whmcs/mariadb.sh env)\"\n"
                . "or, as a quick local option, WHMCS_DB_DRIVER=sqlite."
            );
        }
        $config = [
            'driver' => 'mysql',
            'host' => getenv('WHMCS_DB_HOST') ?: '127.0.0.1',
            'port' => getenv('WHMCS_DB_PORT') ?: '3306',
            'database' => getenv('WHMCS_DB_NAME') ?: 'whmcs_test',
            'username' => getenv('WHMCS_DB_USER') ?: 'whmcs',
            'password' => getenv('WHMCS_DB_PASS') ?: '',
            'charset' => 'utf8mb4',
            'collation' => 'utf8mb4_unicode_ci',
            'prefix' => '',
            'engine' => 'InnoDB',
            'strict' => true,
            'modes' => self::SQL_MODES,
        ];
        $socket = getenv('WHMCS_DB_SOCKET');
        if ($socket) {
            $config['unix_socket'] = $socket;
        }
        return $config;
    }
}

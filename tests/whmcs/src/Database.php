<?php
/**
 * The WHMCS database as the modules see it: `WHMCS\Database\Capsule` connected to the
 * throw-away MariaDB of tests/whmcs/mariadb.sh (or, as a quick local option, SQLite), and the
 * per-test clean-up.
 *
 * MariaDB is connected like a WHMCS 8 install (docs/WHMCS-FIDELITY.md, "Database"): charset utf8
 * (utf8mb3) with utf8_unicode_ci, as configuration.php's $mysql_charset, and one of two session
 * sql_modes, chosen by WHMCS_SQL_MODE:
 *   none (default)  sql_mode '': WHMCS sets its session's sql_mode from configuration.php, ''
 *                   unless the operator chose otherwise; wrong values are stored clipped or
 *                   defaulted, with a warning;
 *   strict          MariaDB's own default (STRICT_TRANS_TABLES, ERROR_FOR_DIVISION_BY_ZERO,
 *                   NO_ENGINE_SUBSTITUTION), for an operator who set it: wrong types, bad enum
 *                   values, out-of-range numbers and missing NOT NULL values fail.
 * Neither has NO_ZERO_DATE: WHMCS stores "not set" dates as '0000-00-00'.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use RuntimeException;
use WHMCS\Database\Capsule;

final class Database
{
    /** The session sql_modes of the MariaDB connection, by WHMCS_SQL_MODE. */
    public const SQL_MODES = [
        'none' => [],
        'strict' => ['STRICT_TRANS_TABLES', 'ERROR_FOR_DIVISION_BY_ZERO', 'NO_ENGINE_SUBSTITUTION'],
    ];

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

    /** Adds a named connection beside WHMCS's (e.g. an in-memory SQLite to check a statement on). */
    public static function addConnection(array $config, string $name): void
    {
        self::attach();
        self::$capsule->addConnection($config, $name);
    }

    public static function driver(): string
    {
        return Capsule::connection()->getDriverName();
    }

    /** 'none' or 'strict' (see the class comment). */
    public static function sqlMode(): string
    {
        $mode = getenv('WHMCS_SQL_MODE') ?: 'none';
        if (!isset(self::SQL_MODES[$mode])) {
            throw new RuntimeException("WHMCS_SQL_MODE must be one of: " . implode(', ', array_keys(self::SQL_MODES)));
        }
        return $mode;
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
            'charset' => Schema::CHARSET,
            'collation' => Schema::COLLATION,
            'prefix' => '',
            'engine' => 'InnoDB',
            'modes' => self::SQL_MODES[self::sqlMode()],
        ];
        $socket = getenv('WHMCS_DB_SOCKET');
        if ($socket) {
            $config['unix_socket'] = $socket;
        }
        return $config;
    }
}

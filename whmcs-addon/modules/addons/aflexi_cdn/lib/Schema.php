<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;
use WHMCS\Module\Server\Aflexi\Schema as Tables;

/**
 * The addon's own tables, created by _activate and on first use through the shared library's
 * Schema::table (InnoDB, utf8mb4, asked once per request):
 *
 * mod_aflexi_cdn_products    the products ticked "CDN enabled" on the addon page
 * mod_aflexi_cdn_publishers  one row per synchronized WHMCS service: its Aflexi publisher, the
 *                            password as of sync time (encrypt(); a pending one is generated
 *                            before the create call), last sync, last error, and a
 *                            hold (why a hook suspended it: an unpaid/refunded/cancelled invoice)
 * mod_aflexi_cdn_runs        one row per run: a Save Settings sync (kind save, stepped from the
 *                            page), a cron reconcile (cron) or a retry of failed rows (retry);
 *                            the run history (History) keeps the most recent History::KEEP
 * mod_aflexi_cdn_run_items   the services a run has finished (done, unchanged, failed, with the
 *                            client and the failure's kind), so that a run resumes where it
 *                            stopped and its report can be read later
 * mod_aflexi_cdn_cpanel      the cPanel CDN feature result per run and (server, package)
 * mod_aflexi_cdn_client_queue clients whose profile changed (ClientEdit), synchronized by the
 *                            next WHMCS cron run instead of on the client's request (ClientQueue)
 */
final class Schema
{
    public const PRODUCTS = 'mod_aflexi_cdn_products';
    public const PUBLISHERS = 'mod_aflexi_cdn_publishers';
    public const RUNS = 'mod_aflexi_cdn_runs';
    public const RUN_ITEMS = 'mod_aflexi_cdn_run_items';
    /** The cPanel CDN feature results, per run and (server, package) (Cpanel). */
    public const CPANEL = 'mod_aflexi_cdn_cpanel';
    /** Clients to synchronize at the next cron run (ClientQueue). */
    public const CLIENT_QUEUE = 'mod_aflexi_cdn_client_queue';
    /**
     * The publishers page's indexes (PublisherFilter): each filter with the default sort, and
     * each sort alone, each ending with the service id that breaks ties, so that a page reads
     * its rows in index order at 100,000 records instead of sorting them all.
     */
    public const PUBLISHER_INDEXES = [['status', 'username', 'service_id'], ['package', 'username', 'service_id'],
        ['username', 'service_id'], ['package', 'service_id'], ['status', 'service_id'], ['last_sync', 'service_id']];
    public const ALL = [self::CLIENT_QUEUE, self::CPANEL, self::RUN_ITEMS, self::RUNS, self::PUBLISHERS, self::PRODUCTS];

    public static function ensure(): void
    {
        Tables::table(self::PRODUCTS, static function (Blueprint $t): void {
            $t->unsignedInteger('product_id')->primary();
            $t->timestamps();
        });
        Tables::table(self::PUBLISHERS, static function (Blueprint $t): void {
            $t->increments('id');
            $t->unsignedInteger('service_id')->unique();
            $t->unsignedInteger('client_id')->default(0)->index();
            $t->unsignedBigInteger('publisher_id')->nullable()->index();
            $t->string('username', 191)->default('');
            $t->string('package', 191)->default('');
            $t->string('status', 16)->default('');
            $t->text('password')->nullable();
            $t->dateTime('password_set_at')->nullable();
            // Generated and stored (encrypt()) before the create call, so that a process killed
            // between Aflexi's answer and this table's write loses no password.
            $t->text('pending_password')->nullable();
            $t->dateTime('last_sync')->nullable();
            $t->text('last_error')->nullable();
            $t->string('hold', 191)->nullable();
            $t->timestamps();
            foreach (self::PUBLISHER_INDEXES as $columns) {
                $t->index($columns);
            }
        });
        Tables::table(self::RUNS, static function (Blueprint $t): void {
            $t->increments('id');
            $t->string('kind', 16)->default('save');
            $t->string('status', 16)->default('running');
            $t->unsignedInteger('total')->default(0);
            $t->unsignedInteger('finished')->default(0);
            $t->unsignedInteger('steps')->default(0);
            // Clients up to this id are finished: later steps do not read them again.
            $t->unsignedInteger('cursor')->default(0);
            $t->text('error')->nullable();
            $t->dateTime('locked_until')->nullable();
            $t->unsignedInteger('admin_id')->default(0);
            $t->dateTime('finished_at')->nullable();
            $t->timestamps();
        });
        Tables::table(self::RUN_ITEMS, static function (Blueprint $t): void {
            $t->increments('id');
            $t->unsignedInteger('run_id')->index();
            $t->string('item_key', 64);
            $t->string('username', 191)->default('');
            $t->string('outcome', 16);
            $t->string('actions', 191)->default('');
            $t->text('error')->nullable();
            $t->unique(['run_id', 'item_key']);
            self::itemColumns($t);
        });
        self::addMissing(self::RUN_ITEMS, 'client_id', static fn (Blueprint $t) => self::itemColumns($t));
        Tables::table(self::CPANEL, static function (Blueprint $t): void {
            $t->increments('id');
            $t->unsignedInteger('run_id')->default(0)->index();
            $t->unsignedInteger('server_id')->default(0);
            $t->string('server', 191)->default('');
            $t->string('package', 191)->default('');
            $t->string('products', 191)->default('');
            $t->string('status', 16)->default('');
            $t->string('featurelist', 191)->nullable();
            $t->text('error')->nullable();
            $t->dateTime('created_at')->nullable();
        });
        Tables::table(self::CLIENT_QUEUE, static function (Blueprint $t): void {
            $t->unsignedInteger('client_id')->primary();
            $t->dateTime('queued_at')->index();
        });
    }

    /**
     * Adds the PUBLISHER_INDEXES a table made by an older version lacks (aflexi_cdn_upgrade).
     * Returns the names of the indexes added.
     *
     * @return list<string>
     */
    public static function addPublisherIndexes(): array
    {
        self::ensure();
        $present = [];
        foreach (Capsule::select('show index from ' . self::PUBLISHERS) as $row) {
            $present[strtolower((string) $row->Key_name)] = true;
        }
        $added = [];
        foreach (self::PUBLISHER_INDEXES as $columns) {
            $name = strtolower(self::PUBLISHERS . '_' . implode('_', $columns) . '_index');
            if (!isset($present[$name])) {
                Capsule::schema()->table(self::PUBLISHERS, static fn (Blueprint $t) => $t->index($columns, $name));
                $added[] = $name;
            }
        }
        return $added;
    }

    /** The run items' columns added in 1.1.0 (the report's client link and the failure's kind, RunItems). */
    private static function itemColumns(Blueprint $t): void
    {
        $t->unsignedInteger('client_id')->default(0);
        $t->string('kind', 16)->nullable();
    }

    /** @var array<string, true> tables whose columns were checked in this request */
    private static array $checked = [];

    /**
     * Adds the columns a newer version gave an existing table (a table made by 1.0.0 lacks
     * them), asked once per request: hooks and cron may run before WHMCS calls _upgrade.
     */
    private static function addMissing(string $table, string $probe, \Closure $columns): void
    {
        if (isset(self::$checked[$table])) {
            return;
        }
        if (!Capsule::schema()->hasColumn($table, $probe)) {
            Capsule::schema()->table($table, $columns);
        }
        self::$checked[$table] = true;
    }

    public static function drop(): void
    {
        foreach (self::ALL as $table) {
            Capsule::schema()->dropIfExists($table);
        }
        Tables::forget();
        self::$checked = [];
    }

    /** Forgets what this request knows (tests drop tables between cases). */
    public static function forget(): void
    {
        Tables::forget();
        self::$checked = [];
    }
}

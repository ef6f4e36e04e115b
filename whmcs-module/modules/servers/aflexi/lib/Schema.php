<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;

/**
 * The module's own tables, created on first use with Capsule's schema builder (InnoDB,
 * utf8mb4), and the one way both modules create theirs (table(); the addon aflexi_cdn lists its
 * tables in its own Schema). Whether a table exists is asked once per request.
 *
 * mod_aflexi_publishers  one row per WHMCS service: the Aflexi publisher it is linked to (see
 *                        PublisherRecords). The addon aflexi_cdn keeps its own table beside it.
 * mod_aflexi_servers     one row per WHMCS server record: the operator id (saves a lookup on
 *                        every call) and the operator's portal URL (see ServerRecords).
 * mod_aflexi_products    one row per Aflexi product the module has seen: it was offered the
 *                        welcome template once, so an admin's later "None" stays (ProductWelcome).
 * mod_aflexi_usage_days  one row per service: the daily bandwidth its chart last read from Aflexi
 *                        (JSON by date) and when, so that a page view costs no API call within
 *                        the hour, and shows the last figures with their age when Aflexi is down
 *                        (UsageChart).
 * mod_aflexi_alerts_sent one row per service, month and threshold whose bandwidth alert was
 *                        claimed (then sent); its unique key is what makes a re-run never send
 *                        twice (BandwidthAlerts).
 */
final class Schema
{
    public const PUBLISHERS = 'mod_aflexi_publishers';
    public const SERVERS = 'mod_aflexi_servers';
    public const PRODUCTS = 'mod_aflexi_products';
    public const USAGE_DAYS = 'mod_aflexi_usage_days';
    public const ALERTS_SENT = 'mod_aflexi_alerts_sent';

    /** @var array<string, true> tables known to exist in this request */
    private static array $present = [];

    /** Creates the module's tables that are missing. */
    public static function ensure(): void
    {
        self::table(self::PUBLISHERS, static function (Blueprint $table): void {
            $table->increments('id');
            $table->unsignedInteger('service_id')->unique();
            $table->unsignedInteger('server_id')->default(0)->index();
            $table->unsignedInteger('client_id')->default(0)->index();
            $table->unsignedBigInteger('publisher_id')->nullable()->index();
            $table->string('username', 191)->default('');
            $table->string('package', 191)->default('');
            $table->string('status', 16)->default(PublisherRecords::PENDING);
            $table->dateTime('last_sync')->nullable();
            $table->text('last_error')->nullable();
            $table->timestamps();
            $table->index(['server_id', 'username']);
        });
        self::table(self::SERVERS, static function (Blueprint $table): void {
            $table->unsignedInteger('server_id')->primary();
            $table->text('endpoint');
            $table->string('login', 255)->default('');
            $table->unsignedBigInteger('operator_id')->nullable();
            $table->text('portal_url')->nullable();
            $table->dateTime('portal_checked_at')->nullable();
            $table->timestamps();
        });
        self::table(self::PRODUCTS, static function (Blueprint $table): void {
            $table->unsignedInteger('product_id')->primary();
            $table->dateTime('created_at')->nullable();
        });
        self::table(self::USAGE_DAYS, static function (Blueprint $table): void {
            $table->unsignedInteger('service_id')->primary();
            $table->unsignedBigInteger('publisher_id');
            $table->date('first_day');
            $table->date('last_day');
            $table->mediumText('days');
            $table->dateTime('fetched_at');
        });
        self::table(self::ALERTS_SENT, static function (Blueprint $table): void {
            $table->increments('id');
            $table->unsignedInteger('service_id');
            $table->char('period', 7);
            $table->unsignedSmallInteger('threshold');
            $table->string('state', 8);
            $table->dateTime('claimed_at');
            $table->dateTime('sent_at')->nullable();
            $table->unique(['service_id', 'period', 'threshold']);
        });
    }

    /** Forgets what this request knows (tests drop tables between cases). */
    public static function forget(): void
    {
        self::$present = [];
    }

    /**
     * Creates a table when it is missing (InnoDB, utf8mb4); $columns adds its columns to the
     * Blueprint. Asked of the database once per request and table.
     */
    public static function table(string $name, \Closure $columns): void
    {
        if (isset(self::$present[$name])) {
            return;
        }
        $schema = Capsule::schema();
        if (!$schema->hasTable($name)) {
            try {
                $schema->create($name, static function (Blueprint $table) use ($columns): void {
                    $table->engine = 'InnoDB';
                    $table->charset = 'utf8mb4';
                    $table->collation = 'utf8mb4_unicode_ci';
                    $columns($table);
                });
            } catch (\Throwable $e) {
                // Another request may have created it at the same moment.
                if (!$schema->hasTable($name)) {
                    throw $e;
                }
            }
        }
        self::$present[$name] = true;
    }
}

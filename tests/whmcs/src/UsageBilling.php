<?php
/**
 * WHMCS Usage Billing (7.9+), as the stand-in models it: the four tables, the cron task
 * "Tenant Usage Metrics" that stores what each server's MetricProvider reports, a product's
 * metric pricing, and the invoice line for usage over the included amount. Each rule names
 * its evidence; docs/WHMCS-FIDELITY.md ("Usage Billing") has the rows.
 *
 * Evidence tags: DD developers.whmcs.com/provisioning-modules/usage-metrics (the MetricProvider
 * function) and /classes/whmcs/usagebilling/...; DOCS docs.whmcs.com/products/configuration-options/usage-billing
 * and /products/product-tutorials/configure-usage-billing; BLOG blog.whmcs.com/133590/usage-billing-in-depth;
 * SQL790 `resources/sql/upgrade790alpha1.sql` of WHMCS 7.9 (public copy: GitHub
 * ghzhost/ghzhost_site) for the tables; OBS WHMCS 8 code read, not linkable, said here in our words.
 */

declare(strict_types=1);

namespace WhmcsHarness;

use Illuminate\Database\Schema\Blueprint;
use WHMCS\Database\Capsule;
use WHMCS\UsageBilling\Contracts\Metrics\MetricInterface;
use WHMCS\UsageBilling\Contracts\Metrics\ProviderInterface;

final class UsageBilling
{
    /** tblinvoiceitems.type of a usage line (OBS: WHMCS's "billable usage" item type). */
    public const INVOICE_ITEM_TYPE = 'Usage';

    /** Creates (again) the Usage Billing tables, with SQL790's columns. */
    public static function createTables(): void
    {
        $schema = Capsule::schema();
        $tables = [
            // A server's tenant as its provider names it (SQL790).
            'tblserver_tenants' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('server_id')->default(0);
                $t->string('tenant', 255)->default('');
                $t->timestamps();
                $t->index(['tenant', 'server_id'], 'server_tenant');
            },
            // One collected figure of a tenant's metric; measured_at a Unix time with microseconds (SQL790).
            'tbltenant_stats' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->integer('tenant_id')->default(0);
                $t->string('metric', 255)->default('');
                $t->string('type', 255)->default('');
                $t->decimal('value', 19, 6)->default(0);
                $t->decimal('measured_at', 18, 6)->default(0);
                $t->integer('invoice_id')->nullable()->default(0);
                $t->timestamps();
                $t->index('tenant_id');
            },
            // A product's metric: enabled when is_hidden = 0, with the included amount (SQL790; DOCS "Quantity Included").
            'tblusage_items' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->string('rel_type', 200)->default('');
                $t->integer('rel_id')->default(0);
                $t->string('module_type', 200)->default('');
                $t->string('module', 200)->default('');
                $t->string('metric', 200)->default('');
                $t->decimal('included', 19, 6)->default(0);
                $t->tinyInteger('is_hidden')->default(1);
                $t->timestamps();
                $t->softDeletes();
            },
            // A metric's price bracket; its price per unit is a tblpricing row of type 'usage' (SQL790).
            'tblpricing_bracket' => static function (Blueprint $t): void {
                $t->increments('id');
                $t->decimal('floor', 19, 6)->default(0);
                $t->decimal('ceiling', 19, 6)->default(0);
                $t->string('rel_type', 200)->default('');
                $t->string('rel_id', 200)->default('');
                $t->string('schema_type', 32)->default('flat');
                $t->timestamps();
                $t->softDeletes();
            },
        ];
        foreach ($tables as $name => $define) {
            $schema->dropIfExists($name);
            $schema->create($name, static function (Blueprint $t) use ($define): void {
                $t->engine = 'InnoDB';
                $t->charset = Schema::CHARSET;
                $t->collation = Schema::COLLATION;
                $define($t);
            });
        }
    }

    /**
     * Configure Pricing of a product's metric, "Per Unit" with a "Quantity Included" (DOCS
     * configure-usage-billing): the metric enabled, `$included` units free, then `$perUnit`
     * a unit in currency `$currency`. Returns the usage item id.
     */
    public static function priceMetric(int $productId, string $module, string $metric, float $included, float $perUnit, int $currency = 1): int
    {
        $now = date('Y-m-d H:i:s');
        $item = (int) Capsule::table('tblusage_items')->insertGetId(['rel_type' => 'Product', 'rel_id' => $productId, 'module_type' => 'servers',
            'module' => $module, 'metric' => $metric, 'included' => $included, 'is_hidden' => 0, 'created_at' => $now, 'updated_at' => $now]);
        // One open-ended bracket (ceiling 0 = no ceiling) from 0: ASSUMPTION for the "Per Unit" schema's storage.
        $bracket = (int) Capsule::table('tblpricing_bracket')->insertGetId(['floor' => 0, 'ceiling' => 0, 'rel_type' => 'usage_item',
            'rel_id' => (string) $item, 'schema_type' => 'simple', 'created_at' => $now, 'updated_at' => $now]);
        Capsule::table('tblpricing')->insert(['type' => 'usage', 'currency' => $currency, 'relid' => $bracket, 'monthly' => $perUnit]);
        return $item;
    }

    /**
     * The cron task "Tenant Usage Metrics" (OBS: system name TenantUsageMetrics, every 720
     * minutes; BLOG: usage is refreshed every 12 hours): for every enabled server whose module
     * has a MetricProvider, `usage()` once, and each tenant's metrics stored: a snapshot
     * metric replaces the tenant's one row; a month (day) metric updates the row measured in
     * the same calendar month (day) or adds one, so each period keeps its last figure (OBS).
     * A tenant is found or added by (server, name) (SQL790's index `server_tenant`).
     *
     * @return array{servers: int, tenants: int}
     */
    public static function collect(): array
    {
        $servers = $tenants = 0;
        foreach (Capsule::table('tblservers')->where('disabled', 0)->orderBy('id')->get(['id', 'type']) as $server) {
            $provider = self::provider((int) $server->id, (string) $server->type);
            if ($provider === null) {
                continue;
            }
            $servers++;
            foreach ($provider->usage() as $tenant => $metrics) {
                $tenants++;
                self::store(self::tenantId((int) $server->id, (string) $tenant), $metrics);
            }
        }
        return ['servers' => $servers, 'tenants' => $tenants];
    }

    /** The server's provider: `<module>_MetricProvider($params)` when the module has it (DD usage-metrics). */
    public static function provider(int $serverId, string $module): ?ProviderInterface
    {
        $function = Modules::serverFunction($module, 'MetricProvider');
        if ($function === null) {
            return null;
        }
        $provider = $function(Params::forServer($serverId));
        if (!$provider instanceof ProviderInterface) {
            throw new \UnexpectedValueException("{$module}_MetricProvider must return a ProviderInterface (developers.whmcs.com/provisioning-modules/usage-metrics)");
        }
        return $provider;
    }

    /**
     * The usage line of a service's metric on its (renewal) invoice, per "Quantity Included"
     * pricing (DOCS usage-billing: at invoicing, the period's collected usage is priced and
     * added to the service's next renewal invoice as its own line; OBS for the figures):
     * the stored value rounded for its unit, less the included amount, times the price per unit
     * of the client's currency; a charge that rounds to 0.00 is 0.01; usage within the included
     * amount is a 0.00 line. The service's tenant is its username on its server (OBS: how the
     * cPanel module's accounts are matched; our provider keys tenants the same way). The stat
     * is marked with the invoice. Returns the line's id, or null when nothing was collected.
     */
    public static function invoiceUsage(int $invoiceId, int $serviceId, string $metric): ?int
    {
        $service = Capsule::table('tblhosting')->where('id', $serviceId)->first();
        $product = Capsule::table('tblproducts')->where('id', $service->packageid)->first();
        $item = Capsule::table('tblusage_items')->where('rel_type', 'Product')->where('rel_id', $product->id)
            ->where('metric', $metric)->where('is_hidden', 0)->whereNull('deleted_at')->first();
        $tenant = Capsule::table('tblserver_tenants')->where('server_id', $service->server)->where('tenant', $service->username)->value('id');
        if ($item === null || $tenant === null) {
            return null;
        }
        $stat = Capsule::table('tbltenant_stats')->where('tenant_id', $tenant)->where('metric', $metric)
            ->where(static fn ($q) => $q->whereNull('invoice_id')->orWhere('invoice_id', 0))->orderByDesc('measured_at')->first();
        if ($stat === null) {
            return null;
        }
        $provider = self::provider((int) $service->server, (string) $product->servertype);
        $units = $provider?->metrics()[$metric]?->units();
        $value = $units ? $units->roundForType((float) $stat->value) : (float) $stat->value;
        $over = max(0.0, $value - (float) $item->included);
        $currency = (int) (Capsule::table('tblclients')->where('id', $service->userid)->value('currency') ?: 1);
        $bracket = Capsule::table('tblpricing_bracket')->where('rel_type', 'usage_item')->where('rel_id', (string) $item->id)->whereNull('deleted_at')->orderBy('floor')->first();
        $perUnit = $bracket === null ? 0.0 : (float) Capsule::table('tblpricing')->where('type', 'usage')->where('relid', $bracket->id)->where('currency', $currency)->value('monthly');
        $amount = round($over * $perUnit, 2);
        if ($amount === 0.0 && $over > 0 && $perUnit > 0) {
            $amount = 0.01;
        }
        $suffix = $units ? ' ' . $units->suffix() : '';
        $description = sprintf("%s - %s\n%s%s %s\n%s%s included\n%s%s additional @ %.2f each",
            $product->name, $service->domain, $value, $suffix, $metric, (float) $item->included, $suffix, $over, $suffix, $perUnit);
        $id = (int) Capsule::table('tblinvoiceitems')->insertGetId(['invoiceid' => $invoiceId, 'userid' => $service->userid,
            'type' => self::INVOICE_ITEM_TYPE, 'relid' => $stat->id, 'description' => $description, 'amount' => $amount,
            'taxed' => 0, 'duedate' => $service->nextduedate, 'paymentmethod' => $service->paymentmethod, 'notes' => '']);
        Capsule::table('tbltenant_stats')->where('id', $stat->id)->update(['invoice_id' => $invoiceId]);
        $total = (float) Capsule::table('tblinvoiceitems')->where('invoiceid', $invoiceId)->sum('amount');
        Capsule::table('tblinvoices')->where('id', $invoiceId)->update(['subtotal' => $total, 'total' => $total]);
        return $id;
    }

    private static function tenantId(int $serverId, string $tenant): int
    {
        $id = Capsule::table('tblserver_tenants')->where('server_id', $serverId)->where('tenant', $tenant)->value('id');
        $now = date('Y-m-d H:i:s');
        if ($id === null) {
            return (int) Capsule::table('tblserver_tenants')->insertGetId(['server_id' => $serverId, 'tenant' => $tenant, 'created_at' => $now, 'updated_at' => $now]);
        }
        Capsule::table('tblserver_tenants')->where('id', $id)->update(['updated_at' => $now]);
        return (int) $id;
    }

    /** @param array<string, MetricInterface> $metrics */
    private static function store(int $tenantId, array $metrics): void
    {
        foreach ($metrics as $metric) {
            $usage = $metric->usage();
            if ($usage === null) {
                continue;
            }
            $at = $usage->collectedAt();
            $measured = (float) $at->format('U.u');
            $same = Capsule::table('tbltenant_stats')->where('tenant_id', $tenantId)->where('metric', $metric->systemName());
            if ($metric->type() !== MetricInterface::TYPE_SNAPSHOT) {
                $period = $metric->type() === MetricInterface::TYPE_PERIOD_DAY ? ['today', 'tomorrow'] : ['first day of this month midnight', 'first day of next month midnight'];
                $from = (float) $at->modify($period[0])->format('U');
                $to = (float) $at->modify($period[1])->format('U') - 0.000001;
                $same->whereBetween('measured_at', [$from, $to]);
            }
            $row = $same->first();
            $now = date('Y-m-d H:i:s');
            $values = ['type' => $metric->type(), 'value' => $usage->value(), 'updated_at' => $now];
            if ($row === null) {
                Capsule::table('tbltenant_stats')->insert($values + ['tenant_id' => $tenantId, 'metric' => $metric->systemName(), 'measured_at' => $measured, 'created_at' => $now]);
            } else {
                // The moment moves forward only (OBS).
                Capsule::table('tbltenant_stats')->where('id', $row->id)->update($values + ['measured_at' => max($measured, (float) $row->measured_at)]);
            }
        }
    }
}

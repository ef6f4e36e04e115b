<?php

declare(strict_types=1);

namespace WHMCS\Module\Addon\AflexiCdn;

use WHMCS\Database\Capsule;

/**
 * The products side of "who gets CDN": which products are listed on the addon page (every
 * product not provisioned by the `aflexi` server module), which are CDN-enabled, which are
 * free (paytype free, or no price above zero in any currency or cycle), and the product addon
 * "Aflexi CDN" (free by default; when the operator prices it, only services that have it
 * active get CDN).
 */
final class Catalog
{
    public const ADDON_NAME = 'Aflexi CDN';
    /** Ids per statement when the enabled set changes. */
    private const CHUNK = 1000;
    private const CYCLES = ['msetupfee', 'qsetupfee', 'ssetupfee', 'asetupfee', 'bsetupfee', 'tsetupfee',
        'monthly', 'quarterly', 'semiannually', 'annually', 'biennially', 'triennially'];

    /** @return list<\stdClass> products that can be CDN-enabled (id, name, servertype, paytype, configoption1, group) */
    public static function listable(): array
    {
        return Capsule::table('tblproducts as p')
            ->leftJoin('tblproductgroups as g', 'g.id', '=', 'p.gid')
            ->where(static function ($q): void {
                $q->where('p.servertype', '!=', 'aflexi')->orWhereNull('p.servertype');
            })
            ->orderBy('g.name')->orderBy('p.name')->orderBy('p.id')
            ->select(['p.id', 'p.name', 'p.servertype', 'p.paytype', 'p.configoption1', 'g.name as group_name'])
            ->get()->all();
    }

    /** @return array<int, true> the CDN-enabled product ids */
    public static function enabled(): array
    {
        Schema::ensure();
        $ids = Capsule::table(Schema::PRODUCTS)->pluck('product_id')->all();
        return array_fill_keys(array_map('intval', $ids), true);
    }

    /**
     * Stores the CDN-enabled products (only listable ones count) and lets the "Aflexi CDN"
     * product addon be ordered with them. Returns [enabled now, disabled now].
     *
     * @param list<int> $productIds
     * @return array{0: list<int>, 1: list<int>}
     */
    public static function setEnabled(array $productIds): array
    {
        Schema::ensure();
        $listable = array_map(static fn ($p): int => (int) $p->id, self::listable());
        $wanted = array_values(array_intersect(array_unique(array_map('intval', $productIds)), $listable));
        $before = array_keys(self::enabled());
        $on = array_values(array_diff($wanted, $before));
        $off = array_values(array_diff($before, $wanted));
        $now = date('Y-m-d H:i:s');
        // The differences only, CHUNK ids a statement: no list grows with the catalogue
        // (MariaDB refuses a statement of more than 65,535 placeholders).
        Capsule::connection()->transaction(static function () use ($on, $off, $now): void {
            foreach (array_chunk($off, self::CHUNK) as $chunk) {
                Capsule::table(Schema::PRODUCTS)->whereIn('product_id', $chunk)->delete();
            }
            foreach (array_chunk($on, self::CHUNK) as $chunk) {
                Capsule::table(Schema::PRODUCTS)->insert(array_map(
                    static fn (int $id): array => ['product_id' => $id, 'created_at' => $now, 'updated_at' => $now],
                    $chunk,
                ));
            }
        });
        $addonId = self::addonId();
        if ($addonId > 0) {
            sort($wanted);
            Capsule::table('tbladdons')->where('id', $addonId)->update(['packages' => implode(',', $wanted)]);
        }
        return [$on, $off];
    }

    /**
     * Which of the given products are free, by the extension's rule (Aflexi\product_is_free:
     * paytype free, or no price above zero). Read with two queries that list no ids (the
     * priced products, the paytypes), so the page works whatever the number of products.
     *
     * @param list<int> $productIds
     * @return array<int, true>
     */
    public static function free(array $productIds): array
    {
        if ($productIds === []) {
            return [];
        }
        $priced = Capsule::table('tblpricing')->where('type', 'product')
            ->where(static function ($q): void {
                foreach (self::CYCLES as $cycle) {
                    $q->orWhere($cycle, '>', 0);
                }
            })
            ->distinct()->pluck('relid')->all();
        $priced = array_fill_keys(array_map('intval', $priced), true);
        $paytypes = Capsule::table('tblproducts')->pluck('paytype', 'id')->all();
        $free = [];
        foreach ($productIds as $id) {
            $id = (int) $id;
            if (isset($paytypes[$id]) && \Aflexi\product_is_free((string) $paytypes[$id], isset($priced[$id]))) {
                $free[$id] = true;
            }
        }
        return $free;
    }

    /** The id of the "Aflexi CDN" product addon, 0 when there is none. */
    public static function addonId(): int
    {
        return (int) Capsule::table('tbladdons')->where('name', self::ADDON_NAME)->orderBy('id')->value('id');
    }

    /**
     * Creates the "Aflexi CDN" product addon when missing. Returns its id.
     *
     * Every column is named (a real install has no defaults on tbladdons) with a value WHMCS's
     * own Product Addons page writes (notes in docs/WHMCS-FIDELITY.md):
     *  - billingcycle 'free': the page's "Free" payment type; it lists the addon as free and
     *    the operator prices it by choosing One Time or Recurring there (WHMCS then adds the
     *    tblpricing rows itself when the pricing tab is first shown, so none are written here);
     *  - autoactivate 'payment': a client addon turns Active when its first invoice is paid.
     *    Free, the addon decides nothing (addonPriced() is false); once priced, only services
     *    whose CDN addon is paid get CDN, never on order acceptance alone ('on') nor by hand
     *    only ('').
     */
    public static function installAddon(): int
    {
        $id = self::addonId();
        if ($id > 0) {
            // Earlier versions wrote 'Free', which WHMCS's page shows as a Recurring addon.
            if (Capsule::table('tbladdons')->where('id', $id)->value('billingcycle') === 'Free') {
                Capsule::table('tbladdons')->where('id', $id)->update(['billingcycle' => 'free']);
            }
            return $id;
        }
        $now = date('Y-m-d H:i:s');
        $row = [
            'packages' => implode(',', array_keys(self::enabled())),
            'name' => self::ADDON_NAME,
            'description' => 'Aflexi CDN account (publisher) for this service.',
            'billingcycle' => 'free',
            'tax' => 0,
            'showorder' => 1,
            'downloads' => '',
            'autoactivate' => 'payment',
            'suspendproduct' => 0,
            'welcomeemail' => 0,
            'type' => 'hostingaccount',
            'module' => '',
            'server_group_id' => 0,
            'weight' => 0,
            'autolinkby' => '',
            'hidden' => 0,
            'retired' => 0,
            'allowqty' => 0,
            'prorate' => 0,
            'created_at' => $now,
            'updated_at' => $now,
        ];
        // Older WHMCS versions lack some columns (module, autolinkby, ...): only existing ones.
        $columns = array_flip(Capsule::schema()->getColumnListing('tbladdons'));
        return (int) Capsule::table('tbladdons')->insertGetId(array_intersect_key($row, $columns));
    }

    /**
     * Whether the operator charges for the "Aflexi CDN" addon: a billing cycle other than
     * free and a price above zero. Then a service needs the addon active to get CDN.
     */
    public static function addonPriced(int $addonId): bool
    {
        if ($addonId <= 0) {
            return false;
        }
        $cycle = strtolower(trim((string) Capsule::table('tbladdons')->where('id', $addonId)->value('billingcycle')));
        if ($cycle === '' || str_starts_with($cycle, 'free')) {
            return false;
        }
        foreach (Capsule::table('tblpricing')->where('type', 'addon')->where('relid', $addonId)->get() as $row) {
            if (self::hasPrice($row)) {
                return true;
            }
        }
        return false;
    }

    private static function hasPrice(object $row): bool
    {
        foreach (self::CYCLES as $cycle) {
            if ((float) ($row->$cycle ?? 0) > 0) {
                return true;
            }
        }
        return false;
    }
}

<?php

declare(strict_types=1);

namespace WHMCS\Module\Server\Aflexi;

use WHMCS\Database\Capsule;

/**
 * Which Aflexi products get the "Aflexi CDN Welcome Mail" as their welcome e-mail: each
 * product once, the first time the module sees it using the module, and only when it has
 * none then. A product seen before keeps whatever the admin chose since, including "None"
 * (a deliberate choice WHMCS stores as 0, indistinguishable from "never set").
 */
final class ProductWelcome
{
    private const CHUNK = 500;

    /** Gives the template to the Aflexi products not seen before that have no welcome e-mail. Returns how many. */
    public static function offer(int $templateId): int
    {
        Schema::ensure();
        $unseen = Capsule::table('tblproducts as p')
            ->leftJoin(Schema::PRODUCTS . ' as seen', 'seen.product_id', '=', 'p.id')
            ->where('p.servertype', 'aflexi')->whereNull('seen.product_id')
            ->get(['p.id', 'p.welcomeemail']);
        $without = [];
        foreach ($unseen as $product) {
            if ((int) $product->welcomeemail === 0) {
                $without[] = (int) $product->id;
            }
        }
        foreach (array_chunk($without, self::CHUNK) as $ids) {
            Capsule::table('tblproducts')->whereIn('id', $ids)->update(['welcomeemail' => $templateId]);
        }
        $now = PublisherRecords::now();
        $rows = array_map(static fn ($p): array => ['product_id' => (int) $p->id, 'created_at' => $now], $unseen->all());
        foreach (array_chunk($rows, self::CHUNK) as $chunk) {
            Capsule::table(Schema::PRODUCTS)->insertOrIgnore($chunk);
        }
        return count($without);
    }
}

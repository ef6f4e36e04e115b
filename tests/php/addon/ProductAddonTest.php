<?php
/**
 * The "Aflexi CDN" product addon row: written with the values WHMCS's own
 * Product Addons page writes, every column named (a real install has no defaults on
 * tbladdons), free until the operator prices it there, and priced as WHMCS stores a price.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use AflexiAddonTests\Support\AddonTestCase;
use WHMCS\Database\Capsule;
use WHMCS\Module\Addon\AflexiCdn\Catalog;
use WhmcsHarness\Fixtures;

final class ProductAddonTest extends AddonTestCase
{
    public function testTheAddonRowIsFreeAutoActivatedOnPaymentWithEveryColumnNamed(): void
    {
        Capsule::table('tbladdons')->where('id', Catalog::addonId())->delete();
        $connection = Capsule::connection();
        $connection->flushQueryLog();
        $connection->enableQueryLog();
        try {
            $id = Catalog::installAddon();
        } finally {
            $connection->disableQueryLog();
        }
        $inserts = array_values(array_filter(array_column($connection->getQueryLog(), 'query'),
            static fn (string $q): bool => stripos($q, 'insert into') === 0 && str_contains($q, 'tbladdons')));
        self::assertCount(1, $inserts);
        preg_match('~\((.*?)\)\s*values~i', $inserts[0], $m);
        $named = array_map(static fn (string $c): string => trim($c, " `\""), explode(',', $m[1]));
        $columns = array_values(array_diff(Capsule::schema()->getColumnListing('tbladdons'), ['id']));
        sort($named);
        sort($columns);
        self::assertSame($columns, $named, 'every column of tbladdons is named in the insert');

        $row = Capsule::table('tbladdons')->where('id', $id)->first();
        self::assertSame('free', $row->billingcycle, 'the value of the Product Addons page\'s "Free" payment type');
        self::assertSame('payment', $row->autoactivate, 'activated when its invoice is paid');
        self::assertFalse(Catalog::addonPriced($id));
    }

    public function testARowAnEarlierVersionWroteWithFreeIsCorrectedOnActivation(): void
    {
        $id = Catalog::addonId();
        Capsule::table('tbladdons')->where('id', $id)->update(['billingcycle' => 'Free']);

        self::assertSame($id, Catalog::installAddon());

        self::assertSame('free', Capsule::table('tbladdons')->where('id', $id)->value('billingcycle'));
    }

    /** @return iterable<string, array{string, array<string, float|int>, bool}> */
    public static function pricings(): iterable
    {
        $none = ['msetupfee' => 0, 'monthly' => -1, 'qsetupfee' => 0, 'quarterly' => -1, 'ssetupfee' => 0, 'semiannually' => -1,
            'asetupfee' => 0, 'annually' => -1, 'bsetupfee' => 0, 'biennially' => -1, 'tsetupfee' => 0, 'triennially' => -1];
        yield 'free, as activated' => ['free', $none, false];
        yield 'free with a stale price left in tblpricing' => ['free', ['monthly' => 5.0] + $none, false];
        yield 'one time 5.00 (msetupfee/monthly hold it)' => ['onetime', ['monthly' => 5.0] + $none, true];
        yield 'one time with a setup fee only' => ['onetime', ['msetupfee' => 2.5, 'monthly' => 0] + $none, true];
        yield 'one time 0.00' => ['onetime', ['monthly' => 0] + $none, false];
        yield 'recurring, several cycles' => ['recurring', ['monthly' => 3.0, 'annually' => 30.0] + $none, true];
        yield 'recurring on one cycle (WHMCS stores its name)' => ['Annually', ['annually' => 30.0] + $none, true];
        yield 'recurring, every cycle disabled' => ['recurring', $none, false];
    }

    /**
     * @dataProvider pricings
     * @param array<string, float|int> $prices
     */
    #[\PHPUnit\Framework\Attributes\DataProvider('pricings')]
    public function testAPriceSetInTheProductAddonsPageIsRecognised(string $cycle, array $prices, bool $priced): void
    {
        $id = Catalog::addonId();
        Capsule::table('tbladdons')->where('id', $id)->update(['billingcycle' => $cycle]);
        Capsule::table('tblpricing')->insert($prices + ['type' => 'addon', 'currency' => 1, 'relid' => $id]);

        self::assertSame($priced, Catalog::addonPriced($id));
    }

    public function testAPendingCdnAddonTurnsActiveWhenItsInvoiceIsPaidAndTheServiceGetsCdn(): void
    {
        $id = Catalog::addonId();
        Capsule::table('tbladdons')->where('id', $id)->update(['billingcycle' => 'Monthly']);
        Capsule::table('tblpricing')->insert(['type' => 'addon', 'currency' => 1, 'relid' => $id, 'monthly' => 5.0]);
        $product = $this->product();
        $this->saveAndApply([$product]);
        $service = $this->activeService($product);
        $clientAddon = Fixtures::clientAddon(['hostingid' => $service, 'addonid' => $id, 'status' => 'Pending', 'name' => Catalog::ADDON_NAME]);
        self::assertNull($this->publisher($this->usernameOf($service)));

        $this->pay(Fixtures::invoice([], [['type' => 'Addon', 'relid' => $clientAddon, 'amount' => 5.00]]));

        self::assertSame('Active', Capsule::table('tblhostingaddons')->where('id', $clientAddon)->value('status'));
        self::assertSame('ACTIVE', strtoupper((string) ($this->publisher($this->usernameOf($service))['status'] ?? '')));
    }
}

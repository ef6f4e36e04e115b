<?php
/**
 * Money and dates the way WHMCS API responses show them: decimals as "12.95" strings, and
 * amounts in emails with the currency prefix/suffix ("$12.95 USD").
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Money
{
    public static function format(mixed $amount): string
    {
        return number_format((float) $amount, 2, '.', '');
    }

    public static function withCurrency(mixed $amount, int $currencyId): string
    {
        $currency = Capsule::table('tblcurrencies')->where('id', $currencyId)->first()
            ?? Capsule::table('tblcurrencies')->where('default', 1)->first();
        return ($currency->prefix ?? '') . self::format($amount) . ($currency->suffix ?? '');
    }
}

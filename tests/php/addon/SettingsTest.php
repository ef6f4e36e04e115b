<?php
/**
 * The addon's numeric settings take their defaults and bounds from the core
 * (Aflexi\defaults()), on the configuration page and when read.
 */

declare(strict_types=1);

namespace AflexiAddonTests;

use PHPUnit\Framework\TestCase;
use WHMCS\Module\Addon\AflexiCdn\Settings;

use function Aflexi\defaults;

final class SettingsTest extends TestCase
{
    public function test_the_settings_use_the_cores_defaults_and_bounds(): void
    {
        self::assertSame(defaults(), Settings::defaults());
        ['concurrency' => $concurrency, 'step_seconds' => $step, 'cron_seconds' => $cron] = defaults();

        $unset = new Settings([]);
        self::assertSame($concurrency['default'], $unset->concurrency());
        self::assertSame($step['default'] * 1000, $unset->stepBudgetMs());
        self::assertSame($cron['default'] * 1000, $unset->cronBudgetMs());

        $over = new Settings(['concurrency' => '100000', 'step_seconds' => '100000', 'cron_seconds' => '100000']);
        self::assertSame($concurrency['max'], $over->concurrency());
        self::assertSame($step['max'] * 1000, $over->stepBudgetMs());
        self::assertSame($cron['max'] * 1000, $over->cronBudgetMs());

        $under = new Settings(['concurrency' => '0', 'step_seconds' => '0', 'cron_seconds' => '0']);
        self::assertSame($concurrency['min'], $under->concurrency());
        self::assertSame($step['min'] * 1000, $under->stepBudgetMs());
        self::assertSame($cron['min'] * 1000, $under->cronBudgetMs());
    }

    public function test_the_configuration_page_offers_the_cores_defaults(): void
    {
        $fields = aflexi_cdn_config()['fields'];
        foreach (['concurrency', 'step_seconds', 'cron_seconds'] as $key) {
            self::assertSame((string) defaults()[$key]['default'], $fields[$key]['Default'], $key);
        }
    }
}

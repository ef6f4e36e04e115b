<?php
/**
 * Aflexi\defaults(): the core's defaults and bounds as PHP reads them, the same numbers the
 * INI settings start from and the client enforces.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\InvalidInputException;

use function Aflexi\defaults;

final class DefaultsTest extends ExtensionTestCase
{
    public function testEachSettingHasItsDefaultAndBounds(): void
    {
        $defaults = defaults();
        self::assertSame(
            ['connect_timeout', 'timeout', 'operation_timeout', 'concurrency', 'step_seconds', 'cron_seconds'],
            array_keys($defaults)
        );
        self::assertSame(['default' => 16, 'min' => 1, 'max' => 256], $defaults['concurrency']);
        self::assertSame(['default' => 10, 'min' => 1, 'max' => 20], $defaults['step_seconds']);
        self::assertSame(['default' => 60, 'min' => 5, 'max' => 600], $defaults['cron_seconds']);
        self::assertSame(['default' => 60, 'min' => 0.1, 'max' => 3600.0], $defaults['operation_timeout']);
        foreach ($defaults as $name => $entry) {
            self::assertGreaterThanOrEqual($entry['min'], $entry['default'], $name);
            self::assertLessThanOrEqual($entry['max'], $entry['default'], $name);
        }
    }

    public function testTheIniDefaultsAreTheCoresDefaults(): void
    {
        $defaults = defaults();
        foreach (['connect_timeout', 'timeout', 'operation_timeout', 'concurrency'] as $name) {
            self::assertSame((string) $defaults[$name]['default'], ini_get('aflexi.' . $name), $name);
        }
    }

    public function testTheClientAcceptsExactlyTheConcurrencyBounds(): void
    {
        ['min' => $min, 'max' => $max] = defaults()['concurrency'];
        $this->client(['concurrency' => $min]);
        $this->client(['concurrency' => $max]);
        foreach ([$min - 1, $max + 1] as $outside) {
            try {
                $this->client(['concurrency' => $outside]);
                self::fail("concurrency $outside was accepted");
            } catch (InvalidInputException $e) {
                self::assertStringContainsString("between $min and $max", $e->getMessage());
            }
        }
    }
}

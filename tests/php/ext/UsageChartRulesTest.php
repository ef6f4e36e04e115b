<?php
/**
 * The usage chart and bandwidth alert rules as PHP sees them (aflexi-php-ext/src/rules.rs over
 * aflexi-core/src/usage_chart.rs and bandwidth_alert.rs): structured answers, and bad input
 * refused by name as InvalidInputException, never a PHP error or a half-drawn chart.
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use Aflexi\InvalidInputException;

use function Aflexi\alert_thresholds;
use function Aflexi\alerts_reached;
use function Aflexi\format_mb;
use function Aflexi\usage_chart;

final class UsageChartRulesTest extends ExtensionTestCase
{
    public function testTheChartAnswersItsSvgRowsAndTotals(): void
    {
        $chart = usage_chart(self::spec([['date' => '2026-12-01', 'mb' => 1536]], [['date' => '2026-11-01', 'mb' => 100], ['date' => '2026-11-02', 'mb' => 0]]));

        self::assertSame(['svg', 'rows', 'current_total', 'previous_total'], array_keys($chart));
        self::assertSame(['day' => 2, 'current_date' => '', 'current' => '', 'previous_date' => '2026-11-02', 'previous' => '0 MB'], $chart['rows'][1]);
        self::assertSame('1.5 GB', $chart['current_total']);
        self::assertNotFalse(simplexml_load_string($chart['svg']));
    }

    /** @return iterable<string, array{0: array<string, mixed>, 1: string}> */
    public static function badSpecs(): iterable
    {
        yield 'a missing key' => [array_diff_key(self::spec([], []), ['title' => 1]), 'title'];
        yield 'a figure that is text' => [self::spec([['date' => '2026-12-01', 'mb' => 'lots']], []), 'lots'];
        yield 'a negative figure' => [self::spec([['date' => '2026-12-01', 'mb' => -1]], []), 'negative'];
        yield 'a bad date' => [self::spec([['date' => '1st', 'mb' => 1]], []), 'YYYY-MM-DD'];
    }

    /** @dataProvider badSpecs */
    #[\PHPUnit\Framework\Attributes\DataProvider('badSpecs')]
    public function testABadChartIsRefusedByName(array $spec, string $said): void
    {
        $this->expectException(InvalidInputException::class);
        $this->expectExceptionMessage($said);
        usage_chart($spec);
    }

    public function testThresholdsAndWhichAreReached(): void
    {
        self::assertSame([80, 100], alert_thresholds(null));
        self::assertSame([50, 90], alert_thresholds('90%, 50'));
        self::assertSame([80], alerts_reached(800, 1000, [80, 100]));
        self::assertSame([], alerts_reached(800, 0, [80]));
        self::assertSame('1,023 MB', format_mb(1023));
        try {
            alert_thresholds('80,abc');
            self::fail('accepted');
        } catch (InvalidInputException $e) {
            self::assertStringContainsString('"abc"', $e->getMessage());
        }
        $this->expectException(InvalidInputException::class);
        alerts_reached(1, 1, [0]);
    }

    /**
     * @param list<array<string, mixed>> $current
     * @param list<array<string, mixed>> $previous
     * @return array<string, mixed>
     */
    private static function spec(array $current, array $previous): array
    {
        return ['id' => 'c1', 'title' => 'Daily', 'axis' => 'Day', 'current' => ['label' => 'Now', 'days' => $current], 'previous' => ['label' => 'Before', 'days' => $previous]];
    }
}

<?php
/**
 * Runs tests/php/support/load-hooks.php (a module's hooks.php loaded as WHMCS loads it, in a
 * fresh PHP process, under one failure) and checks what WHMCS would suffer from it: nothing
 * thrown, no fatal error, nothing echoed onto the page. Returns the child's report.
 */

declare(strict_types=1);

namespace AflexiTests\Support;

use WhmcsHarness\Crypto;

trait HooksInFreshProcess
{
    /**
     * @param array{client: int, service: int, product: int, invoice: int} $ids
     * @return array{threw: ?string, fatal: ?string, activity: list<string>, page: ?string, fired: list<string>}
     */
    protected function loadHooksInFreshProcess(string $module, string $scenario, array $ids): array
    {
        // This PHP's own ini (the aflexi extension is never in it: run.sh loads it with -d).
        $command = [PHP_BINARY, '-d', 'display_errors=1', '-d', 'error_reporting=-1'];
        if ($scenario !== 'no-extension') {
            $so = (string) getenv('AFLEXI_EXT_SO');
            self::assertNotSame('', $so, 'AFLEXI_EXT_SO names the extension under test (set by run.sh)');
            array_push($command, '-d', "extension=$so");
        }
        $reportFile = (string) tempnam(sys_get_temp_dir(), 'aflexi-hooks-');
        array_push($command, dirname(__DIR__) . '/support/load-hooks.php', $module, $scenario, json_encode($ids), $reportFile);
        $process = proc_open($command, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null,
            ['HARNESS_KEY' => Crypto::exportKey()] + getenv());
        self::assertIsResource($process);
        $stdout = (string) stream_get_contents($pipes[1]);
        $stderr = (string) stream_get_contents($pipes[2]);
        proc_close($process);
        $report = json_decode((string) file_get_contents($reportFile), true);
        @unlink($reportFile);

        self::assertIsArray($report, "no report from the child: $stdout $stderr");
        self::assertNull($report['fatal'], 'a fatal error in WHMCS\'s request');
        self::assertNull($report['threw'], 'an exception escaped into WHMCS\'s request');
        self::assertSame('', $stdout, 'output on the page');
        self::assertNotSame([], $report['fired'], 'hooks.php registered its hooks');
        return $report;
    }

    /**
     * @param array{activity: list<string>} $report
     * @return list<string> the activity lines of a report containing $needle
     */
    protected function activityWith(array $report, string $needle): array
    {
        return array_values(array_filter($report['activity'], static fn (string $l): bool => str_contains($l, $needle)));
    }
}

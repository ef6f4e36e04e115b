<?php
/**
 * Fuzzing over the wire through the extension into PHP (docs/RELIABILITY.md (j)): the
 * sandbox's real answers, mutated by the `aflexi-wire` server, reach the module's client calls
 * in a separate PHP process. Every case must end (the client's own time limits, no sleep), in
 * a result of the documented type or an Aflexi exception of a kind that says the answer was
 * bad, with the code that kind carries; never a PHP fatal, a warning, another exception class
 * or a timeout (the server answers and closes at once, so a timeout is a hang).
 *
 *   AFLEXI_PHP_WIRE_FUZZ_CASES (200 in make test, more in make drill), AFLEXI_PHP_WIRE_FUZZ_SEED
 * A failure names the case and its seed; the same seed replays the same cases against the
 * same sandbox state (run this test alone to reproduce one: the listings hold other tests'
 * publishers in the whole suite).
 */

declare(strict_types=1);

namespace Aflexi\Tests;

use AflexiTests\Support\ChildProcess;
use AflexiTests\Support\WireProcess;

require_once dirname(__DIR__) . '/support/WireProcess.php';

final class WireFuzzTest extends ExtensionTestCase
{
    protected function tearDown(): void
    {
        $this->sandbox->calm();
    }

    /** The exceptions a mutated answer may end in, with what their code must be. */
    private const KNOWN = [
        \Aflexi\AuthenticationException::class => 'zero',
        \Aflexi\FaultException::class => 'any', // the fault code the answer carried
        \Aflexi\NotFoundException::class => 'zero',
        \Aflexi\TransportException::class => 'zero', // the answer broke the HTTP exchange
        \Aflexi\HttpStatusException::class => 'status',
        \Aflexi\RedirectException::class => 'redirect',
        \Aflexi\ResponseTooLargeException::class => 'zero',
        \Aflexi\ProtocolException::class => 'zero',
    ];

    /** What each call returns when it succeeds (get_debug_type, as the child prints it). */
    private const RETURNS = [
        'verifyCredentials' => ['array'], 'verifyCredentials(refused key)' => ['array'], 'createPublisher' => ['array+publisher'],
        'findPublisher' => ['array', 'null'], 'getPublisher' => ['array'], 'suspend' => ['string'],
        'activate' => ['string'], 'changePackage' => ['string'], 'changePassword' => ['null'],
        'terminate' => ['string'], 'listPackages' => ['array'], 'publisherPages' => ['int'],
        'bandwidthUsageOf' => ['array'],
    ];

    /** No case may take this long: its limits are 5 s a request, 30 s an operation. */
    private const WATCHDOG_SECONDS = 90;

    public function testMutatedRealAnswersEndInAResultOrAnAflexiExceptionOfAKnownKind(): void
    {
        $cases = (int) (getenv('AFLEXI_PHP_WIRE_FUZZ_CASES') ?: 200);
        $seed = (int) (getenv('AFLEXI_PHP_WIRE_FUZZ_SEED') ?: 20261203);
        $target = $this->client()->createPublisher([
            'username' => 'wfz_target', 'email' => 'wfz_target@example.com', 'name' => 'Target',
            'password' => 'Wire-fuzz-pass-0', 'package' => 'Gold',
        ])['publisher']['id'];
        $wire = new WireProcess($this->sandbox);
        // Fault answers are real answers too: a fifth of the sandbox's answers are faults, HTTP
        // 500 pages or truncated XML (kept by the wire server, so a replay gets the same).
        $this->sandbox->configure(['fault_rate' => 0.2, 'fault_kinds' => ['fault', 'http500', 'malformed'], 'seed' => $seed]);

        $lines = $this->play($wire, $seed, 0, $cases, (int) $target);
        $counts = [];
        $wrong = [];
        foreach ($lines as $line) {
            $outcome = $line['outcome'] === 'ok' ? 'ok' : substr(strrchr('\\' . $line['outcome'], '\\'), 1);
            $counts[$outcome] = ($counts[$outcome] ?? 0) + 1;
            $why = self::wrong($line);
            if ($why !== null) {
                $wrong[] = sprintf('case %d (AFLEXI_PHP_WIRE_FUZZ_SEED=%d, case seed %d) %s: %s', $line['case'], $seed, $line['seed'], $line['call'], $why);
            }
        }
        ksort($counts);
        fwrite(STDERR, sprintf("\nPHP wire fuzz: %d cases from seed %d, %d calls answered: %s\n", $cases, $seed, $wire->answered(), json_encode($counts)));
        self::assertSame([], $wrong);
        // Both sides are reached: some answers survive the mutations, most are refused.
        self::assertGreaterThan(0, $counts['ok'] ?? 0, json_encode($counts));
        self::assertGreaterThan(0, $counts['ProtocolException'] ?? 0, json_encode($counts));

        // A seed replays the same cases, so a finding can be reproduced from it.
        $again = $this->play($wire, $seed, 0, min(30, $cases), (int) $target);
        $outcomes = static fn (array $all): array => array_map(
            static fn (array $l): array => [$l['call'], $l['outcome'], $l['code'] ?? null, $l['type'] ?? null],
            $all
        );
        self::assertSame($outcomes(array_slice($lines, 0, count($again))), $outcomes($again));
    }

    /** Why a case's outcome breaks the rules, or null. */
    private static function wrong(array $line): ?string
    {
        if ($line['outcome'] === 'ok') {
            return in_array($line['type'], self::RETURNS[$line['call']], true)
                ? null : "returned a {$line['type']}";
        }
        $rule = self::KNOWN[$line['outcome']] ?? null;
        $code = (int) $line['code'];
        $codeOk = match ($rule) {
            null => false,
            'zero' => $code === 0,
            'any' => true,
            'status' => $code >= 100 && $code <= 999 && ($code < 300 || $code >= 400),
            'redirect' => $code >= 300 && $code < 400,
        };
        return $codeOk ? null : sprintf('%s (code %d): %s', $line['outcome'], $code, $line['message']);
    }

    /**
     * Plays cases $first..$first+$count-1 in a child PHP process and returns one decoded line
     * per case; fails, naming the case and its seed, if the child dies or a case does not end.
     *
     * @return list<array<string, mixed>>
     */
    private function play(WireProcess $wire, int $seed, int $first, int $count, int $target): array
    {
        $stderr = tempnam(sys_get_temp_dir(), 'wire-fuzz-err-');
        $process = proc_open(
            [PHP_BINARY, '-d', 'extension=' . self::extensionPath(), __DIR__ . '/support/wire-fuzz-child.php',
             $wire->url(), (string) $seed, (string) $first, (string) $count, (string) $target],
            [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['file', $stderr, 'w']],
            $pipes
        );
        self::assertIsResource($process);
        $pid = (int) proc_get_status($process)['pid'];
        ChildProcess::rememberPid($pid);
        stream_set_blocking($pipes[1], false);
        $lines = [];
        $buffer = '';
        while (count($lines) < $count) {
            $read = [$pipes[1]];
            $write = $except = null;
            $running = $first + count($lines);
            if (stream_select($read, $write, $except, self::WATCHDOG_SECONDS) === 0) {
                proc_terminate($process, 9);
                self::fail(sprintf('case %d (case seed %d) did not end within %d s: a hang', $running, $seed + $running, self::WATCHDOG_SECONDS));
            }
            $chunk = fread($pipes[1], 65536);
            if ($chunk === '' || $chunk === false) {
                if (feof($pipes[1])) {
                    fclose($pipes[1]);
                    $status = proc_close($process);
                    self::fail(sprintf("the PHP process died (exit %d) in case %d (case seed %d):\n%s", $status, $running, $seed + $running, file_get_contents($stderr)));
                }
                continue;
            }
            $buffer .= $chunk;
            while (($at = strpos($buffer, "\n")) !== false) {
                $lines[] = json_decode(substr($buffer, 0, $at), true, 512, JSON_THROW_ON_ERROR);
                $buffer = substr($buffer, $at + 1);
            }
        }
        fclose($pipes[1]);
        $status = proc_close($process);
        ChildProcess::forgetPid($pid);
        self::assertSame(0, $status, (string) file_get_contents($stderr));
        @unlink($stderr);
        return $lines;
    }
}

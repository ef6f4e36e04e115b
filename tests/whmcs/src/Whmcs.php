<?php
/**
 * The recorder behind the WHMCS global functions (src/functions.php): every call to
 * localAPI, logModuleCall, logActivity, add_hook, run_hook, encrypt, decrypt, generate_token
 * and check_token is recorded here, together with what WHMCS would have done (emails
 * rendered, hooks run, module log entries as stored). Tests read it through the accessors and
 * start clean with reset() (WhmcsHarness\TestCase does that in setUp).
 */

declare(strict_types=1);

namespace WhmcsHarness;

use WHMCS\Database\Capsule;

final class Whmcs
{
    /** The WHMCS version the stand-in reports ($params['whmcsVersion'], tblconfiguration Version). */
    public const VERSION = '8.13.1-release.1';

    /** @var list<array{function: string, args: array<int, mixed>}> */
    private static array $calls = [];
    /** @var list<array{command: string, values: array<string, mixed>, admin: string, result: array<string, mixed>}> */
    private static array $apiCalls = [];
    /** @var array<string, callable(array<string, mixed>, string): array<string, mixed>> */
    private static array $apiFakes = [];
    /** @var list<array<string, mixed>> */
    private static array $moduleLog = [];
    /** @var list<array<string, mixed>> */
    private static array $emails = [];
    /** @var list<array{point: string, vars: array<string, mixed>, results: list<mixed>}> */
    private static array $hookRuns = [];
    private static bool $recording = true;

    /**
     * A clean WHMCS for the next test: clean database (Database::reset), empty recorder, no
     * API fakes, only the hooks that module hooks.php files registered, empty $_GET, $_POST,
     * $_REQUEST and $_SESSION.
     */
    public static function reset(): void
    {
        Database::reset();
        self::$calls = self::$apiCalls = self::$apiFakes = self::$moduleLog = self::$emails = self::$hookRuns = [];
        self::$recording = true;
        Hooks::forgetTestHooks();
        \WHMCS\Module\AbstractWidget::forgetCache();
        $_GET = $_POST = $_REQUEST = $_COOKIE = [];
        $_SESSION = [];
        unset($_SERVER['REQUEST_METHOD']);
    }

    /**
     * Stops recording the calls of WHMCS functions (until the next reset): for a long run, such
     * as a memory benchmark, where the recorder would hold every encrypt() call - a real WHMCS
     * keeps nothing.
     */
    public static function stopRecording(): void
    {
        self::$recording = false;
        self::$calls = [];
    }

    /**
     * Replaces one localAPI command with a handler for the rest of the test - to make WHMCS
     * answer an error, or to stand in for a command the harness does not implement. The call
     * is still recorded.
     *
     * @param callable(array<string, mixed> $values, string $admin): array<string, mixed>|array<string, mixed> $handler
     */
    public static function fakeApi(string $command, callable|array $handler): void
    {
        self::$apiFakes[strtolower($command)] = is_array($handler) ? static fn (): array => $handler : $handler;
    }

    /** @return list<array{function: string, args: array<int, mixed>}> every recorded global-function call, optionally of one function */
    public static function calls(?string $function = null): array
    {
        return self::filter(self::$calls, 'function', $function);
    }

    /** @return list<array{command: string, values: array<string, mixed>, admin: string, result: array<string, mixed>}> localAPI calls, optionally of one command */
    public static function apiCalls(?string $command = null): array
    {
        return self::filter(self::$apiCalls, 'command', $command);
    }

    /**
     * Module log entries as WHMCS stores them (secrets already masked), oldest first. Each has
     * module, action, request, response, processed (masked, in the types the module passed)
     * and the stored text columns request_text, response_text, processed_text.
     *
     * @return list<array<string, mixed>>
     */
    public static function moduleLog(?string $action = null): array
    {
        return self::filter(self::$moduleLog, 'action', $action);
    }

    /** @return list<string> tblactivitylog descriptions, oldest first */
    public static function activityLog(): array
    {
        return Capsule::table('tblactivitylog')->orderBy('id')->pluck('description')->all();
    }

    /**
     * Emails WHMCS sent (SendEmail, welcome emails), oldest first: messagename, type, relid,
     * to, subject, message (rendered), mergefields, attachments.
     *
     * @return list<array<string, mixed>>
     */
    public static function emails(?string $messagename = null): array
    {
        return self::filter(self::$emails, 'messagename', $messagename);
    }

    /** @return list<array{point: string, vars: array<string, mixed>, results: list<mixed>}> run_hook calls, optionally of one hook point */
    public static function hookRuns(?string $point = null): array
    {
        return self::filter(self::$hookRuns, 'point', $point);
    }

    /**
     * Where a secret is visible to a WHMCS admin reading the logs: module log entries (after
     * masking) and activity log lines that contain it raw, JSON-escaped, URL-encoded,
     * XML/HTML-escaped or base64-encoded. Empty when it leaked nowhere.
     *
     * @return list<string> descriptions of the offending entries
     */
    public static function leaksOf(string $secret): array
    {
        $forms = SecretMask::encodings($secret);
        $found = [];
        foreach (self::$moduleLog as $i => $entry) {
            foreach (['request_text', 'response_text', 'processed_text'] as $column) {
                if (self::containsAny($entry[$column], $forms)) {
                    $found[] = "module log #$i ({$entry['action']}) $column";
                }
            }
        }
        foreach (self::activityLog() as $i => $line) {
            if (self::containsAny($line, $forms)) {
                $found[] = "activity log #$i: $line";
            }
        }
        return $found;
    }

    /** @internal */
    public static function recordCall(string $function, array $args): void
    {
        if (!self::$recording) {
            return;
        }
        self::$calls[] = ['function' => $function, 'args' => $args];
    }

    /** @internal */
    public static function apiFake(string $command): ?callable
    {
        return self::$apiFakes[strtolower($command)] ?? null;
    }

    /** @internal */
    public static function recordApi(string $command, array $values, string $admin, array $result): void
    {
        self::$apiCalls[] = ['command' => $command, 'values' => $values, 'admin' => $admin, 'result' => $result];
    }

    /** @internal */
    public static function recordModuleLog(array $entry): void
    {
        self::$moduleLog[] = $entry;
    }

    /** @internal */
    public static function recordEmail(array $email): void
    {
        self::$emails[] = $email;
    }

    /** @internal */
    public static function recordHookRun(string $point, array $vars, array $results): void
    {
        self::$hookRuns[] = ['point' => $point, 'vars' => $vars, 'results' => $results];
    }

    /** @param list<string> $needles */
    private static function containsAny(string $haystack, array $needles): bool
    {
        foreach ($needles as $needle) {
            if ($needle !== '' && str_contains($haystack, $needle)) {
                return true;
            }
        }
        return false;
    }

    private static function filter(array $entries, string $key, ?string $value): array
    {
        if ($value === null) {
            return $entries;
        }
        return array_values(array_filter($entries, static fn (array $e): bool => strcasecmp((string) $e[$key], $value) === 0));
    }
}

<?php
/**
 * `generate_token()` / `check_token()` (tests/whmcs/README.md#csrf): one CSRF token per session (kept in $_SESSION,
 * so Whmcs::reset() invalidates it). generate_token('plain') is the bare token,
 * generate_token('link') is "&token=...", anything else (default 'form') is the hidden
 * `<input name="token">`. check_token() reads the submitted `token` (POST, then GET) and,
 * when it is missing or wrong, aborts the request the way WHMCS does - which the stand-in
 * models as a TokenRejected exception that the test can expect.
 */

declare(strict_types=1);

namespace WhmcsHarness;

final class Csrf
{
    private const SESSION_KEY = 'tkval';

    public static function token(): string
    {
        if (empty($_SESSION[self::SESSION_KEY]) || !is_string($_SESSION[self::SESSION_KEY])) {
            $_SESSION[self::SESSION_KEY] = bin2hex(random_bytes(20));
        }
        return $_SESSION[self::SESSION_KEY];
    }

    public static function generate(string $type = 'form'): string
    {
        $token = self::token();
        return match ($type) {
            'plain' => $token,
            'link' => '&token=' . $token,
            default => '<input type="hidden" name="token" value="' . $token . '" />',
        };
    }

    /** @throws TokenRejected */
    public static function check(string $namespace = 'WHMCS.admin.default'): bool
    {
        $sent = $_POST['token'] ?? $_GET['token'] ?? null;
        $expected = $_SESSION[self::SESSION_KEY] ?? null;
        if (!is_string($sent) || !is_string($expected) || $expected === '' || !hash_equals($expected, $sent)) {
            throw new TokenRejected($namespace);
        }
        return true;
    }
}

<?php
/**
 * A WHMCS page request as module code sees it: $_GET/$_POST/$_REQUEST with every value
 * HTML-entity-encoded the way WHMCS encodes request input (developers.whmcs.com/addon-modules/admin-area-output; the public module
 * sign-net/Sign-Reseller-WHMCS-Plugin decodes it with htmlspecialchars_decode), the logged-in admin in $_SESSION['adminid'] or client in
 * $_SESSION['uid'], and echoed output captured.
 */

declare(strict_types=1);

namespace WhmcsHarness;

final class Request
{
    /**
     * @param array<string, mixed> $get raw (unencoded) query values
     * @param array<string, mixed> $post raw (unencoded) form values
     */
    public static function set(array $get = [], array $post = []): void
    {
        $_GET = self::encode($get);
        $_POST = self::encode($post);
        $_REQUEST = array_merge($_GET, $_POST);
        $_SERVER['REQUEST_METHOD'] = $post === [] ? 'GET' : 'POST';
    }

    public static function asAdmin(int $adminId = 1): void
    {
        $_SESSION['adminid'] = $adminId;
    }

    public static function asClient(int $clientId): void
    {
        $_SESSION['uid'] = $clientId;
    }

    /**
     * Runs $page and returns what it echoed (its return value goes to $returned).
     */
    public static function capture(callable $page, mixed &$returned = null): string
    {
        ob_start();
        try {
            $returned = $page();
        } finally {
            $output = (string) ob_get_clean();
        }
        return $output;
    }

    /** WHMCS's input encoding: htmlspecialchars(ENT_QUOTES) on every value, recursively. */
    public static function encode(array $values): array
    {
        $out = [];
        foreach ($values as $key => $value) {
            $out[$key] = is_array($value) ? self::encode($value) : htmlspecialchars((string) $value, ENT_QUOTES, 'UTF-8');
        }
        return $out;
    }
}
